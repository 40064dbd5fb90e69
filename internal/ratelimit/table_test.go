package ratelimit_test

import (
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/ratelimit"
)

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func mustNew(tb testing.TB, maxKeys int) *ratelimit.Table {
	tb.Helper()
	tab, err := ratelimit.New(maxKeys)
	if err != nil {
		tb.Fatal(err)
	}
	return tab
}

// step is one request at t0+at and the decision it must get.
type step struct {
	at   time.Duration
	want ratelimit.Decision
}

func runSteps(t *testing.T, l ratelimit.Limit, steps []step) {
	t.Helper()
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	tab := mustNew(t, 100)
	key := tab.Key(1, "", "client")
	for i, s := range steps {
		if got := tab.Count(key, &l, t0.Add(s.at)); got != s.want {
			t.Fatalf("request %d at +%v: got %v, want %v", i, s.at, got, s.want)
		}
	}
}

const (
	allowed   = ratelimit.Allowed
	over      = ratelimit.Over
	blocked   = ratelimit.Blocked
	untracked = ratelimit.Untracked
	sec       = time.Second
)

func TestCount(t *testing.T) {
	tests := []struct {
		name  string
		limit ratelimit.Limit
		steps []step
	}{
		{"block until the window ends", ratelimit.Limit{Num: 3, Period: 10 * sec}, []step{
			{0, allowed}, {1 * sec, allowed}, {2 * sec, allowed}, {3 * sec, blocked}, {9*sec + 999*time.Millisecond, blocked},
			{10 * sec, allowed}, {11 * sec, allowed}, {12 * sec, allowed}, {13 * sec, blocked},
		}},
		{"windows follow on from the first request", ratelimit.Limit{Num: 1, Period: 10 * sec}, []step{
			{500 * time.Millisecond, allowed}, {10 * sec, blocked}, {10*sec + 500*time.Millisecond, allowed},
			// four periods later: the window is [40.5 s, 50.5 s)
			{45 * sec, allowed}, {50 * sec, blocked}, {50*sec + 500*time.Millisecond, allowed},
		}},
		{"block with lock time", ratelimit.Limit{Num: 2, Period: 10 * sec, Lock: 30 * sec}, []step{
			{0, allowed}, {1 * sec, allowed}, {2 * sec, blocked}, {15 * sec, blocked}, {31 * sec, blocked},
			// the lock ends at 32 s; the next window runs from there
			// the third request of that window locks the key again, until 71 s
			{32 * sec, allowed}, {33 * sec, allowed}, {41 * sec, blocked}, {42 * sec, blocked}, {70 * sec, blocked}, {71 * sec, allowed},
		}},
		{"log reports but lets through", ratelimit.Limit{Num: 2, Period: 10 * sec, Mode: ratelimit.Log}, []step{
			{0, allowed}, {1 * sec, allowed}, {2 * sec, over}, {3 * sec, over}, {10 * sec, allowed}, {11 * sec, allowed}, {12 * sec, over},
		}},
		{"dynamic block lifts after a quiet window", ratelimit.Limit{Num: 3, Period: 10 * sec, Unlock: 2, Mode: ratelimit.Dynamic}, []step{
			{0, allowed}, {1 * sec, allowed}, {2 * sec, allowed}, {3 * sec, blocked},
			// window [10, 20): two requests, not under 2: still blocked, in the next window too
			{10 * sec, blocked}, {11 * sec, blocked},
			// window [20, 30): one request, under 2
			{20 * sec, blocked},
			// window [30, 40): let through again, up to the limit
			{30 * sec, allowed}, {31 * sec, allowed}, {32 * sec, allowed}, {33 * sec, blocked},
		}},
		{"dynamic block lifts after an empty window", ratelimit.Limit{Num: 1, Period: 10 * sec, Unlock: 5, Mode: ratelimit.Dynamic}, []step{
			{0, allowed}, {1 * sec, blocked}, {2 * sec, blocked},
			{25 * sec, allowed},
		}},
		{"dynamic unlock 0 needs a window without requests", ratelimit.Limit{Num: 1, Period: 10 * sec, Mode: ratelimit.Dynamic}, []step{
			{0, allowed}, {1 * sec, blocked}, {10 * sec, blocked}, {20 * sec, blocked}, {35 * sec, blocked}, {50 * sec, allowed},
		}},
		{"dynamic unlock above the limit", ratelimit.Limit{Num: 1, Period: 10 * sec, Unlock: 3, Mode: ratelimit.Dynamic}, []step{
			// two requests in [0, 10), under 3: let through again at 10 s
			{0, allowed}, {1 * sec, blocked}, {10 * sec, allowed}, {11 * sec, blocked}, {12 * sec, blocked},
			// three in [10, 20): blocked on
			{20 * sec, blocked}, {30 * sec, allowed},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.limit, tt.steps) })
	}
}

func TestKeysAreSeparate(t *testing.T) {
	tab := mustNew(t, 100)
	l := ratelimit.Limit{Num: 1, Period: 10 * sec}
	keys := []uint64{
		tab.Key(1, "", "a"), tab.Key(2, "", "a"), tab.Key(1, "h", "a"), tab.Key(1, "a", "h"), tab.Key(1, "", "h"),
		tab.KeyBytes(1, "", []byte("b")),
	}
	for i, k := range keys {
		if got := tab.Count(k, &l, t0); got != allowed {
			t.Fatalf("key %d: %v, want allowed (shares a counter with another)", i, got)
		}
	}
	if got := tab.Count(keys[0], &l, t0); got != blocked {
		t.Fatalf("second request of key 0: %v, want blocked", got)
	}
	if tab.Key(1, "", "b") != tab.KeyBytes(1, "", []byte("b")) {
		t.Fatal("Key and KeyBytes differ for the same value")
	}
}

func TestValidate(t *testing.T) {
	bad := []ratelimit.Limit{
		{Num: 0, Period: sec},
		{Num: 1},
		{Num: 1, Period: 1500 * time.Millisecond},
		{Num: 1, Period: ratelimit.MaxPeriod + sec},
		{Num: 1, Period: sec, Lock: -1},
		{Num: 1, Period: sec, Mode: 9},
	}
	for i, l := range bad {
		if l.Validate() == nil {
			t.Errorf("limit %d %+v: valid, want an error", i, l)
		}
	}
	if err := (ratelimit.Limit{Num: 1, Period: ratelimit.MaxPeriod}).Validate(); err != nil {
		t.Errorf("longest period: %v", err)
	}
	if _, err := ratelimit.New(0); err == nil {
		t.Error("New(0): no error")
	}
}
