package waf

import (
	"context"
	"errors"
	"testing"
	"time"
)

// memTraffic is a TrafficStore over a slice, for the service's own logic.
type memTraffic struct {
	rows   []TrafficCount
	pruned []time.Time
	fail   error
}

func (m *memTraffic) AddTraffic(_ context.Context, c []TrafficCount) error {
	if m.fail != nil {
		return m.fail
	}
	m.rows = append(m.rows, c...)
	return nil
}

func (m *memTraffic) SumTraffic(_ context.Context, f TrafficFilter) ([]TrafficCount, error) {
	var out []TrafficCount
	for _, r := range m.rows {
		span := r.Time.Truncate(f.Step)
		if n := len(out); n > 0 && out[n-1].Time.Equal(span) {
			out[n-1].Counters.Add(&r.Counters)
			continue
		}
		out = append(out, TrafficCount{Time: span, Counters: r.Counters})
	}
	return out, nil
}

func (m *memTraffic) PruneTraffic(_ context.Context, before time.Time) (int, error) {
	m.pruned = append(m.pruned, before)
	return 0, nil
}

func (m *memTraffic) CountEvents(context.Context, EventFilter, EventField, int) ([]EventCount, error) {
	return nil, nil
}

// A timeline has one point per step of the window, zero where nothing was
// counted, each holding what its step counted.
func TestDashboardTimelineFillsEverySpan(t *testing.T) {
	base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	st := &memTraffic{}
	for _, at := range []time.Duration{time.Minute, 2 * time.Minute, 7 * time.Minute} {
		c := TrafficCount{Time: base.Add(at)}
		c.Counters[TrafficUpstream2xx] = 2
		c.Counters[TrafficWebBlock] = 1
		st.rows = append(st.rows, c)
	}
	svc := NewDashboardService(st, nil, func() time.Time { return base.Add(time.Hour) })
	q := DashboardQuery{ProjectID: "p", From: base.Add(30 * time.Second), To: base.Add(9*time.Minute + 59*time.Second), Step: 5 * time.Minute}
	points, err := svc.Timeline(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 || !points[0].Time.Equal(base) || !points[1].Time.Equal(base.Add(5*time.Minute)) ||
		points[0].Counters.Requests() != 4 || points[1].Counters.Requests() != 2 || points[0].Counters.WebAttacks() != 2 {
		t.Fatalf("points %+v", points)
	}
	q.To = base.Add(20 * time.Minute)
	if points, _ = svc.Timeline(context.Background(), q); len(points) != 5 || !points[4].Counters.IsZero() {
		t.Fatalf("points to 20 min: %+v", points)
	}
	total, err := svc.Totals(context.Background(), q)
	if err != nil || total.Requests() != 6 || total.Attacks() != 3 || total.Crawler() != 0 {
		t.Fatalf("totals %+v %v", total, err)
	}
}

// The writer prunes what is older than 30 days at most once an hour, and
// only after a successful write.
func TestTrafficWriterPrunes(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	st := &memTraffic{}
	w := NewTrafficWriter(st, func() time.Time { return now })
	ctx := context.Background()
	for range 3 {
		if err := w.AddTraffic(ctx, []TrafficCount{{ProjectID: "p", Time: now}}); err != nil {
			t.Fatal(err)
		}
	}
	if len(st.pruned) != 1 || !st.pruned[0].Equal(now.Add(-TrafficMaxAge)) {
		t.Fatalf("pruned %v", st.pruned)
	}
	now = now.Add(TrafficPruneInterval)
	st.fail = errors.New("disk full")
	if err := w.AddTraffic(ctx, nil); err == nil {
		t.Fatal("write error hidden")
	}
	st.fail = nil
	if err := w.AddTraffic(ctx, nil); err != nil || len(st.pruned) != 2 {
		t.Fatalf("pruned %v, %v", st.pruned, err)
	}
}

func TestTrafficCounterMapping(t *testing.T) {
	for _, tc := range []struct {
		status   int
		upstream bool
		want     TrafficCounter
	}{{200, true, TrafficUpstream2xx}, {404, true, TrafficUpstream4xx}, {418, false, TrafficLocal4xx},
		{502, false, TrafficLocal5xx}, {99, true, TrafficUpstream5xx}, {600, false, TrafficLocal5xx}, {101, true, TrafficUpstream1xx}} {
		if got := StatusCounter(tc.status, tc.upstream); got != tc.want {
			t.Errorf("StatusCounter(%d, %v) = %d, want %d", tc.status, tc.upstream, got, tc.want)
		}
	}
	for _, tc := range []struct {
		ruleType, action string
		want             TrafficCounter
		ok               bool
	}{{EventGeoIP, "block", TrafficAddressBlock, true}, {EventEmergency, "log", TrafficAddressLog, true},
		{EventWebAttack, "log", TrafficWebLog, true}, {EventCustom, "block", TrafficPreciseBlock, true},
		{EventCC, "log", TrafficCCLog, true}, {EventPunishment, "block", TrafficPunishmentBlock, true},
		{"workspace_access_policy", "block", 0, false}, {EventCC, "captcha", 0, false}} {
		got, ok := EventTrafficCounter(tc.ruleType, tc.action)
		if got != tc.want || ok != tc.ok {
			t.Errorf("EventTrafficCounter(%s, %s) = %d %v, want %d %v", tc.ruleType, tc.action, got, ok, tc.want, tc.ok)
		}
	}
}
