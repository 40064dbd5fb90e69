package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// mustTraffic stores, for the main project, 120 upstream 2xx and 6 local
// 4xx responses with 6 whiteblackip blocks and 2 web-attack logs (one a
// robot) on host h1 in the minute an hour before now, and 60 upstream 5xx
// on host h2 in the minute after; and 1,000 requests of the other
// project's host ho.
func (e *wafEnv) mustTraffic(tb testing.TB) time.Time {
	tb.Helper()
	at := e.clock.Now().UTC().Add(-time.Hour).Truncate(time.Minute)
	h1 := waf.TrafficCount{ProjectID: e.Creds.ProjectID, HostID: "h1", Time: at}
	h1.Counters[waf.TrafficUpstream2xx], h1.Counters[waf.TrafficLocal4xx] = 120, 6
	h1.Counters[waf.TrafficAddressBlock], h1.Counters[waf.TrafficWebLog], h1.Counters[waf.TrafficCrawler] = 6, 2, 1
	h2 := waf.TrafficCount{ProjectID: e.Creds.ProjectID, HostID: "h2", Time: at.Add(time.Minute)}
	h2.Counters[waf.TrafficUpstream5xx] = 60
	ho := waf.TrafficCount{ProjectID: e.Other, HostID: "ho", Time: at}
	ho.Counters[waf.TrafficUpstream2xx], ho.Counters[waf.TrafficCCBlock] = 1000, 1000
	if err := e.DB.AddTraffic(context.Background(), []waf.TrafficCount{h1, h2, ho}); err != nil {
		tb.Fatal(err)
	}
	return at
}

// array sends a GET of the project and decodes its bare JSON array answer.
func (e *wafEnv) array(tb testing.TB, project, path string) []map[string]any {
	tb.Helper()
	res := fetch(tb, e.signedRequest(tb, project, "GET", path, ""))
	if res.Status != 200 {
		tb.Fatalf("status %d: %s", res.Status, res.Raw)
	}
	var out []map[string]any
	if err := json.Unmarshal([]byte(res.Raw), &out); err != nil {
		tb.Fatalf("not an array: %s", res.Raw)
	}
	return out
}

func keyed(items []map[string]any) map[string]any {
	out := map[string]any{}
	for _, it := range items {
		out[it["key"].(string)] = it["num"]
		if tl, ok := it["timeline"].([]any); ok {
			out[it["key"].(string)] = tl
		}
	}
	return out
}

