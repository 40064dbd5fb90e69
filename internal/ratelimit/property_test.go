package ratelimit_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/ratelimit"
)

// TestRatePerPeriod: a client sending at any rate, with random gaps, gets
// min(sent, Num) requests through in every period of its key (periods
// follow on from its first request), over many periods and start offsets.
// The bar is ±1 request of Num per period; fixed windows give it exactly.
func TestRatePerPeriod(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, num := range []uint32{1, 5, 100} {
		for _, period := range []time.Duration{1 * sec, 10 * sec, 60 * sec} {
			for _, factor := range []float64{0.5, 1, 3, 10} {
				name := fmt.Sprintf("num%d/period%v/rate%gx", num, period, factor)
				t.Run(name, func(t *testing.T) {
					tab := mustNew(t, 100)
					l := ratelimit.Limit{Num: num, Period: period}
					key := tab.Key(7, "", "client")
					start := t0.Add(time.Duration(rng.Int64N(int64(period))))
					mean := float64(period) / (factor * float64(num))
					const periods = 100
					sent := make([]int, periods)
					through := make([]int, periods)
					now := start
					for {
						k := int(now.Sub(start) / period)
						if k >= periods {
							break
						}
						sent[k]++
						if tab.Count(key, &l, now) == allowed {
							through[k]++
						}
						now = now.Add(time.Duration(rng.ExpFloat64()*mean) + 1)
					}
					total := 0
					for k := range periods {
						want := min(sent[k], int(num))
						if d := through[k] - want; d < -1 || d > 1 {
							t.Fatalf("period %d: %d of %d requests through, want %d ±1", k, through[k], sent[k], want)
						}
						if through[k] != want {
							t.Errorf("period %d: %d of %d through, want exactly %d", k, through[k], sent[k], want)
						}
						total += through[k]
					}
					if factor >= 3 && total < periods*int(num)-periods {
						t.Errorf("%d through in %d periods at %gx the limit, want about %d", total, periods, factor, periods*int(num))
					}
				})
			}
		}
	}
}

// TestRateAnyWindow: measured over a period that does not start with the
// key's windows, a fixed window lets at most 2·Num through (the burst at a
// window edge, documented), and never more.
func TestRateAnyWindow(t *testing.T) {
	tab := mustNew(t, 100)
	l := ratelimit.Limit{Num: 10, Period: 10 * sec}
	key := tab.Key(1, "", "c")
	var times []time.Time
	for i := range 10_000 {
		now := t0.Add(time.Duration(i) * 50 * time.Millisecond)
		if tab.Count(key, &l, now) == allowed {
			times = append(times, now)
		}
	}
	j := 0
	for i := range times {
		for times[i].Sub(times[j]) >= l.Period {
			j++
		}
		if n := i - j + 1; n > 2*int(l.Num) {
			t.Fatalf("%d requests through within one period ending at %v", n, times[i])
		}
	}
}

// TestLockedKeySurvivesFlood: a key locked by Block stays locked while new
// distinct keys flood the table, under their limits or over them.
func TestLockedKeySurvivesFlood(t *testing.T) {
	for _, overLimit := range []bool{false, true} {
		t.Run(fmt.Sprintf("flood over the limit %v", overLimit), func(t *testing.T) {
			tab := mustNew(t, 1024)
			l := ratelimit.Limit{Num: 1, Period: 60 * sec, Lock: 600 * sec}
			attacker := tab.Key(1, "", "attacker")
			tab.Count(attacker, &l, t0)
			if got := tab.Count(attacker, &l, t0); got != blocked {
				t.Fatalf("attacker: %v, want blocked", got)
			}
			for i := range 20 * tab.Cap() {
				now := t0.Add(time.Duration(i) * time.Millisecond)
				k := tab.Key(1, "", fmt.Sprint("flood", i))
				tab.Count(k, &l, now)
				if overLimit {
					tab.Count(k, &l, now)
				}
			}
			now := t0.Add(599 * sec)
			if got := tab.Count(attacker, &l, now); got != blocked {
				t.Fatalf("attacker after the flood: %v, want blocked", got)
			}
			st := tab.Stats()
			if st.Keys > tab.Cap() {
				t.Fatalf("%d keys tracked, cap %d", st.Keys, tab.Cap())
			}
			if overLimit && st.Untracked == 0 {
				t.Fatal("a flood of locked keys left no request untracked")
			}
			if !overLimit && st.Untracked != 0 {
				t.Fatalf("%d requests untracked in a flood of keys under their limits", st.Untracked)
			}
			// Once the locks end, new keys are tracked again.
			later := t0.Add(2 * time.Hour)
			if got := tab.Count(tab.Key(1, "", "newcomer"), &l, later); got != allowed {
				t.Fatalf("new key after the locks ended: %v, want allowed", got)
			}
		})
	}
}

// TestDynamicAndLogKeysSurviveFlood: keys blocked by Dynamic or over their
// limit under Log are not pushed out while that lasts.
func TestDynamicAndLogKeysSurviveFlood(t *testing.T) {
	tab := mustNew(t, 1024)
	dyn := ratelimit.Limit{Num: 1, Period: 60 * sec, Unlock: 1, Mode: ratelimit.Dynamic}
	logL := ratelimit.Limit{Num: 1, Period: 60 * sec, Mode: ratelimit.Log}
	d, g := tab.Key(1, "", "dyn"), tab.Key(2, "", "log")
	for range 2 {
		tab.Count(d, &dyn, t0)
		tab.Count(g, &logL, t0)
	}
	flood := ratelimit.Limit{Num: 1000, Period: sec}
	for i := range 20 * tab.Cap() {
		tab.Count(tab.Key(3, "", fmt.Sprint(i)), &flood, t0.Add(time.Duration(i)*time.Microsecond))
	}
	now := t0.Add(30 * sec)
	if got := tab.Count(d, &dyn, now); got != blocked {
		t.Errorf("dynamic key after the flood: %v, want blocked", got)
	}
	if got := tab.Count(g, &logL, now); got != over {
		t.Errorf("log key after the flood: %v, want over", got)
	}
}

// TestEvictsLeastRecentlySeen: when the table is full, a new key pushes out
// keys not seen for the longest time.
func TestEvictsLeastRecentlySeen(t *testing.T) {
	tab := mustNew(t, 4096)
	l := ratelimit.Limit{Num: 10, Period: 3600 * sec}
	var keys []uint64
	for i := 0; tab.Stats().Keys < tab.Cap()*9/10; i++ {
		k := tab.Key(1, "", fmt.Sprint("k", i))
		tab.Count(k, &l, t0)
		keys = append(keys, k)
	}
	// Every other key is seen again a second later.
	for i := 0; i < len(keys); i += 2 {
		tab.Count(keys[i], &l, t0.Add(sec))
	}
	for i := range tab.Cap() / 5 {
		tab.Count(tab.Key(2, "", fmt.Sprint("new", i)), &l, t0.Add(2*sec))
	}
	var gone [2]int
	for i, k := range keys {
		if !tab.Tracked(k) {
			gone[i%2]++
		}
	}
	if tab.Stats().Evicted == 0 || gone[1] == 0 {
		t.Fatalf("no key was pushed out of a full table (%+v)", tab.Stats())
	}
	if gone[0]*10 > gone[1] {
		t.Fatalf("pushed out %d recently seen keys and %d older ones", gone[0], gone[1])
	}
	t.Logf("pushed out %d recently seen keys, %d older ones; %+v", gone[0], gone[1], tab.Stats())
}
