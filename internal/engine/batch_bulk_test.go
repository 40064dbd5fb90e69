package engine_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
)

// bulkEntries returns n BLOCK entries of the CFW layer: IPv4 and IPv6
// addresses and, every tenth, a /30 of one /16 (so that one IPv4 chunk
// changes many times), starting at offset.
func bulkEntries(offset, n int, policy string) []engine.EmergencyEntry {
	out := make([]engine.EmergencyEntry, 0, n)
	for i := offset; i < offset+n; i++ {
		var p netip.Prefix
		switch {
		case i%10 == 9:
			p = netip.MustParsePrefix(fmt.Sprintf("172.16.%d.%d/30", i/10>>6&255, (i/10&63)<<2))
		case i%10 == 8:
			p = netip.MustParsePrefix(fmt.Sprintf("2001:db8::%x:%x/128", i>>16, i&0xffff))
		default:
			p = netip.MustParsePrefix(fmt.Sprintf("10.%d.%d.%d/32", i>>16&255, i>>8&255, i&255))
		}
		out = append(out, engine.EmergencyEntry{Layer: engine.LayerCFW, Category: engine.CategoryBlock, PolicyID: policy, Prefix: p})
	}
	return out
}

// A large Apply (many additions and removals to big host stores and one
// IPv4 chunk) decides as an engine compiled from the same entries, and
// the snapshot published before it is left as it was.
func TestApplyLargeBatchMatchesCompiled(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	base := bulkEntries(0, 20_000, "p1")
	e, err := engine.New(&engine.Project{Emergency: base}, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	before := e.Snapshot()
	added := bulkEntries(20_000, 30_000, "p2")
	removed := base[:5_000]
	if err := e.Apply(func(b *engine.Batch) error {
		for _, en := range added {
			if err := b.AddEmergency(en); err != nil {
				return err
			}
		}
		for _, en := range removed {
			if ok, err := b.RemoveEmergency(en); !ok || err != nil {
				return fmt.Errorf("remove %v: %v %v", en.Prefix, ok, err)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want, err := engine.New(&engine.Project{Emergency: append(append([]engine.EmergencyEntry{}, base[5_000:]...), added...)}, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	after, ref := e.Snapshot(), want.Snapshot()
	check := func(en engine.EmergencyEntry) {
		ip := en.Prefix.Addr()
		if en.Prefix.Bits() == 30 {
			ip = ip.Next()
		}
		if got, w := after.DecideIP(engine.LayerCFW, ip, now), ref.DecideIP(engine.LayerCFW, ip, now); got != w {
			t.Fatalf("%s after the batch: %+v, compiled: %+v", ip, got, w)
		}
	}
	for _, en := range base {
		check(en)
		if d := before.DecideIP(engine.LayerCFW, en.Prefix.Addr(), now); d.Action != engine.ActionBlock {
			t.Fatalf("%s in the snapshot before the batch: %+v", en.Prefix, d)
		}
	}
	for _, en := range added {
		check(en)
		if d := before.DecideIP(engine.LayerCFW, en.Prefix.Addr(), now); d.Action == engine.ActionBlock {
			t.Fatalf("%s added by the batch decides block in the snapshot before it", en.Prefix)
		}
	}
}
