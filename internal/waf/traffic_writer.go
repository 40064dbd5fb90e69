package waf

import (
	"context"
	"sync"
	"time"
)

// TrafficPruneInterval is how often a TrafficWriter applies retention.
const TrafficPruneInterval = time.Hour

// TrafficWriter writes the data plane's traffic counters to a store and
// deletes the rows older than TrafficMaxAge, at most once per
// TrafficPruneInterval. It is safe for concurrent use.
type TrafficWriter struct {
	store TrafficStore
	now   func() time.Time

	mu         sync.Mutex
	lastPruned time.Time
}

// NewTrafficWriter returns a writer to store; now defaults to time.Now.
func NewTrafficWriter(store TrafficStore, now func() time.Time) *TrafficWriter {
	if now == nil {
		now = time.Now
	}
	return &TrafficWriter{store: store, now: now}
}

// AddTraffic stores counts (see TrafficStore.AddTraffic) and applies
// retention when it is due.
func (w *TrafficWriter) AddTraffic(ctx context.Context, counts []TrafficCount) error {
	if err := w.store.AddTraffic(ctx, counts); err != nil {
		return err
	}
	now := w.now()
	w.mu.Lock()
	due := now.Sub(w.lastPruned) >= TrafficPruneInterval
	if due {
		w.lastPruned = now
	}
	w.mu.Unlock()
	if !due {
		return nil
	}
	_, err := w.store.PruneTraffic(ctx, now.Add(-TrafficMaxAge))
	return err
}
