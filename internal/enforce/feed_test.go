package enforce

import (
	"context"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/engine"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func cfwBlock(pfx string, exp time.Time) engine.EmergencyEntry {
	return engine.EmergencyEntry{Layer: engine.LayerCFW, Category: engine.CategoryBlock, PolicyID: "pol-" + pfx,
		Prefix: netip.MustParsePrefix(pfx), Expires: exp}
}

// The feed reports a snapshot, then net changes; an identical entry held
// twice is reported once and removed when the last copy goes; an expired
// entry is reported removed (and wakes a waiting poll); a client further
// behind than the log gets a snapshot again.
func TestFeed(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	f := newFeed(clk.now)
	const proj = "p"
	a := cfwBlock("192.0.2.0/24", time.Time{})
	f.start(proj, []engine.EmergencyEntry{a, a})

	c := f.changes(ctx, proj, decision.LayerCFW, 0, 0)
	if !c.Reset || len(c.Added) != 1 || c.Added[0].Prefix != a.Prefix || !c.Added[0].Block {
		t.Fatalf("snapshot: %+v", c)
	}
	rev0 := c.Revision
	if c := f.changes(ctx, proj, decision.LayerCFW, rev0, 0); c.Reset || len(c.Added)+len(c.Removed) != 0 || c.Revision != rev0 {
		t.Fatalf("no change: %+v", c)
	}

	// One copy of two goes: nothing to report. The other goes: removed.
	f.apply(proj, EmergencyDiff{Removed: []engine.EmergencyEntry{a}})
	if c := f.changes(ctx, proj, decision.LayerCFW, rev0, 0); c.Revision != rev0 {
		t.Fatalf("one copy removed: %+v", c)
	}
	b := cfwBlock("2001:db8::/32", clk.now().Add(time.Minute))
	f.apply(proj, EmergencyDiff{Removed: []engine.EmergencyEntry{a}, Added: []engine.EmergencyEntry{b}})
	c = f.changes(ctx, proj, decision.LayerCFW, rev0, 0)
	if c.Reset || len(c.Removed) != 1 || c.Removed[0].Prefix != a.Prefix || len(c.Added) != 1 || !c.Added[0].Expires.Equal(b.Expires) {
		t.Fatalf("delta: %+v", c)
	}
	rev1 := c.Revision

	// Added and removed again since rev1: nets to nothing.
	x := cfwBlock("198.51.100.0/24", time.Time{})
	f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{x}})
	f.apply(proj, EmergencyDiff{Removed: []engine.EmergencyEntry{x}})
	if c := f.changes(ctx, proj, decision.LayerCFW, rev1, 0); len(c.Added)+len(c.Removed) != 0 || c.Revision == rev1 {
		t.Fatalf("netted: %+v", c)
	}
	rev2 := f.changes(ctx, proj, decision.LayerCFW, rev1, 0).Revision

	// A poll waiting at rev2 is woken by the next change.
	done := make(chan decision.Changes, 1)
	go func() { done <- f.changes(ctx, proj, decision.LayerCFW, rev2, time.Minute) }()
	y := cfwBlock("203.0.113.9/32", time.Time{})
	f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{y}})
	select {
	case c := <-done:
		if len(c.Added) != 1 || c.Added[0].Prefix != y.Prefix {
			t.Fatalf("woken poll: %+v", c)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the change did not wake the poll")
	}
	rev3 := f.changes(ctx, proj, decision.LayerCFW, rev2, 0).Revision

	// b expires: reported removed.
	clk.add(2 * time.Minute)
	if c := f.changes(ctx, proj, decision.LayerCFW, rev3, 0); len(c.Removed) != 1 || c.Removed[0].Prefix != b.Prefix || len(c.Added) != 0 {
		t.Fatalf("expiry: %+v", c)
	}
	if es, _ := f.entries(proj, decision.LayerCFW); len(es) != 1 || es[0].Prefix != y.Prefix {
		t.Fatalf("entries after expiry: %+v", es)
	}

	// stop answers a waiting poll with no change.
	go func() {
		done <- f.changes(ctx, proj, decision.LayerCFW, f.changes(ctx, proj, decision.LayerCFW, rev3, 0).Revision, time.Hour)
	}()
	f.stop()
	select {
	case c := <-done:
		if c.Reset || len(c.Added)+len(c.Removed) != 0 {
			t.Fatalf("stopped poll: %+v", c)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("stop did not end the poll")
	}

	// A client older than the log gets a snapshot.
	for i := range feedLogLen + 1 {
		en := cfwBlock(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32).String(), time.Time{})
		f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{en}})
	}
	if c := f.changes(ctx, proj, decision.LayerCFW, rev2, 0); !c.Reset || len(c.Added) != feedLogLen+2 {
		t.Fatalf("behind the log: reset=%v added=%d", c.Reset, len(c.Added))
	}
}

