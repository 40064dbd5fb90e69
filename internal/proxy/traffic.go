package proxy

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// TrafficSink stores the data plane's traffic counters (the dashboard's
// figures): AddTraffic adds each host's counts to its minute.
// waf.TrafficWriter implements it.
type TrafficSink interface {
	AddTraffic(ctx context.Context, counts []waf.TrafficCount) error
}

// maxPendingTraffic bounds the counts kept for another try while the sink
// fails (one per host and flush); beyond it the oldest are dropped.
const maxPendingTraffic = 1 << 16

// hostTraffic is the dashboard counters of one protected host: atomic
// additions on the request path, swapped to zero by each flush.
type hostTraffic struct {
	projectID, epID, hostID string
	counts                  [waf.NumTrafficCounters]atomic.Uint64
}

// add counts one.
func (h *hostTraffic) add(c waf.TrafficCounter) { h.counts[c].Add(1) }

// trafficTable holds the counters of every protected host, kept across
// host-table rebuilds while the host exists.
type trafficTable struct {
	mu      sync.Mutex
	hosts   map[string]*hostTraffic // by project/enterprise project/host ID
	pending []waf.TrafficCount      // counts the sink failed to take
	dropped atomic.Uint64           // counts dropped because pending was full
}

// attach gives every route of t the counters of its host (created on
// first use) through the route's host-name metrics, and forgets the
// counters of hosts no longer served once they are flushed.
func (tt *trafficTable) attach(t *table, now time.Time) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.hosts == nil {
		tt.hosts = map[string]*hostTraffic{}
	}
	live := map[string]bool{}
	for _, rt := range t.routes() {
		key := rt.projectID + "/" + rt.epID + "/" + rt.hostID
		h, ok := tt.hosts[key]
		if !ok {
			h = &hostTraffic{projectID: rt.projectID, epID: rt.epID, hostID: rt.hostID}
			tt.hosts[key] = h
		}
		live[key] = true
		rt.metrics.traffic.Store(h)
	}
	for key, h := range tt.hosts {
		if !live[key] {
			tt.pending = append(tt.pending, h.take(now)...)
			delete(tt.hosts, key)
		}
	}
}

// take swaps the host's counters to zero and returns them as one count at
// now (none when all are zero).
func (h *hostTraffic) take(now time.Time) []waf.TrafficCount {
	c := waf.TrafficCount{ProjectID: h.projectID, EnterpriseProjectID: h.epID, HostID: h.hostID, Time: now}
	for i := range h.counts {
		c.Counters[i] = int64(h.counts[i].Swap(0))
	}
	if c.Counters.IsZero() {
		return nil
	}
	return []waf.TrafficCount{c}
}

// flush hands every host's counts since the last flush (and those the
// sink failed to take before) to sink, attributed to now's minute.
func (tt *trafficTable) flush(ctx context.Context, sink TrafficSink, now time.Time) error {
	tt.mu.Lock()
	counts := tt.pending
	tt.pending = nil
	for _, h := range tt.hosts {
		counts = append(counts, h.take(now)...)
	}
	tt.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	err := sink.AddTraffic(ctx, counts)
	if err != nil {
		tt.mu.Lock()
		tt.pending = append(counts, tt.pending...)
		if n := len(tt.pending) - maxPendingTraffic; n > 0 {
			tt.pending = tt.pending[n:]
			tt.dropped.Add(uint64(n))
		}
		tt.mu.Unlock()
	}
	return err
}

// RunTraffic hands the traffic counters to the TrafficSink of Deps every
// interval until ctx is done, then once more (so that a graceful stop
// loses nothing counted). Without a sink it returns at once.
func (p *Proxy) RunTraffic(ctx context.Context, interval time.Duration) {
	if p.deps.Traffic == nil {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if err := p.traffic.flush(ctx, p.deps.Traffic, p.now()); err != nil {
				p.log.Warn("proxy: storing traffic counters; kept for the next try", "err", err)
			}
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := p.traffic.flush(fctx, p.deps.Traffic, p.now()); err != nil {
				p.log.Warn("proxy: storing the last traffic counters", "err", err)
			}
			cancel()
			return
		}
	}
}

// countEvent counts a protection event of the route's host: d's rule type,
// or basic web protection when verdict is set (robot detections also as
// crawler).
func countEvent(rt *route, d *decision.Decision, verdict *inspect.Verdict) {
	h := rt.metrics.traffic.Load()
	if h == nil {
		return
	}
	ruleType := d.RuleType.String()
	if verdict != nil {
		ruleType = waf.EventWebAttack
		if verdict.Attack == "robot" {
			h.add(waf.TrafficCrawler)
		}
	}
	if c, ok := waf.EventTrafficCounter(ruleType, d.Action.String()); ok {
		h.add(c)
	}
}
