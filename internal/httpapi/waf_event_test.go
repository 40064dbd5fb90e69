package httpapi_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// mustEvents stores n events of the main project, one a second up to the
// server's current time: even ones are whiteblackip blocks of host h1, odd
// ones log-only geolocation hits of host h2.
func (e *wafEnv) mustEvents(tb testing.TB, n int) []waf.Event {
	tb.Helper()
	now := e.clock.Now().UTC().Truncate(time.Millisecond)
	var evs []waf.Event
	for i := range n {
		ev := waf.Event{ID: waf.NewID(), ProjectID: e.Creds.ProjectID, Time: now.Add(-time.Duration(n-i) * time.Second),
			HostID: "h1", Host: "www.example.com", PolicyID: "pol1", ClientIP: fmt.Sprintf("192.0.2.%d", i),
			RuleType: waf.EventWhiteBlackIP, RuleID: "rule1", Action: "block", Method: "GET", URL: "/a?i=" + strconv.Itoa(i), Status: 418}
		if i%2 == 1 {
			ev.HostID, ev.Host, ev.RuleType, ev.RuleID, ev.Action, ev.Location, ev.Status = "h2", "api.example.org", waf.EventGeoIP, "rule2", "log", "CN", 0
		}
		evs = append(evs, ev)
	}
	if err := e.DB.InsertEvents(context.Background(), evs); err != nil {
		tb.Fatal(err)
	}
	return evs
}

func TestWAFEventList(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	empty := ok(t, e.call(t, "GET", "event?recent=today", ""))
	if num(empty["total"]) != 0 || len(empty["items"].([]any)) != 0 {
		t.Fatalf("empty list: %v", empty)
	}
	evs := e.mustEvents(t, 12)
	from := strconv.FormatInt(e.clock.Now().Add(-time.Hour).UnixMilli(), 10)
	to := strconv.FormatInt(e.clock.Now().UnixMilli(), 10)
	body := ok(t, e.call(t, "GET", "event?from="+from+"&to="+to+"&page=2&pagesize=5", ""))
	items := body["items"].([]any)
	if num(body["total"]) != 12 || len(items) != 5 {
		t.Fatalf("page 2: %v", body)
	}
	// Newest first: page 2 starts with the 6th newest (index 6).
	first := items[0].(map[string]any)
	if first["id"] != evs[6].ID || int64(num(first["time"])) != evs[6].Time.UnixMilli() || first["sip"] != "192.0.2.6" ||
		first["host"] != "www.example.com" || first["attack"] != "custom_whiteblackip" || first["rule"] != "rule1" ||
		first["action"] != "block" || first["host_id"] != "h1" || first["policyid"] != "pol1" || first["url"] != "/a?i=6" ||
		first["status"] != "418" || first["request_line"] != "GET /a?i=6" {
		t.Fatalf("item: %v", first)
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{"recent=1week", 12},
		{"recent=3days&hosts=h2", 6},
		{"recent=3days&hosts=h1&hosts=h2", 12},
		{"recent=3days&attacks=custom_geoip", 6},
		{"recent=3days&nattacks=custom_geoip", 6},
		{"recent=3days&attacks=sqli", 0},
		{"recent=3days&actions=log", 6},
		{"recent=3days&sip=192.0.2.1", 3},                      // 1, 10, 11: substring
		{"recent=3days&sip=192.0.2.1&query_mode=equal", 1},     // exact
		{"recent=3days&sips=192.0.2.1&sips=192.0.2.2", 2},      // list
		{"recent=3days&domain=api.", 6},                        // substring
		{"recent=3days&ndomain=api.", 6},                       // excluded
		{"recent=3days&ip_countries=CN", 6},                    // location code
		{"recent=3days&rules=rule1&nrules=rule2", 6},           // rule IDs
		{"recent=3days&ids=" + evs[3].ID + "," + evs[4].ID, 2}, // comma-separated IDs
		{"recent=3days&response_codes=418", 6},
	} {
		got := ok(t, e.call(t, "GET", "event?"+c.query, ""))
		if n := int(num(got["total"])); n != c.want {
			t.Errorf("%s: total %d, want %d", c.query, n, c.want)
		}
	}
	asc := ok(t, e.call(t, "GET", "event?recent=3days&sort_direction=asc&pagesize=1", ""))
	if asc["items"].([]any)[0].(map[string]any)["id"] != evs[0].ID {
		t.Fatalf("ascending: %v", asc)
	}
	// Another project sees none of them.
	other := ok(t, e.callIn(t, e.Other, "GET", "event?recent=3days", ""))
	if num(other["total"]) != 0 {
		t.Fatalf("other project: %v", other)
	}
}