func TestWAFOverviewStatisticsAndTimelines(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	at := e.mustTraffic(t)
	window := fmt.Sprintf("from=%d&to=%d", at.Add(-30*time.Minute).UnixMilli(), at.Add(30*time.Minute).UnixMilli())

	stats := keyed(e.array(t, e.Creds.ProjectID, "overviews/statistics?"+window))
	want := map[string]any{"ACCESS": 186.0, "CRAWLER": 1.0, "ATTACK": 8.0, "WEB_ATTACK": 2.0, "PRECISE": 0.0, "CC": 0.0}
	if fmt.Sprint(stats) != fmt.Sprint(want) {
		t.Fatalf("statistics %v, want %v", stats, want)
	}
	// hosts= restricts; the other project's host counts nothing here, and
	// that project sees none of this one's counts.
	if s := keyed(e.array(t, e.Creds.ProjectID, "overviews/statistics?"+window+"&hosts=h2")); s["ACCESS"] != 60.0 || s["ATTACK"] != 0.0 {
		t.Fatalf("host h2: %v", s)
	}
	if s := keyed(e.array(t, e.Creds.ProjectID, "overviews/statistics?"+window+"&hosts=ho")); s["ACCESS"] != 0.0 || s["CC"] != 0.0 {
		t.Fatalf("another project's host: %v", s)
	}
	if s := keyed(e.array(t, e.Other, "overviews/statistics?"+window+"&hosts=h1")); s["ACCESS"] != 0.0 {
		t.Fatalf("the other project sees this one's host: %v", s)
	}
	if s := keyed(e.array(t, e.Other, "overviews/statistics?"+window)); s["ACCESS"] != 1000.0 || s["CC"] != 1000.0 {
		t.Fatalf("the other project's own: %v", s)
	}
	// Another enterprise project holds nothing.
	if s := keyed(e.array(t, e.Creds.ProjectID, "overviews/statistics?"+window+"&enterprise_project_id=ep-1")); s["ACCESS"] != 0.0 {
		t.Fatalf("enterprise project ep-1: %v", s)
	}

	// An hour's window: one point a minute, zero where nothing was counted.
	tl := keyed(e.array(t, e.Creds.ProjectID, "overviews/request/timeline?"+window))
	access := tl["ACCESS"].([]any)
	if len(access) != 61 {
		t.Fatalf("%d points", len(access))
	}
	var points []string
	for _, p := range access {
		m := p.(map[string]any)
		if m["num"] != 0.0 {
			points = append(points, fmt.Sprintf("%d:%v", int64(m["time"].(float64))-at.UnixMilli(), m["num"]))
		}
	}
	if fmt.Sprint(points) != "[60000:126 120000:60]" { // each point is the end of its minute
		t.Fatalf("ACCESS points %v", points)
	}
	// QPS: the minute's average per second.
	qps := keyed(e.array(t, e.Creds.ProjectID, "overviews/qps/timeline?"+window))["ACCESS"].([]any)
	if m := qps[30].(map[string]any); m["num"] != 2.0 || int64(m["time"].(float64)) != at.Add(time.Minute).UnixMilli() {
		t.Fatalf("QPS point %v", m)
	}
	// group_by=DAY: one point per UTC day.
	day := keyed(e.array(t, e.Creds.ProjectID, "overviews/request/timeline?"+window+"&group_by=DAY"))["ACCESS"].([]any)
	var total float64
	for _, p := range day {
		total += p.(map[string]any)["num"].(float64)
		if int64(p.(map[string]any)["time"].(float64))%(24*3600*1000) != 0 {
			t.Fatalf("day point %v", p)
		}
	}
	if total != 186 || len(day) > 2 {
		t.Fatalf("days %v", day)
	}
	// Response codes by source.
	for source, want := range map[string]string{"": "map[1XX:0 2XX:120 3XX:0 4XX:6 5XX:60]", "WAF": "map[1XX:0 2XX:0 3XX:0 4XX:6 5XX:0]",
		"UPSTREAM": "map[1XX:0 2XX:120 3XX:0 4XX:0 5XX:60]"} {
		rc := keyed(e.array(t, e.Creds.ProjectID, "overviews/response-code/timeline?"+window+"&response_source="+source))
		sums := map[string]float64{}
		for k, v := range rc {
			for _, p := range v.([]any) {
				sums[k] += p.(map[string]any)["num"].(float64)
			}
		}
		if fmt.Sprint(sums) != want {
			t.Errorf("source %q: %v, want %s", source, sums, want)
		}
	}
	// ListUrl: the window's average requests per second (186 in an hour).
	if body := ok(t, e.call(t, "GET", "event/url?"+window, "")); body["qps"] != 0.0 {
		t.Fatalf("ListUrl: %v", body)
	}
	minute := fmt.Sprintf("from=%d&to=%d", at.UnixMilli(), at.Add(time.Minute).UnixMilli())
	if body := ok(t, e.call(t, "GET", "event/url?"+minute, "")); body["qps"] != 3.0 { // 186 / 60 s
		t.Fatalf("ListUrl over a minute: %v", body)
	}
}

