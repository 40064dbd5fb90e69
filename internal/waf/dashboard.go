package waf

import (
	"context"
	"strconv"
	"time"
)

// EventCount is one group of protection events: Key is the grouped value
// (client address, URL path, host ID, attack type, action or location),
// Host the request host name when grouping by URL path, Num the events.
type EventCount struct {
	Key  string
	Host string
	Num  int64
}

// EventCountStore groups protection events. Implementations pass the
// conformance suite of package storetest.
type EventCountStore interface {
	// CountEvents groups the events f selects (f.Terms, f.From, f.To,
	// f.EnterpriseProjectID; f.Page and the sort are ignored) by one
	// field and returns the top groups, most events first, ties by key
	// (and host); top <= 0: every group. EventFieldURL groups by request
	// host and URL path (the URL without its query).
	CountEvents(ctx context.Context, f EventFilter, by EventField, top int) ([]EventCount, error)
}

// DashboardStore is what the dashboard operations read.
type DashboardStore interface {
	TrafficStore
	EventCountStore
}

// HostFinder finds a protected host of a project (Store implements it).
type HostFinder interface {
	FindHost(ctx context.Context, projectID, id string) (*Host, error)
}

// DashboardService answers the WAF dashboard operations (overviews,
// timelines, top lists) from the data plane's traffic counters and the
// protection events. It is safe for concurrent use.
type DashboardService struct {
	store DashboardStore
	hosts HostFinder
	now   func() time.Time
}

// NewDashboardService returns a service over store; hosts names the hosts
// of the top-domain lists (nil: IDs only); now defaults to time.Now.
func NewDashboardService(store DashboardStore, hosts HostFinder, now func() time.Time) *DashboardService {
	if now == nil {
		now = time.Now
	}
	return &DashboardService{store: store, hosts: hosts, now: now}
}

// Parse validates a dashboard operation's query (see ParseDashboardQuery)
// at the service's clock.
func (s *DashboardService) Parse(projectID string, q map[string][]string, accepts DashboardParams) (DashboardQuery, error) {
	return ParseDashboardQuery(projectID, q, s.now(), accepts)
}

// Totals returns the traffic counters of the query's hosts summed over
// its window.
func (s *DashboardService) Totals(ctx context.Context, q DashboardQuery) (TrafficCounters, error) {
	rows, err := s.store.SumTraffic(ctx, q.trafficFilter())
	var total TrafficCounters
	for i := range rows {
		total.Add(&rows[i].Counters)
	}
	return total, err
}

// Timeline returns the traffic counters of the query's hosts per step of
// its window, oldest first, one entry per step (zero when nothing was
// counted).
func (s *DashboardService) Timeline(ctx context.Context, q DashboardQuery) ([]TrafficCount, error) {
	rows, err := s.store.SumTraffic(ctx, q.trafficFilter())
	if err != nil {
		return nil, err
	}
	step := max(q.Step, TrafficBucket)
	first, last := q.From.Truncate(step), q.To.Truncate(step)
	out := make([]TrafficCount, 0, int(last.Sub(first)/step)+1)
	i := 0
	for t := first; !t.After(last); t = t.Add(step) {
		c := TrafficCount{Time: t}
		for i < len(rows) && rows[i].Time.Before(t.Add(step)) {
			if !rows[i].Time.Before(t) {
				c.Counters.Add(&rows[i].Counters)
			}
			i++
		}
		out = append(out, c)
	}
	return out, nil
}

// TopEvents groups the query's protection events by a field and returns
// the q.Top largest groups (top <= 0 in q: every group). Status, when not
// 0, keeps only the events whose response had that status.
func (s *DashboardService) TopEvents(ctx context.Context, q DashboardQuery, by EventField, status int) ([]EventCount, error) {
	f := q.eventFilter()
	if status != 0 {
		f.Terms[EventFieldStatus] = EventTerms{In: []string{strconv.Itoa(status)}}
	}
	return s.store.CountEvents(ctx, f, by, q.Top)
}

// HostCount is a group of events of one protected host.
type HostCount struct {
	HostID, Hostname, WebTag string // name and web tag "" when the host is gone
	Num                      int64
}

// TopHosts returns the q.Top hosts with the most protection events, with
// their names and web tags.
func (s *DashboardService) TopHosts(ctx context.Context, q DashboardQuery) ([]HostCount, error) {
	groups, err := s.TopEvents(ctx, q, EventFieldHostID, 0)
	if err != nil {
		return nil, err
	}
	out := make([]HostCount, len(groups))
	for i, g := range groups {
		out[i] = HostCount{HostID: g.Key, Num: g.Num}
		if s.hosts == nil {
			continue
		}
		if h, err := s.hosts.FindHost(ctx, q.ProjectID, g.Key); err == nil {
			out[i].Hostname, out[i].WebTag = h.Hostname, h.WebTag
		}
	}
	return out, nil
}

func (q *DashboardQuery) trafficFilter() TrafficFilter {
	return TrafficFilter{ProjectID: q.ProjectID, EnterpriseProjectID: q.EnterpriseProjectID, HostIDs: q.HostIDs,
		From: q.From.Truncate(TrafficBucket), To: q.To, Step: q.Step}
}

func (q *DashboardQuery) eventFilter() EventFilter {
	f := EventFilter{ProjectID: q.ProjectID, EnterpriseProjectID: q.EnterpriseProjectID, From: q.From, To: q.To,
		Terms: map[EventField]EventTerms{}}
	if q.HostIDs != nil {
		f.Terms[EventFieldHostID] = EventTerms{In: q.HostIDs}
	}
	return f
}