// Entries added and removed long before they expire do not accumulate in
// the layer's expiry heap: its size stays proportional to the entries in
// force, however many came and went.
func TestFeedExpiryHeapBounded(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	f := newFeed(clk.now)
	const proj = "p"
	f.start(proj, nil)
	kept := cfwBlock("192.0.2.0/24", clk.now().Add(365*24*time.Hour))
	f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{kept}})
	for i := range 10000 {
		en := cfwBlock(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24).String(), clk.now().Add(365*24*time.Hour))
		f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{en}})
		f.apply(proj, EmergencyDiff{Removed: []engine.EmergencyEntry{en}})
	}
	l := &f.project(proj).layers[decision.LayerCFW]
	if len(l.set) != 1 || len(l.exp) > 1000 {
		t.Fatalf("after 10,000 entries came and went: %d held, %d in the expiry heap", len(l.set), len(l.exp))
	}
	// The entry still in force still expires.
	clk.add(366 * 24 * time.Hour)
	if es, _ := f.entries(proj, decision.LayerCFW); len(es) != 0 {
		t.Fatalf("after the expiry: %+v", es)
	}
}

// A layer that starts with more entries than the log holds still answers
// the first change as a delta, not as a full snapshot: the initial set is
// the base revision, not logged changes.
func TestFeedLargeStartDelta(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	f := newFeed(clk.now)
	const proj = "p"
	var initial []engine.EmergencyEntry
	for i := range feedLogLen + 10 {
		initial = append(initial, cfwBlock(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32).String(), time.Time{}))
	}
	f.start(proj, initial)
	snap := f.changes(ctx, proj, decision.LayerCFW, 0, 0)
	if !snap.Reset || len(snap.Added) != len(initial) {
		t.Fatalf("snapshot: reset=%v added=%d", snap.Reset, len(snap.Added))
	}
	y := cfwBlock("203.0.113.9/32", time.Time{})
	f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{y}})
	c := f.changes(ctx, proj, decision.LayerCFW, snap.Revision, 0)
	if c.Reset || len(c.Added) != 1 || c.Added[0].Prefix != y.Prefix || len(c.Removed) != 0 {
		t.Fatalf("first change after the snapshot: reset=%v added=%d removed=%d, want a delta of one addition",
			c.Reset, len(c.Added), len(c.Removed))
	}
}

// Entries replaced again and again (a block re-delivered with a new aging
// time) do not pile up in the expiry heap, and the one held still expires.
func TestFeedChurnBoundsExpiryHeap(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	f := newFeed(clk.now)
	const proj = "p"
	f.start(proj, nil)
	prev := cfwBlock("192.0.2.1/32", clk.now().Add(365*24*time.Hour))
	f.apply(proj, EmergencyDiff{Added: []engine.EmergencyEntry{prev}})
	for i := range 10000 {
		next := cfwBlock("192.0.2.1/32", clk.now().Add(365*24*time.Hour+time.Duration(i+1)*time.Second))
		f.apply(proj, EmergencyDiff{Removed: []engine.EmergencyEntry{prev}, Added: []engine.EmergencyEntry{next}})
		prev = next
	}
	pf := f.project(proj)
	pf.mu.Lock()
	n := len(pf.layers[decision.LayerCFW].exp)
	pf.mu.Unlock()
	if n > 200 {
		t.Fatalf("expiry heap holds %d items for 1 entry", n)
	}
	rev := f.changes(ctx, proj, decision.LayerCFW, 0, 0).Revision
	clk.add(366 * 24 * time.Hour)
	if c := f.changes(ctx, proj, decision.LayerCFW, rev, 0); len(c.Removed) != 1 || !c.Removed[0].Expires.Equal(prev.Expires) {
		t.Fatalf("expiry after churn: %+v", c)
	}
}