func TestWAFOverviewTopLists(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	e.mustEvents(t, 12) // 6 whiteblackip blocks on h1 (418), 6 geoip logs on h2 (from CN)
	host := ok(t, e.call(t, "POST", "instance", `{"hostname":"shop.example.com","web_tag":"Shop","server":[{"front_protocol":"HTTP",`+
		`"back_protocol":"HTTP","address":"192.0.2.10","port":80,"type":"ipv4"}],"proxy":false}`))
	hostID := host["id"].(string)
	now := e.clock.Now().UTC().Truncate(time.Millisecond)
	var evs []waf.Event
	for i := range 3 {
		evs = append(evs, waf.Event{ID: waf.NewID(), ProjectID: e.Creds.ProjectID, Time: now.Add(-time.Minute), HostID: hostID,
			Host: "shop.example.com", ClientIP: "198.51.100.7", RuleType: waf.EventWebAttack, RuleID: "040001", WebAttack: "sqli",
			Action: "block", Method: "GET", URL: "/login?u=" + strconv.Itoa(i), Status: 404, Location: "CN-GD"})
	}
	evs = append(evs, waf.Event{ID: waf.NewID(), ProjectID: e.Other, Time: now.Add(-time.Minute), HostID: "ho", Host: "other.example",
		ClientIP: "203.0.113.99", RuleType: waf.EventCC, Action: "block", URL: "/x", Status: 404})
	if err := e.DB.InsertEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	window := fmt.Sprintf("from=%d&to=%d", now.Add(-time.Hour).UnixMilli(), now.UnixMilli())
	list := func(path string) string {
		t.Helper()
		body := ok(t, e.call(t, "GET", path, ""))
		return fmt.Sprintf("%v %v", body["total"], body["items"])
	}
	for _, c := range []struct{ path, want string }{
		{"overviews/attack/ip?" + window + "&top=1", "1 [map[key:198.51.100.7 num:3]]"},
		{"overviews/attack/ip?" + window + "&hosts=ho", "0 []"},
		{"overviews/attack/url?" + window + "&top=3", "3 [map[host:api.example.org key:/a num:6] map[host:www.example.com key:/a num:6] map[host:shop.example.com key:/login num:3]]"},
		{"overviews/attack/top-domains?" + window + "&top=1", "1 [map[key:h1 num:6 web_tag:]]"},
		{"overviews/attack/top-domains?" + window + "&hosts=" + hostID, "1 [map[key:" + hostID + " num:3 web_tag:Shop]]"},
		{"overviews/abnormal?" + window, "1 [map[host:shop.example.com key:/login num:3]]"},
		{"overviews/abnormal?" + window + "&code=502", "0 []"},
		{"overviews/attack/action-types?" + window, "2 [map[key:block num:9] map[key:log num:6]]"},
		{"event/attack/source?recent=today&top=1&instances=" + hostID, "1 [map[ip:198.51.100.7 num:3]]"},
	} {
		if got := list(c.path); got != c.want {
			t.Errorf("%s: %s, want %s", c.path, got, c.want)
		}
	}
	threats := ok(t, e.call(t, "GET", "event/attack/type?"+window, ""))
	if threats["sqli"] != 3.0 || threats["whiteblackip"] != 6.0 || threats["cc"] != 0.0 || threats["antitamper"] != 0.0 || len(threats) != 15 {
		t.Fatalf("ListThreats: %v", threats)
	}
	cls := ok(t, e.call(t, "GET", "overviews/classification?"+window+"&top=2", ""))
	got := fmt.Sprint(cls["domain"], cls["attack_type"], cls["ip"], cls["geo"])
	want := "map[items:[map[key:h1 num:6 web_tag:] map[key:h2 num:6 web_tag:]] total:2] " +
		"map[items:[map[key:custom_geoip num:6] map[key:custom_whiteblackip num:6]] total:2] " +
		"map[items:[map[key:198.51.100.7 num:3] map[key:192.0.2.0 num:1]] total:2] " +
		"map[items:[map[key: num:6] map[key:CN num:6]] total:2]"
	if got != want {
		t.Fatalf("classification:\n%s\nwant\n%s", got, want)
	}
	if d := ok(t, e.call(t, "GET", "overviews/classification?"+window+"&hosts="+hostID, ""))["domain"]; fmt.Sprint(d) !=
		"map[items:[map[key:shop.example.com num:3 web_tag:Shop]] total:1]" {
		t.Fatalf("classification domain by name: %v", d)
	}
}

// Bad dashboard parameters get WAF's envelope with its codes.
func TestWAFOverviewRefusesBadParameters(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	for _, c := range []struct{ path, code string }{
		{"overviews/statistics", "WAF.00021002"},
		{"overviews/statistics?from=1", "WAF.00021002"},
		{"overviews/statistics?from=2&to=1", "WAF.00021002"},
		{"overviews/statistics?from=0&to=2678400001", "WAF.00021002"}, // 31 days
		{"overviews/request/timeline?from=0&to=1&group_by=HOUR", "WAF.00021002"},
		{"overviews/response-code/timeline?from=0&to=1&response_source=CDN", "WAF.00021002"},
		{"overviews/attack/ip?from=0&to=1&top=11", "WAF.00021002"},
		{"overviews/attack/url?from=0&to=1&top=x", "WAF.00021002"},
		{"overviews/abnormal?from=0&to=1&code=403", "WAF.00021002"},
		{"overviews/classification?from=0&to=1&hosts=a%2Fb", "WAF.00021004"},
		{"event/attack/source?recent=lastyear", "WAF.00021002"},
		{"event/attack/type", "WAF.00021002"},
		{"event/url?from=0&to=1&enterprise_project_id=x%2Fy", "WAF.00021002"},
	} {
		wantError(t, e.call(t, "GET", c.path, ""), 400, c.code)
	}
}
