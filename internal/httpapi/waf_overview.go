package httpapi

import (
	"math"
	"net/http"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafCountJSON is a CountItem (ListStatistics, ListTopIp) and an
// AttackActionCountItem (ListAttackActionTypes).
type wafCountJSON struct {
	Key string `json:"key"`
	Num int64  `json:"num"`
}

// wafTimelineJSON is a StatisticsTimelineItem: one key's timeline.
type wafTimelineJSON struct {
	Key      string             `json:"key"`
	Timeline []wafTimePointJSON `json:"timeline"`
}

// wafTimePointJSON is a TimeLineItem: the end of a step (Unix ms) and the
// figure of the step, i.e. of the span from the previous point to this
// one.
type wafTimePointJSON struct {
	Time int64 `json:"time"`
	Num  int64 `json:"num"`
}

// wafStatisticKeys are the keys of ListStatistics and of the request and
// QPS timelines, with the figure each reads from the traffic counters.
var wafStatisticKeys = []struct {
	key string
	num func(*waf.TrafficCounters) int64
}{
	{"ACCESS", (*waf.TrafficCounters).Requests},
	{"CRAWLER", (*waf.TrafficCounters).Crawler},
	{"ATTACK", (*waf.TrafficCounters).Attacks},
	{"WEB_ATTACK", (*waf.TrafficCounters).WebAttacks},
	{"PRECISE", (*waf.TrafficCounters).Precise},
	{"CC", (*waf.TrafficCounters).CC},
}

// wafDashboardServe makes a dashboard handler: it parses the query (the
// parameters accepts names) and runs op on it.
func (s *server) wafDashboardServe(accepts waf.DashboardParams, op func(q *wafRequest, d waf.DashboardQuery) (any, error)) http.Handler {
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		d, err := s.wafDashboard.Parse(q.project, q.r.URL.Query(), accepts)
		if err != nil {
			return nil, err
		}
		return op(q, d)
	})
}

// handleWAFStatistics serves GET /v1/{project_id}/waf/overviews/statistics
// (ListStatistics): the window's totals, a bare array.
func (s *server) handleWAFStatistics() http.Handler {
	return s.wafDashboardServe(0, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		total, err := s.wafDashboard.Totals(q.ctx, d)
		if err != nil {
			return nil, err
		}
		out := make([]wafCountJSON, 0, len(wafStatisticKeys))
		for _, k := range wafStatisticKeys {
			out = append(out, wafCountJSON{Key: k.key, Num: k.num(&total)})
		}
		return out, nil
	})
}

// timelines renders one timeline per key; perSecond divides each figure by
// the step's seconds (rounded to the nearest integer).
func timelines(points []waf.TrafficCount, step time.Duration, perSecond bool, keys []string,
	num func(key string, c *waf.TrafficCounters) int64) []wafTimelineJSON {
	out := make([]wafTimelineJSON, 0, len(keys))
	for _, key := range keys {
		tl := wafTimelineJSON{Key: key, Timeline: make([]wafTimePointJSON, 0, len(points))}
		for i := range points {
			n := num(key, &points[i].Counters)
			if perSecond {
				n = int64(math.Round(float64(n) / step.Seconds()))
			}
			tl.Timeline = append(tl.Timeline, wafTimePointJSON{Time: points[i].Time.Add(step).UnixMilli(), Num: n})
		}
		out = append(out, tl)
	}
	return out
}

// handleWAFTrafficTimeline serves ListRequestTimeline (GET
// .../overviews/request/timeline: requests per step) and, with perSecond,
// ListQpsTimeline (GET .../overviews/qps/timeline: the step's average
// requests per second).
func (s *server) handleWAFTrafficTimeline(perSecond bool) http.Handler {
	keys := make([]string, len(wafStatisticKeys))
	for i, k := range wafStatisticKeys {
		keys[i] = k.key
	}
	return s.wafDashboardServe(waf.ParamGroupBy, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		points, err := s.wafDashboard.Timeline(q.ctx, d)
		if err != nil {
			return nil, err
		}
		return timelines(points, d.Step, perSecond, keys, func(key string, c *waf.TrafficCounters) int64 {
			for _, k := range wafStatisticKeys {
				if k.key == key {
					return k.num(c)
				}
			}
			return 0
		}), nil
	})
}

// wafStatusClassKeys are the keys of ListResponseCodeTimeline: the status
// classes.
var wafStatusClassKeys = []string{"1XX", "2XX", "3XX", "4XX", "5XX"}

// handleWAFResponseCodeTimeline serves GET
// /v1/{project_id}/waf/overviews/response-code/timeline
// (ListResponseCodeTimeline): responses per status class and step, of
// response_source WAF (answered by Rampart), UPSTREAM (by the origin) or
// both.
func (s *server) handleWAFResponseCodeTimeline() http.Handler {
	return s.wafDashboardServe(waf.ParamGroupBy|waf.ParamResponseSource, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		points, err := s.wafDashboard.Timeline(q.ctx, d)
		if err != nil {
			return nil, err
		}
		return timelines(points, d.Step, false, wafStatusClassKeys, func(key string, c *waf.TrafficCounters) int64 {
			class := int(key[0]-'0') * 100
			var n int64
			if d.ResponseSource != waf.SourceUpstream {
				n += c[waf.StatusCounter(class, false)]
			}
			if d.ResponseSource != waf.SourceWAF {
				n += c[waf.StatusCounter(class, true)]
			}
			return n
		}), nil
	})
}

// handleWAFEventURL serves GET /v1/{project_id}/waf/event/url (ListUrl):
// the window's average requests per second.
func (s *server) handleWAFEventURL() http.Handler {
	return s.wafDashboardServe(waf.ParamRecent|waf.ParamTop, func(q *wafRequest, d waf.DashboardQuery) (any, error) {
		total, err := s.wafDashboard.Totals(q.ctx, d)
		if err != nil {
			return nil, err
		}
		secs := max(d.To.Sub(d.From).Seconds(), 1)
		return struct {
			QPS int64 `json:"qps"`
		}{int64(math.Round(float64(total.Requests()) / secs))}, nil
	})
}