func TestWAFEventListRejectsBadParameters(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	now := e.clock.Now().UnixMilli()
	for _, c := range []struct {
		query, code string
	}{
		{"", "WAF.00021002"}, // recent or from/to is mandatory
		{"recent=2days", "WAF.00021002"},
		{"from=1", "WAF.00021002"},
		{"from=x&to=1", "WAF.00021002"},
		{fmt.Sprintf("from=%d&to=%d", now, now-1), "WAF.00021002"},
		{fmt.Sprintf("from=%d&to=%d", now-31*24*3600*1000, now), "WAF.00021002"},
		{"recent=today&page=0", "WAF.00021020"},
		{"recent=today&pagesize=1001", "WAF.00021020"},
		{"recent=today&attacks=nope", "WAF.00021002"},
		{"recent=today&actions=drop", "WAF.00021002"},
		{"recent=today&sort_key=size", "WAF.00021002"},
		{"recent=today&sort_direction=up", "WAF.00021002"},
		{"recent=today&query_mode=regex", "WAF.00021002"},
		{"recent=today&hosts=a/b", "WAF.00021004"},
		{"recent=today&enterprise_project_id=bad!", "WAF.00021002"},
	} {
		res := e.call(t, "GET", "event?"+c.query, "")
		if res.Status != 400 || res.Body["error_code"] != c.code {
			t.Errorf("%q: status %d, %s; want 400 %s", c.query, res.Status, res.Raw, c.code)
		}
	}
}

func TestWAFEventShow(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	evs := e.mustEvents(t, 2)
	body := ok(t, e.call(t, "GET", "event/"+evs[1].ID, ""))
	items := body["items"].([]any)
	if num(body["total"]) != 1 || len(items) != 1 {
		t.Fatalf("show: %v", body)
	}
	it := items[0].(map[string]any)
	if it["id"] != evs[1].ID || it["attack"] != "custom_geoip" || it["region"] != "CN" || it["action"] != "log" {
		t.Fatalf("show item: %v", it)
	}
	wantError(t, e.call(t, "GET", "event/"+waf.NewID(), ""), 404, "WAF.00022001")
	wantError(t, e.callIn(t, e.Other, "GET", "event/"+evs[1].ID, ""), 404, "WAF.00022001")
	wantError(t, e.call(t, "GET", "event/bad!id", ""), 400, "WAF.00021004")
	// The path of ListEventLog is not an event: an unknown API once
	// authenticated (401 without a signature); that of ListUrl is ListUrl.
	wantError(t, e.call(t, "GET", "event/dump", ""), 404, "APIGW.0101")
	wantError(t, e.call(t, "GET", "event/url", ""), 400, "WAF.00021002") // recent, or from and to, is mandatory
	for _, op := range []string{"dump", "url"} {
		wantError(t, do(t, newRequest(t, "GET", e.URL+"/v1/"+e.Creds.ProjectID+"/waf/event/"+op, "")), 401, "APIGW.0301")
	}
}

