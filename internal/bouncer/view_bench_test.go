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

// BenchmarkViewWhiteRange1M: with 1,000,000 BLOCK addresses listed, a
// WHITE /24 over 256 of them is added and removed again (two changes per
// round): the scan of every BLOCK prefix that a WHITE range costs.
func BenchmarkViewWhiteRange1M(b *testing.B) {
	const n = 1_000_000
	entries := make([]decision.Entry, n)
	for i := range entries {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		entries[i] = decision.Entry{Block: true, PolicyID: "p", Prefix: netip.PrefixFrom(a, 32)}
	}
	v := newView()
	v.apply(decision.Changes{Reset: true, Added: entries})
	white := decision.Entry{PolicyID: "w", Prefix: netip.MustParsePrefix("10.1.2.0/24")}
	for b.Loop() {
		seq := v.seq
		v.apply(decision.Changes{Added: []decision.Entry{white}})
		v.apply(decision.Changes{Removed: []decision.Entry{white}})
		if added, deleted, _ := v.since(seq); len(added) != 0 || len(deleted) != 0 || v.seq != seq+512 {
			b.Fatalf("net change %d/%d, %d records", len(added), len(deleted), v.seq-seq)
		}
	}
}
