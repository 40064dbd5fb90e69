package waf

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DashboardParams says which optional query parameters a dashboard
// operation reads besides enterprise_project_id, from, to, hosts and
// instances; the others are ignored, as Huawei ignores them.
type DashboardParams uint8

// Dashboard query parameters.
const (
	ParamRecent         DashboardParams = 1 << iota // recent (wins over from/to; one of them mandatory)
	ParamTop                                        // top: 1 to 10, default 5
	ParamGroupBy                                    // group_by: DAY
	ParamResponseSource                             // response_source: WAF or UPSTREAM
	ParamCode                                       // code: 404, 500 or 502, default 404
)

// Dashboard timeline steps: a timeline uses the first step that gives at
// most maxTimelinePoints points over its window (group_by=DAY: one UTC day).
var timelineSteps = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour,
	6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

const (
	maxTimelinePoints = 240
	defaultTop        = 5
	maxTop            = 10
)

// Response sources of ListResponseCodeTimeline.
const (
	SourceWAF      = "WAF"
	SourceUpstream = "UPSTREAM"
)

// DashboardQuery is a validated dashboard query.
type DashboardQuery struct {
	ProjectID           string
	EnterpriseProjectID string    // "0" by default; all_granted_eps: every one
	HostIDs             []string  // nil: every host; [""]: none (hosts and instances do not meet)
	From, To            time.Time // inclusive
	Step                time.Duration
	Top                 int    // ParamTop
	ResponseSource      string // ParamResponseSource: "", SourceWAF or SourceUpstream
	Code                int    // ParamCode
}

// ParseDashboardQuery validates the query of a dashboard operation.
// from and to are Unix milliseconds, from <= to, at most 30 days apart,
// mandatory unless the operation reads recent and it is given. hosts and
// instances are host IDs, repeated or comma-separated (Rampart has no
// dedicated engines: an instance is a host); when both are given a host
// must be in both. Errors are KindInvalid with WAF codes.
func ParseDashboardQuery(projectID string, q url.Values, now time.Time, accepts DashboardParams) (DashboardQuery, error) {
	ep, err := ParseEnterpriseProject(q.Get("enterprise_project_id"), false)
	if err != nil {
		return DashboardQuery{}, err
	}
	d := DashboardQuery{ProjectID: projectID, EnterpriseProjectID: ep}
	if accepts&ParamRecent != 0 {
		d.From, d.To, err = eventWindow(q.Get("recent"), q.Get("from"), q.Get("to"), now.UTC())
	} else {
		d.From, d.To, err = dashboardWindow(q.Get("from"), q.Get("to"))
	}
	if err != nil {
		return DashboardQuery{}, err
	}
	for _, name := range []string{"hosts", "instances"} {
		ids, err := idList(q, name)
		if err != nil {
			return DashboardQuery{}, err
		}
		switch {
		case ids == nil:
		case d.HostIDs == nil:
			d.HostIDs = ids
		default:
			if d.HostIDs = intersect(d.HostIDs, ids); len(d.HostIDs) == 0 {
				d.HostIDs = []string{""}
			}
		}
	}
	if accepts&ParamTop != 0 {
		if d.Top, err = intParam(q, "top", defaultTop, 1, maxTop); err != nil {
			return DashboardQuery{}, err
		}
	}
	if accepts&ParamCode != 0 {
		if d.Code, err = intParam(q, "code", 404, 404, 502); err != nil {
			return DashboardQuery{}, err
		}
		if d.Code != 404 && d.Code != 500 && d.Code != 502 {
			return DashboardQuery{}, invalid(CodeURLParam, "code", "code must be 404, 500 or 502.")
		}
	}
	if accepts&ParamResponseSource != 0 {
		switch s := q.Get("response_source"); s {
		case "", SourceWAF, SourceUpstream:
			d.ResponseSource = s
		default:
			return DashboardQuery{}, invalid(CodeURLParam, "response_source", "response_source %q must be WAF or UPSTREAM.", s)
		}
	}
	d.Step = timelineStep(d.To.Sub(d.From))
	if accepts&ParamGroupBy != 0 {
		switch g := q.Get("group_by"); g {
		case "":
		case "DAY":
			d.Step = 24 * time.Hour
		default:
			return DashboardQuery{}, invalid(CodeURLParam, "group_by", "group_by %q must be DAY.", g)
		}
	}
	return d, nil
}

// dashboardWindow reads the mandatory from and to: Unix milliseconds,
// from <= to, at most 30 days apart.
func dashboardWindow(from, to string) (time.Time, time.Time, error) {
	if from == "" || to == "" {
		return time.Time{}, time.Time{}, invalid(CodeURLParam, "from", "from and to are mandatory.")
	}
	w, err := ParseTimeWindow(from, to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if w.To.Sub(w.From) > maxEventRange {
		return time.Time{}, time.Time{}, invalid(CodeURLParam, "to", "from and to must be at most 30 days apart.")
	}
	return w.From, w.To, nil
}

// timelineStep returns the step of a timeline over a window of length d.
func timelineStep(d time.Duration) time.Duration {
	for _, s := range timelineSteps {
		if d/s < maxTimelinePoints {
			return s
		}
	}
	return timelineSteps[len(timelineSteps)-1]
}

// idList reads a list of IDs, repeated or comma-separated; nil when the
// parameter is absent or empty.
func idList(q url.Values, name string) ([]string, error) {
	var out []string
	for _, v := range q[name] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			if err := CheckID(name, id); err != nil {
				return nil, err
			}
			if len(out) == maxEventTerms {
				return nil, invalid(CodeExceedLimit, name, "%s lists more than %d values.", name, maxEventTerms)
			}
			out = append(out, id)
		}
	}
	return out, nil
}

// intParam reads an optional integer parameter in [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalid(CodeURLParam, name, "%s must be an integer from %d to %d.", name, lo, hi)
	}
	return n, nil
}