// A basic web protection event lists its attack type, rule, payload and
// payload location, and the attacks and payload filters select it.
func TestWAFEventWebAttack(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	e.mustEvents(t, 2)
	ev := waf.Event{ID: waf.NewID(), ProjectID: e.Creds.ProjectID, Time: e.clock.Now().UTC().Add(-time.Second), HostID: "h1",
		Host: "www.example.com", PolicyID: "pol1", ClientIP: "192.0.2.9", RuleType: waf.EventWebAttack, RuleID: "110001",
		Action: "block", Method: "POST", URL: "/comment", Status: 418, WebAttack: "xss", Payload: "<script>alert(1)</script>", PayloadLocation: "body"}
	if err := e.DB.InsertEvents(context.Background(), []waf.Event{ev}); err != nil {
		t.Fatal(err)
	}
	it := ok(t, e.call(t, "GET", "event/"+ev.ID, ""))["items"].([]any)[0].(map[string]any)
	if it["attack"] != "xss" || it["rule"] != "110001" || it["payload"] != ev.Payload || it["payload_location"] != "body" || it["action"] != "block" {
		t.Fatalf("show item: %v", it)
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{"recent=today&attacks=xss", 1},
		{"recent=today&attacks=xss&attacks=custom_geoip", 2},
		{"recent=today&nattacks=xss", 2},
		{"recent=today&attacks=sqli", 0},
		{"recent=today&payload=alert", 1},
		{"recent=today&payload=union", 0},
		{"recent=today&sort_key=attack&pagesize=1", 3},
	} {
		if n := int(num(ok(t, e.call(t, "GET", "event?"+c.query, ""))["total"])); n != c.want {
			t.Errorf("%s: total %d, want %d", c.query, n, c.want)
		}
	}
}

// Events of the data plane's precise-protection, CC and known-attack-source
// rules list Huawei's attack types custom_custom, cc and followed_action;
// the CC key and the punished source (with its kind) are the payload; the
// attacks filter selects them by module.
func TestWAFEventPolicyRules(t *testing.T) {
	t.Parallel()
	e := MustServeWAF(t)
	at := e.clock.Now().UTC().Add(-time.Second)
	mk := func(ruleType, rule, payload, location string) waf.Event {
		return waf.Event{ID: waf.NewID(), ProjectID: e.Creds.ProjectID, Time: at, HostID: "h1", Host: "www.example.com",
			PolicyID: "pol1", ClientIP: "192.0.2.9", RuleType: ruleType, RuleID: rule, Action: "block", Method: "GET",
			URL: "/login", Status: 418, Payload: payload, PayloadLocation: location}
	}
	custom, cc, pun := mk(waf.EventCustom, "c1", "", ""), mk(waf.EventCC, "cc1", "192.0.2.9", ""), mk(waf.EventPunishment, "pu1", "sess-9", "cookie")
	if err := e.DB.InsertEvents(context.Background(), []waf.Event{custom, cc, pun}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ev                        waf.Event
		attack, payload, location string
	}{
		{custom, "custom_custom", "", ""},
		{cc, "cc", "192.0.2.9", ""},
		{pun, "followed_action", "sess-9", "cookie"},
	} {
		it := ok(t, e.call(t, "GET", "event/"+c.ev.ID, ""))["items"].([]any)[0].(map[string]any)
		if it["attack"] != c.attack || it["rule"] != c.ev.RuleID || it["payload"] != c.payload || it["payload_location"] != c.location {
			t.Errorf("%s: show item %v", c.ev.RuleType, it)
		}
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{"recent=today&attacks=custom_custom", 1},
		{"recent=today&attacks=cc", 1},
		{"recent=today&attacks=followed_action", 1},
		{"recent=today&attacks=cc&attacks=followed_action", 2},
		{"recent=today&nattacks=cc", 2},
	} {
		if n := int(num(ok(t, e.call(t, "GET", "event?"+c.query, ""))["total"])); n != c.want {
			t.Errorf("%s: total %d, want %d", c.query, n, c.want)
		}
	}
}
