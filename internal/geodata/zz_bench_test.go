package geodata_test

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	"github.com/rampartsec/rampart/internal/geodata"
	"github.com/rampartsec/rampart/internal/origin"
)

// benchAddrs returns n addresses drawn by gen for which db.Lookup hits (any
// location or tag) or misses, as asked.
func benchAddrs(tb testing.TB, db *geodata.DB, n int, hit bool, gen func(*rand.Rand) netip.Addr) []netip.Addr {
	tb.Helper()
	r := rand.New(rand.NewPCG(7, 8))
	out := make([]netip.Addr, 0, n)
	for tries := 0; len(out) < n; tries++ {
		if tries > 1000*n {
			tb.Fatalf("found only %d of %d addresses (hit=%v)", len(out), n, hit)
		}
		a := gen(r)
		c, p, tags := db.Lookup(a)
		if (c != 0 || p != 0 || tags != 0) == hit {
			out = append(out, a)
		}
	}
	return out
}

func randV4(r *rand.Rand) netip.Addr {
	v := r.Uint32()
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// randV6 draws from 2000::/3, the global unicast space: half of the draws
// come from 2400::/12 (APNIC, mostly covered), the rest spread over space
// that is partly allocated (2xxx) and partly not (3xxx).
func randV6(r *rand.Rand) netip.Addr {
	var b [16]byte
	hi, lo := r.Uint64(), r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[0] = 0x20 | b[0]&0x1f
	if r.IntN(2) == 0 {
		b[0], b[1] = 0x24, b[1]&0x0f // 2400::/12 (APNIC): mostly covered
	}
	return netip.AddrFrom16(b)
}

// BenchmarkLookup measures DB.Lookup on the embedded data, cycling through
// 4096 random addresses per case (far more trie nodes than fit in cache),
// for IPv4 and IPv6 addresses that hit an entry and addresses that miss;
// hot16 cycles through 16 addresses that stay in cache, as a busy server's
// top talkers do.
//
//	go test -run '^$' -bench BenchmarkLookup -benchtime 2s ./internal/geodata
func BenchmarkLookup(b *testing.B) {
	db := mustEmbedded(b)
	for _, bc := range []struct {
		name string
		n    int
		hit  bool
		gen  func(*rand.Rand) netip.Addr
	}{
		{"IPv4/hit", 4096, true, randV4},
		{"IPv4/miss", 4096, false, randV4},
		{"IPv6/hit", 4096, true, randV6},
		{"IPv6/miss", 4096, false, randV6},
		{"IPv4/hit/hot16", 16, true, randV4},
	} {
		addrs := benchAddrs(b, db, bc.n, bc.hit, bc.gen)
		addrs = slices.Repeat(addrs, 4096/bc.n)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink origin.TagSet
			i := 0
			for b.Loop() {
				c, p, tags := db.Lookup(addrs[i&4095])
				sink ^= tags ^ origin.TagSet(c) ^ origin.TagSet(p)
				i++
			}
			_ = sink
		})
	}
}

// BenchmarkLoadEmbedded measures building the DB from the embedded data.
//
//	go test -run '^$' -bench BenchmarkLoadEmbedded -benchtime 5x ./internal/geodata
func BenchmarkLoadEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geodata.LoadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}
