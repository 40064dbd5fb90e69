package waf

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

func TestParseDashboardQuery(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC)
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	hour := "from=" + ms(now.Add(-time.Hour)) + "&to=" + ms(now)
	all := ParamRecent | ParamTop | ParamGroupBy | ParamResponseSource | ParamCode
	for _, tc := range []struct {
		name, query string
		accepts     DashboardParams
		check       func(t *testing.T, d DashboardQuery)
		code, field string // the error's code and field; "" when accepted
	}{
		{"hour", hour, 0, func(t *testing.T, d DashboardQuery) {
			if d.EnterpriseProjectID != "0" || d.HostIDs != nil || d.Step != time.Minute || !d.To.Equal(now) || d.Top != 0 {
				t.Fatalf("%+v", d)
			}
		}, "", ""},
		{"defaults", hour, all, func(t *testing.T, d DashboardQuery) {
			if d.Top != 5 || d.Code != 404 || d.ResponseSource != "" {
				t.Fatalf("%+v", d)
			}
		}, "", ""},
		{"day step", "from=" + ms(now.Add(-24*time.Hour)) + "&to=" + ms(now), 0, func(t *testing.T, d DashboardQuery) {
			if d.Step != 15*time.Minute {
				t.Fatalf("step %v", d.Step)
			}
		}, "", ""},
		{"30 days", "from=" + ms(now.Add(-30*24*time.Hour)) + "&to=" + ms(now), 0, func(t *testing.T, d DashboardQuery) {
			if d.Step != 6*time.Hour {
				t.Fatalf("step %v", d.Step)
			}
		}, "", ""},
		{"group by day", hour + "&group_by=DAY", ParamGroupBy, func(t *testing.T, d DashboardQuery) {
			if d.Step != 24*time.Hour {
				t.Fatalf("step %v", d.Step)
			}
		}, "", ""},
		{"group_by ignored where not read", hour + "&group_by=WEEK", 0, nil, "", ""},
		{"hosts and instances meet", hour + "&hosts=a,b&hosts=c&instances=b&instances=c", 0, func(t *testing.T, d DashboardQuery) {
			if !slices.Equal(d.HostIDs, []string{"b", "c"}) {
				t.Fatalf("hosts %v", d.HostIDs)
			}
		}, "", ""},
		{"hosts and instances do not meet", hour + "&hosts=a&instances=b", 0, func(t *testing.T, d DashboardQuery) {
			if !slices.Equal(d.HostIDs, []string{""}) {
				t.Fatalf("hosts %v", d.HostIDs)
			}
		}, "", ""},
		{"recent wins", "recent=yesterday&from=1&to=2", ParamRecent, func(t *testing.T, d DashboardQuery) {
			if !d.From.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("from %v", d.From)
			}
		}, "", ""},
		{"all projects", hour + "&enterprise_project_id=all_granted_eps", 0, func(t *testing.T, d DashboardQuery) {
			if d.EnterpriseProjectID != AllEnterpriseProjects {
				t.Fatalf("%+v", d)
			}
		}, "", ""},
		{"top and code", hour + "&top=10&code=502&response_source=UPSTREAM", all, func(t *testing.T, d DashboardQuery) {
			if d.Top != 10 || d.Code != 502 || d.ResponseSource != SourceUpstream {
				t.Fatalf("%+v", d)
			}
		}, "", ""},
		{"no window", "", 0, nil, CodeURLParam, "from"},
		{"from alone", "from=1", 0, nil, CodeURLParam, "from"},
		{"recent not read", "recent=today", 0, nil, CodeURLParam, "from"},
		{"no window with recent", "", ParamRecent, nil, CodeURLParam, "recent"},
		{"bad recent", "recent=1year", ParamRecent, nil, CodeURLParam, "recent"},
		{"from after to", "from=2&to=1", 0, nil, CodeURLParam, "from"},
		{"from not a number", "from=x&to=1", 0, nil, CodeURLParam, "from"},
		{"over 30 days", "from=0&to=" + ms(time.UnixMilli(0).Add(31*24*time.Hour)), 0, nil, CodeURLParam, "to"},
		{"bad host", hour + "&hosts=a%20b", 0, nil, CodeID, "hosts"},
		{"top 0", hour + "&top=0", ParamTop, nil, CodeURLParam, "top"},
		{"top 11", hour + "&top=11", ParamTop, nil, CodeURLParam, "top"},
		{"code 403", hour + "&code=403", ParamCode, nil, CodeURLParam, "code"},
		{"bad group_by", hour + "&group_by=day", ParamGroupBy, nil, CodeURLParam, "group_by"},
		{"bad source", hour + "&response_source=waf", ParamResponseSource, nil, CodeURLParam, "response_source"},
		{"bad enterprise project", hour + "&enterprise_project_id=a/b", 0, nil, CodeURLParam, "enterprise_project_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ParseDashboardQuery("p1", q, now, tc.accepts)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if d.ProjectID != "p1" {
					t.Fatalf("project %q", d.ProjectID)
				}
				if tc.check != nil {
					tc.check(t, d)
				}
				return
			}
			var re *rampart.Error
			if !errors.As(err, &re) || re.Kind != rampart.KindInvalid || re.Code != tc.code || re.Field != tc.field {
				t.Fatalf("error %#v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
	// More than 100 hosts.
	q := url.Values{"from": {"0"}, "to": {"1"}}
	for i := range 101 {
		q.Add("hosts", "h"+strconv.Itoa(i))
	}
	if _, err := ParseDashboardQuery("p1", q, now, 0); rampart.ErrorKind(err) != rampart.KindInvalid {
		t.Fatalf("101 hosts: %v", err)
	}
}

// FuzzParseDashboardQuery: any query is accepted with a sound window and
// step, or refused as invalid input; never a panic or another error.
func FuzzParseDashboardQuery(f *testing.F) {
	for _, s := range []string{"from=0&to=1", "recent=today&top=3", "from=1&to=0", "hosts=a,b&instances=b&from=5&to=6000000",
		"group_by=DAY&from=0&to=86400000", "code=500&response_source=WAF&from=0&to=0", "top=-1", "from=99999999999999999999&to=1"} {
		f.Add(s, uint8(0xff))
	}
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string, accepts uint8) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		d, err := ParseDashboardQuery("p1", q, now, DashboardParams(accepts))
		if err != nil {
			if rampart.ErrorKind(err) != rampart.KindInvalid {
				t.Fatalf("%q: error of another kind: %v", raw, err)
			}
			return
		}
		if d.From.After(d.To) || d.To.Sub(d.From) > maxEventRange || d.Step < time.Minute || d.Step > 24*time.Hour {
			t.Fatalf("%q: unsound query %+v", raw, d)
		}
		if d.To.Sub(d.From)/d.Step > maxTimelinePoints && d.Step != 24*time.Hour {
			t.Fatalf("%q: %v / %v is more than %d points", raw, d.To.Sub(d.From), d.Step, maxTimelinePoints)
		}
		if DashboardParams(accepts)&ParamTop != 0 && (d.Top < 1 || d.Top > maxTop) {
			t.Fatalf("%q: top %d", raw, d.Top)
		}
	})
}
