package penalty

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestBoxBlocksUntilTheTime(t *testing.T) {
	b := New(0)
	if !b.Empty() || b.Capacity() != DefaultCapacity {
		t.Fatalf("new box: empty %v, capacity %d", b.Empty(), b.Capacity())
	}
	b.Put("p1/pol", KindCookie, "sess-1", "rule1", t0.Add(time.Minute), t0)
	if id, ok := b.Blocked("p1/pol", KindCookie, "sess-1", t0.Add(59*time.Second)); !ok || id != "rule1" {
		t.Fatalf("before the end: %q %v", id, ok)
	}
	for name, probe := range map[string]func() bool{
		"other value":  func() bool { _, ok := b.Blocked("p1/pol", KindCookie, "sess-2", t0); return ok },
		"other kind":   func() bool { _, ok := b.Blocked("p1/pol", KindParams, "sess-1", t0); return ok },
		"other scope":  func() bool { _, ok := b.Blocked("p1/pol2", KindCookie, "sess-1", t0); return ok },
		"empty value":  func() bool { _, ok := b.Blocked("p1/pol", KindCookie, "", t0); return ok },
		"at the end":   func() bool { _, ok := b.Blocked("p1/pol", KindCookie, "sess-1", t0.Add(time.Minute)); return ok },
		"after expiry": func() bool { _, ok := b.Blocked("p1/pol", KindCookie, "sess-1", t0.Add(time.Hour)); return ok },
	} {
		if probe() {
			t.Errorf("%s: blocked", name)
		}
	}
	if b.Len() != 0 {
		t.Fatalf("an expired entry met by a lookup is dropped: len %d", b.Len())
	}
}

func TestBoxAddressesIgnoreTheMappedForm(t *testing.T) {
	b := New(0)
	b.PutAddr("s", netip.MustParseAddr("192.0.2.7"), "r", t0.Add(time.Second), t0)
	if _, ok := b.BlockedAddr("s", netip.MustParseAddr("::ffff:192.0.2.7"), t0); !ok {
		t.Fatal("the mapped form is the same source")
	}
	if _, ok := b.BlockedAddr("s", netip.MustParseAddr("192.0.2.8"), t0); ok {
		t.Fatal("another address is blocked")
	}
	if _, ok := b.BlockedAddr("s", netip.Addr{}, t0); ok {
		t.Fatal("the invalid address is blocked")
	}
	b.PutAddr("s", netip.Addr{}, "r", t0.Add(time.Second), t0)
	if b.Len() != 1 {
		t.Fatalf("len %d", b.Len())
	}
}

func TestBoxKeepsTheLaterEnd(t *testing.T) {
	b := New(0)
	b.Put("s", KindHeader, "v", "long", t0.Add(time.Hour), t0)
	b.Put("s", KindHeader, "v", "short", t0.Add(time.Minute), t0)
	if id, ok := b.Blocked("s", KindHeader, "v", t0.Add(30*time.Minute)); !ok || id != "long" {
		t.Fatalf("a shorter block shortened a longer one: %q %v", id, ok)
	}
	b.Put("s", KindHeader, "v", "longer", t0.Add(2*time.Hour), t0)
	if id, ok := b.Blocked("s", KindHeader, "v", t0.Add(90*time.Minute)); !ok || id != "longer" {
		t.Fatalf("a longer block did not extend: %q %v", id, ok)
	}
	b.Put("s", KindHeader, "w", "past", t0, t0)
	if b.Len() != 1 {
		t.Fatalf("an entry ending now was kept: len %d", b.Len())
	}
}

