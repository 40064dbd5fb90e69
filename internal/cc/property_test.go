package cc_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// TestRateWithinLimit: through a block rule with lock_time 0, a client
// sending at any rate, with random gaps and any start offset, gets
// min(sent, limit_num) ±1 requests through in each period of its key, over
// many periods.
func TestRateWithinLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, num := range []int{1, 10, 60} {
		for _, period := range []int{1, 10, 60} {
			for _, factor := range []float64{0.7, 2, 8} {
				t.Run(fmt.Sprintf("num%d/period%ds/rate%gx", num, period, factor), func(t *testing.T) {
					s := mustCompile(t, newTable(t, 100), ccRule("r", func(r *waf.CCRule) { r.LimitNum, r.LimitPeriod = num, period }))
					p := time.Duration(period) * time.Second
					start := t0.Add(time.Duration(rng.Int64N(int64(p))))
					mean := float64(p) / (factor * float64(num))
					const periods = 100
					var sent, through [periods]int
					r := req("/")
					for now := start; now.Sub(start) < periods*p; now = now.Add(time.Duration(rng.ExpFloat64()*mean) + 1) {
						k := int(now.Sub(start) / p)
						sent[k]++
						if _, acted := s.Check(r, now); !acted {
							through[k]++
						}
					}
					for k := range periods {
						want := min(sent[k], num)
						if d := through[k] - want; d < -1 || d > 1 {
							t.Fatalf("period %d: %d of %d through, want %d ±1", k, through[k], sent[k], want)
						}
					}
				})
			}
		}
	}
}

// TestBlockedClientSurvivesFlood: a client blocked for its lock time stays
// blocked while a flood of distinct addresses, many times the table's size,
// goes through the same rule.
func TestBlockedClientSurvivesFlood(t *testing.T) {
	tab := newTable(t, 2048)
	s := mustCompile(t, tab, ccRule("r", func(r *waf.CCRule) { r.LimitNum, r.LockTime = 3, 600 }))
	attacker := req("/", from("192.0.2.1"))
	for i := range 4 {
		s.Check(attacker, t0.Add(time.Duration(i)*time.Millisecond))
	}
	if _, acted := s.Check(attacker, t0); !acted {
		t.Fatal("attacker not blocked")
	}
	r := req("/")
	for i := range 20 * tab.Cap() {
		r.Client = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		s.Check(r, t0.Add(time.Duration(i)*time.Microsecond))
	}
	if v, acted := s.Check(attacker, t0.Add(599*time.Second)); !acted || v.Key != "192.0.2.1" {
		t.Fatalf("attacker after the flood: %+v %v, want blocked", v, acted)
	}
	if st := tab.Stats(); st.Keys > tab.Cap() || st.Evicted == 0 {
		t.Fatalf("table %+v, cap %d: want it full and evicting", st, tab.Cap())
	}
}

// TestConcurrentCheck: sets checked from several goroutines, one of them
// compiled again meanwhile, count every request once: each client gets
// exactly limit_num requests through.
func TestConcurrentCheck(t *testing.T) {
	tab := newTable(t, 10_000)
	rules := []*waf.CCRule{
		ccRule("ip", func(r *waf.CCRule) { r.LimitNum, r.LimitPeriod = 50, 3600 }),
		ccRule("log", func(r *waf.CCRule) { r.Action.Category, r.TagType, r.LimitNum = "log", "policy", 10 }),
	}
	var current atomic.Pointer[setHolder]
	current.Store(&setHolder{mustCompile(t, tab, rules...)})
	const clients, workers, each = 200, 4, 30
	through := make([]atomic.Int64, clients)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := req("/")
			for n := range each {
				for c := range clients {
					r.Client = netip.AddrFrom4([4]byte{10, 0, byte(c >> 8), byte(c)})
					v, acted := current.Load().s.Check(r, t0.Add(time.Duration(n)*time.Millisecond))
					if !acted || !v.Blocks() {
						through[c].Add(1)
					}
				}
				if w == 0 && n%5 == 0 {
					current.Store(&setHolder{mustCompile(t, tab, rules...)})
				}
			}
		})
	}
	wg.Wait()
	for c := range through {
		if got := through[c].Load(); got != 50 {
			t.Fatalf("client %d: %d through, want 50", c, got)
		}
	}
}

// TestFullOfBlockedKeys: when every slot a new client may take holds a
// blocked client, the new client is not counted and is let through, and
// the blocked ones stay blocked.
func TestFullOfBlockedKeys(t *testing.T) {
	tab := newTable(t, 1) // one shard of ProbeWindow slots
	s := mustCompile(t, tab, ccRule("r", func(r *waf.CCRule) { r.LockTime = 600 }))
	r := req("/")
	for i := range tab.Cap() {
		r.Client = netip.AddrFrom4([4]byte{10, 0, 0, byte(i)})
		s.Check(r, t0)
		if _, acted := s.Check(r, t0); !acted {
			t.Fatalf("client %d not blocked", i)
		}
	}
	r.Client = netip.MustParseAddr("192.0.2.99")
	for i := range 5 {
		if v, acted := s.Check(r, t0.Add(sec)); acted {
			t.Fatalf("request %d of an untracked client: %+v, want let through", i, v)
		}
	}
	if st := tab.Stats(); st.Untracked != 5 {
		t.Fatalf("stats %+v, want 5 untracked requests", st)
	}
	r.Client = netip.AddrFrom4([4]byte{10, 0, 0, 3})
	if _, acted := s.Check(r, t0.Add(sec)); !acted {
		t.Fatal("a blocked client was let through")
	}
}
