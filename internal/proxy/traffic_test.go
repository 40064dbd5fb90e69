package proxy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// trafficRecorder is a TrafficSink that keeps what it is given, or fails.
type trafficRecorder struct {
	got  []waf.TrafficCount
	fail bool
}

func (r *trafficRecorder) AddTraffic(_ context.Context, c []waf.TrafficCount) error {
	if r.fail {
		return errors.New("store unavailable")
	}
	r.got = append(r.got, c...)
	return nil
}

// The counters of a host reach the sink once, at the flush's time; what
// a failed flush held is handed over by the next one; a host no longer
// served is flushed once more and forgotten.
func TestTrafficTableFlushes(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	a := &route{projectID: "p1", epID: "0", hostID: "h1", metrics: &hostMetrics{name: "a.example.com"}}
	b := &route{projectID: "p2", epID: "0", hostID: "h2", metrics: &hostMetrics{name: "b.example.com"}}
	var tt trafficTable
	tt.attach(&table{exact: map[string]*route{"a.example.com": a, "b.example.com": b}}, now)

	a.metrics.countUpstream(200)
	a.metrics.countUpstream(200)
	a.metrics.count(418)
	countEvent(a, &decision.Decision{Action: decision.ActionBlock, RuleType: decision.RuleGeolocation}, nil)
	countEvent(a, &decision.Decision{Action: decision.ActionLog}, &inspect.Verdict{Attack: "robot"})
	b.metrics.countUpstream(503)

	sink := &trafficRecorder{fail: true}
	ctx := context.Background()
	if err := tt.flush(ctx, sink, now); err == nil {
		t.Fatal("sink error hidden")
	}
	a.metrics.countUpstream(302)
	sink.fail = false
	if err := tt.flush(ctx, sink, now.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	var sum = map[string]waf.TrafficCounters{}
	for _, c := range sink.got {
		s := sum[c.ProjectID+"/"+c.HostID]
		s.Add(&c.Counters)
		sum[c.ProjectID+"/"+c.HostID] = s
	}
	ca, cb := sum["p1/h1"], sum["p2/h2"]
	if ca.Requests() != 4 || ca[waf.TrafficUpstream2xx] != 2 || ca[waf.TrafficUpstream3xx] != 1 || ca[waf.TrafficLocal4xx] != 1 ||
		ca[waf.TrafficAddressBlock] != 1 || ca[waf.TrafficWebLog] != 1 || ca.Crawler() != 1 || ca.Attacks() != 2 {
		t.Fatalf("host a: %v", ca)
	}
	if cb.Requests() != 1 || cb[waf.TrafficUpstream5xx] != 1 {
		t.Fatalf("host b: %v", cb)
	}
	n := len(sink.got)
	if err := tt.flush(ctx, sink, now.Add(10*time.Second)); err != nil || len(sink.got) != n {
		t.Fatalf("nothing counted, yet %d counts flushed (%v)", len(sink.got)-n, err)
	}

	// b is deleted: its last counts are flushed and its counters dropped.
	b.metrics.countUpstream(200)
	tt.attach(&table{exact: map[string]*route{"a.example.com": a}}, now.Add(15*time.Second))
	if err := tt.flush(ctx, sink, now.Add(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	if last := sink.got[len(sink.got)-1]; last.HostID != "h2" || last.Counters.Requests() != 1 || !last.Time.Equal(now.Add(15*time.Second)) {
		t.Fatalf("deleted host's last count: %+v", last)
	}
	if len(tt.hosts) != 1 {
		t.Fatalf("%d hosts kept", len(tt.hosts))
	}
}
