package bouncer

import (
	"net/netip"
	"runtime"
	"testing"

	"github.com/rampartsec/rampart/internal/decision"
)

// BenchmarkViewMemory1M builds the ban list of 1,000,000 BLOCK addresses
// (the feed's snapshot, as a first pull gets it) and reports its heap per
// entry, apart from the snapshot itself, and the time to list every ban.
func BenchmarkViewMemory1M(b *testing.B) {
	const n = 1_000_000
	entries := make([]decision.Entry, n)
	for i := range entries {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		entries[i] = decision.Entry{Block: true, PolicyID: "0123456789abcdef0123456789abcdef", Prefix: netip.PrefixFrom(a, 32)}
	}
	var perEntry float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		v := newView()
		v.apply(decision.Changes{Reset: true, Added: entries})
		runtime.GC()
		runtime.ReadMemStats(&after)
		perEntry = float64(after.HeapAlloc-before.HeapAlloc) / n
		count := 0
		v.all(func(Ban) { count++ })
		if count != n {
			b.Fatalf("%d bans, want %d", count, n)
		}
		runtime.KeepAlive(v)
	}
	b.ReportMetric(perEntry, "B/entry")
}