// A full box never holds more than its capacity; it drops expired entries
// first, then the one released soonest, and refuses an entry released
// sooner than every one it holds.
func TestBoxEviction(t *testing.T) {
	b := New(shardCount) // one entry per shard
	for i := range 50 * shardCount {
		b.Put("s", KindParams, fmt.Sprint("v", i), "r", t0.Add(time.Duration(i+1)*time.Second), t0)
		if b.Len() > b.Capacity() {
			t.Fatalf("len %d over capacity %d", b.Len(), b.Capacity())
		}
	}
	if b.Len() != shardCount {
		t.Fatalf("len %d, want every shard full (%d)", b.Len(), shardCount)
	}
	// The last value (latest end) evicted whatever shared its shard.
	last := fmt.Sprint("v", 50*shardCount-1)
	if _, ok := b.Blocked("s", KindParams, last, t0); !ok {
		t.Fatal("the entry ending last was not kept")
	}
	// An entry ending before everything held is refused.
	b.Put("s", KindParams, "early", "r", t0.Add(time.Millisecond), t0)
	if _, ok := b.Blocked("s", KindParams, "early", t0); ok {
		t.Fatal("an entry ending sooner than all held ones evicted one")
	}
	// Once everything expired, new entries take the places.
	later := t0.Add(time.Hour)
	b.Put("s", KindParams, "fresh", "r", later.Add(time.Second), later)
	if _, ok := b.Blocked("s", KindParams, "fresh", later); !ok {
		t.Fatal("expired entries were not dropped for a new one")
	}
}

func TestBoxConcurrentUse(t *testing.T) {
	b := New(1024)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				v := fmt.Sprint(g, "-", i%300)
				b.Put("s", KindCookie, v, "r", t0.Add(time.Duration(i%50+1)*time.Second), t0)
				b.Blocked("s", KindCookie, v, t0.Add(time.Duration(i%60)*time.Second))
			}
		}()
	}
	wg.Wait()
	if b.Len() < 0 || b.Len() > b.Capacity() {
		t.Fatalf("len %d, capacity %d", b.Len(), b.Capacity())
	}
	n := 0
	for i := range b.shards {
		n += len(b.shards[i].m)
	}
	if n != b.Len() {
		t.Fatalf("counted %d entries, held %d", b.Len(), n)
	}
}

func TestKindOf(t *testing.T) {
	for cat, want := range map[string]Kind{
		"long_ip_block": KindIP, "short_ip_block": KindIP, "long_cookie_block": KindCookie, "short_cookie_block": KindCookie,
		"long_params_block": KindParams, "short_params_block": KindParams, "long_header_block": KindHeader, "short_header_block": KindHeader,
	} {
		if got, ok := KindOf(cat); !ok || got != want {
			t.Errorf("%s: %v %v, want %v", cat, got, ok, want)
		}
	}
	for _, cat := range []string{"", "ip_block", "long_ip", "long_body_block", "long_ip_block_x", "_block"} {
		if k, ok := KindOf(cat); ok {
			t.Errorf("%q: accepted as %v", cat, k)
		}
	}
}

func FuzzKindOf(f *testing.F) {
	for _, s := range []string{"long_ip_block", "short_cookie_block", "x_params_block", "long_header_block", "_block", "a_b_c_block"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cat string) {
		k, ok := KindOf(cat)
		if !ok {
			return
		}
		if k >= numKinds || len(cat) < len(k.String())+len("_block")+1 || cat[len(cat)-len(k.String())-len("_block"):] != k.String()+"_block" {
			t.Fatalf("%q → %v", cat, k)
		}
	})
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		n    int
		unit string
		want time.Duration
		ok   bool
	}{
		{30, "SECOND", 30 * time.Second, true}, {5, "minute", 5 * time.Minute, true}, {2, "HOUR", 2 * time.Hour, true},
		{1, "DAY", 24 * time.Hour, true}, {1, "MONTH", Month, true}, {0, "HOUR", 0, false}, {-3, "HOUR", 0, false},
		{1, "WEEK", 0, false}, {1 << 62, "MONTH", time.Duration(1<<63 - 1), true},
	} {
		got, ok := Duration(c.n, c.unit)
		if got != c.want || ok != c.ok {
			t.Errorf("%d %s: %v %v, want %v %v", c.n, c.unit, got, ok, c.want, c.ok)
		}
	}
}
