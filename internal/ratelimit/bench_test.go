package ratelimit_test

import (
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/ratelimit"
)

// liveKeys is how many distinct keys the benchmarks keep live.
const liveKeys = 1_000_000

var benchLimit = ratelimit.Limit{Num: 1 << 30, Period: 3600 * time.Second}

// fixtures are built once per run: a table and the naive baseline, each
// filled with every key, and their heap per key.
var fixtures = sync.OnceValue(func() *benchFixtures {
	f := &benchFixtures{}
	f.tab, f.tableBytes = measure(func() any {
		tab, _ := ratelimit.New(liveKeys * 3 / 2)
		for i := range liveKeys {
			k := client(uint64(i))
			tab.Count(tab.KeyBytes(1, "", k[:]), &benchLimit, t0)
		}
		return tab
	})
	var m any
	m, f.mapBytes = measure(func() any {
		m := newNaive()
		for i := range liveKeys {
			k := client(uint64(i))
			m.count(k[:], t0)
		}
		return m
	})
	f.naive = m.(*naive)
	return f
})

// client is the key value of client i: its address in the 16-byte form the
// CC rules hash, built without touching memory, as a request's own address
// would be in cache.
func client(i uint64) [16]byte {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).As16()
}

type benchFixtures struct {
	tab        any
	tableBytes float64
	naive      *naive
	mapBytes   float64
}

func measure(build func() any) (any, float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return v, float64(after.HeapAlloc-before.HeapAlloc) / liveKeys
}

// naive is the baseline: a map of counters behind one mutex, with the same
// fixed windows and no bound on keys.
type naive struct {
	mu sync.Mutex
	m  map[string]*naiveCounter
}

type naiveCounter struct {
	end   int64
	count uint32
}

func newNaive() *naive { return &naive{m: make(map[string]*naiveCounter)} }

func (n *naive) count(key []byte, now time.Time) bool {
	ns := now.UnixNano()
	n.mu.Lock()
	defer n.mu.Unlock()
	c := n.m[string(key)]
	if c == nil {
		c = &naiveCounter{end: ns + int64(benchLimit.Period)}
		n.m[string(key)] = c
	}
	if ns >= c.end {
		c.end, c.count = ns+int64(benchLimit.Period), 0
	}
	c.count++
	return c.count <= benchLimit.Num
}

// next is a xorshift step: a cheap pseudo-random key order that defeats
// the cache as real clients would.
func next(x uint64) uint64 {
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	return x
}

// BenchmarkCount1M counts requests of client addresses drawn at random from
// a million live ones: hashing the address and counting, per request. Sub-benchmark
// table is this package, map-mutex the naive baseline; -parallel variants
// run on every core.
func BenchmarkCount1M(b *testing.B) {
	f := fixtures()
	tab := f.tab.(*ratelimit.Table)
	b.Run("table", func(b *testing.B) {
		b.ReportAllocs()
		x := uint64(88172645463325252)
		defer reportCPU(b, processCPU())
		for b.Loop() {
			x = next(x)
			k := client(x % liveKeys)
			tab.Count(tab.KeyBytes(1, "", k[:]), &benchLimit, t0)
		}
		b.ReportMetric(f.tableBytes, "B/key")
	})
	b.Run("table-hot4096", func(b *testing.B) {
		// A million keys live, the requests from 4,096 of them: clients
		// that send often are in cache.
		b.ReportAllocs()
		x := uint64(88172645463325252)
		defer reportCPU(b, processCPU())
		for b.Loop() {
			x = next(x)
			k := client(x % 4096 * 241)
			tab.Count(tab.KeyBytes(1, "", k[:]), &benchLimit, t0)
		}
	})
	b.Run("memory-latency", func(b *testing.B) {
		// The floor: one dependent read of a random 32-byte item of an
		// array as large as the table, nothing else.
		mem := make([][4]uint64, liveKeys*3/2)
		x := uint64(88172645463325252)
		defer reportCPU(b, processCPU())
		for b.Loop() {
			x = next(x)
			x += mem[x%uint64(len(mem))][0]
		}
		sink = x
	})
	b.Run("map-mutex", func(b *testing.B) {
		b.ReportAllocs()
		x := uint64(88172645463325252)
		defer reportCPU(b, processCPU())
		for b.Loop() {
			x = next(x)
			k := client(x % liveKeys)
			f.naive.count(k[:], t0)
		}
		b.ReportMetric(f.mapBytes, "B/key")
	})
	b.Run("table-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			x := uint64(time.Now().UnixNano()) | 1
			for pb.Next() {
				x = next(x)
				k := client(x % liveKeys)
				tab.Count(tab.KeyBytes(1, "", k[:]), &benchLimit, t0)
			}
		})
	})
	b.Run("map-mutex-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			x := uint64(time.Now().UnixNano()) | 1
			for pb.Next() {
				x = next(x)
				k := client(x % liveKeys)
				f.naive.count(k[:], t0)
			}
		})
	})
}

var sink uint64

// reportCPU reports the process's CPU time per operation since start
// (cpu-ns/op), next to Go's wall time per operation. Only meaningful for a
// benchmark run on one goroutine.
func reportCPU(b *testing.B, start time.Duration) {
	if used := processCPU() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkCountFlood counts requests of keys never seen before in a full
// table: every request pushes a key out.
func BenchmarkCountFlood(b *testing.B) {
	tab, _ := ratelimit.New(1 << 16)
	var buf [8]byte
	b.ReportAllocs()
	i := uint64(0)
	defer reportCPU(b, processCPU())
	for b.Loop() {
		i++
		for j := range buf {
			buf[j] = byte(i >> (8 * j))
		}
		tab.Count(tab.KeyBytes(1, "", buf[:]), &benchLimit, t0)
	}
}
