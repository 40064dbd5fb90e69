package ratelimit_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/ratelimit"
)

// TestConcurrentCount: goroutines counting the same keys at once let
// exactly Num requests of each key through.
func TestConcurrentCount(t *testing.T) {
	tab := mustNew(t, 10_000)
	l := ratelimit.Limit{Num: 100, Period: 3600 * sec}
	const keys, workers, each = 500, 4, 60
	ks := make([]uint64, keys)
	for i := range ks {
		ks[i] = tab.Key(1, "", fmt.Sprint(i))
	}
	through := make([]atomic.Int64, keys)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range each {
				for i := range ks {
					j := (i + w*keys/workers) % keys
					now := t0.Add(time.Duration(r) * time.Millisecond)
					if tab.Count(ks[j], &l, now) == allowed {
						through[j].Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	for i := range through {
		if got := through[i].Load(); got != int64(l.Num) {
			t.Fatalf("key %d: %d requests through, want %d", i, got, l.Num)
		}
	}
	if st := tab.Stats(); st.Keys != keys || st.Evicted != 0 {
		t.Fatalf("stats %+v, want %d keys and no eviction", st, keys)
	}
}

// TestBytesPerKey: the table's memory, measured from the heap, is at most
// 100 bytes per key it tracks when a million keys are live.
func TestBytesPerKey(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocates and fills a table of a million keys; slow under the race detector")
	}
	const live = 1_000_000
	bytesPerSlot, bytesPerKey := fillMillion(t, live)
	t.Logf("%.1f bytes per slot, %.1f bytes per live key", bytesPerSlot, bytesPerKey)
	if bytesPerKey > 100 {
		t.Fatalf("%.1f bytes per live key, want at most 100", bytesPerKey)
	}
}

// fillMillion makes a table with room for live keys at a load of two
// thirds, fills it with live keys and measures the heap it holds.
func fillMillion(tb testing.TB, live int) (perSlot, perKey float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tab := mustNew(tb, live*3/2)
	l := ratelimit.Limit{Num: 10, Period: 60 * sec}
	for i := range live {
		tab.Count(tab.Key(1, "", fmt.Sprint(i)), &l, t0)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	st := tab.Stats()
	if st.Keys < live*99/100 {
		tb.Fatalf("%d of %d keys tracked", st.Keys, live)
	}
	used := float64(after.HeapAlloc - before.HeapAlloc)
	runtime.KeepAlive(tab)
	return used / float64(tab.Cap()), used / float64(st.Keys)
}
