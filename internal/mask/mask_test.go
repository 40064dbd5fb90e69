package mask_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/mask"
	"github.com/rampartsec/rampart/internal/waf"
)

// sqli is a detection of rule 040001 in the q parameter.
var sqli = inspect.Verdict{Attack: inspect.AttackSQLi, RuleID: "040001", Location: inspect.LocationParams, Excerpt: `1' or '1'='1`}

// request is a search request with the usual browser parts.
func request() *inspect.Request {
	return &inspect.Request{
		Method: "GET", Path: "/api/search", RawQuery: "q=1%27+or+%271%27%3D%271&page=2",
		Params:  []inspect.Pair{{Name: "q", Value: "1' or '1'='1"}, {Name: "page", Value: "2"}},
		Cookies: []inspect.Pair{{Name: "session", Value: "abc123"}, {Name: "theme", Value: "dark"}},
		Headers: []inspect.Pair{{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"},
			{Name: "Referer", Value: "https://www.example.com/home"}, {Name: "X-Debug", Value: "1"}},
		Body: []byte(`{"note":"it's fine"}`), BodyType: "application/json",
	}
}

// ignore returns an enabled rule masking every detection under one
// condition.
func ignore(c waf.IgnoreCondition) *waf.IgnoreRule {
	return &waf.IgnoreRule{ID: "r1", Status: 1, Mode: 1, Rule: "all", Conditions: []waf.IgnoreCondition{c}}
}

func cond(category, index, op string, contents ...string) waf.IgnoreCondition {
	return waf.IgnoreCondition{Category: category, Index: index, LogicOperation: op, Contents: contents}
}

func TestConditions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    waf.IgnoreCondition
		want bool
	}{
		{"url contain", cond("url", "", "contain", "search"), true},
		{"url contain no", cond("url", "", "contain", "login"), false},
		{"url not_contain", cond("url", "", "not_contain", "login"), true},
		{"url not_contain no", cond("url", "", "not_contain", "search"), false},
		{"url equal", cond("url", "", "equal", "/api/search"), true},
		{"url equal is exact", cond("url", "", "equal", "/api/"), false},
		{"url equal is case-sensitive", cond("url", "", "equal", "/API/search"), false},
		{"url not_equal", cond("url", "", "not_equal", "/api/"), true},
		{"url not_equal no", cond("url", "", "not_equal", "/api/search"), false},
		{"url prefix", cond("url", "", "prefix", "/api/"), true},
		{"url prefix no", cond("url", "", "prefix", "/search"), false},
		{"url not_prefix", cond("url", "", "not_prefix", "/admin"), true},
		{"url not_prefix no", cond("url", "", "not_prefix", "/api"), false},
		{"url suffix", cond("url", "", "suffix", "/search"), true},
		{"url suffix no", cond("url", "", "suffix", ".php"), false},
		{"url not_suffix", cond("url", "", "not_suffix", ".php"), true},
		{"url not_suffix no", cond("url", "", "not_suffix", "search"), false},
		{"url len_equal", cond("url", "", "len_equal", "11"), true},
		{"url len_equal no", cond("url", "", "len_equal", "10"), false},
		{"url len_not_equal", cond("url", "", "len_not_equal", "10"), true},
		{"url len_not_equal no", cond("url", "", "len_not_equal", "11"), false},
		{"url len_greater", cond("url", "", "len_greater", "10"), true},
		{"url len_greater no", cond("url", "", "len_greater", "11"), false},
		{"url len_less", cond("url", "", "len_less", "12"), true},
		{"url len_less no", cond("url", "", "len_less", "11"), false},
		{"url len_greater_equal", cond("url", "", "len_greater_equal", "11"), true},
		{"url len_greater_equal no", cond("url", "", "len_greater_equal", "12"), false},
		{"url len_less_equal", cond("url", "", "len_less_equal", "11"), true},
		{"url len_less_equal no", cond("url", "", "len_less_equal", "10"), false},
		{"url regular_match", cond("url", "", "regular_match", `^/api/[a-z]+$`), true},
		{"url regular_match no", cond("url", "", "regular_match", `^/admin`), false},
		{"url regular_not_match", cond("url", "", "regular_not_match", `^/admin`), true},
		{"url regular_not_match no", cond("url", "", "regular_not_match", `search`), false},
		{"user-agent contain", cond("user-agent", "", "contain", "Firefox"), true},
		{"user-agent prefix no", cond("user-agent", "", "prefix", "curl"), false},
		{"referer equal", cond("referer", "", "equal", "https://www.example.com/home"), true},
		{"referer suffix no", cond("referer", "", "suffix", "/login"), false},
		{"params equal", cond("params", "page", "equal", "2"), true},
		{"params equal no", cond("params", "page", "equal", "3"), false},
		{"params name is case-sensitive", cond("params", "Page", "exist"), false},
		{"params contain", cond("params", "q", "contain", " or "), true},
		{"params missing contain", cond("params", "id", "contain", "x"), false},
		{"params missing not_contain", cond("params", "id", "not_contain", "x"), true},
		{"params exist", cond("params", "q", "exist"), true},
		{"params exist no", cond("params", "id", "exist"), false},
		{"params not_exist", cond("params", "id", "not_exist"), true},
		{"params not_exist no", cond("params", "q", "not_exist"), false},
		{"params num_equal", cond("params", "page", "num_equal", "2"), true},
		{"params num_equal no", cond("params", "page", "num_equal", "3"), false},
		{"params num_not_equal", cond("params", "page", "num_not_equal", "3"), true},
		{"params num_not_equal no", cond("params", "page", "num_not_equal", "2"), false},
		{"params num_greater", cond("params", "page", "num_greater", "1"), true},
		{"params num_greater no", cond("params", "page", "num_greater", "2"), false},
		{"params num_less", cond("params", "page", "num_less", "3"), true},
		{"params num_less no", cond("params", "page", "num_less", "2"), false},
		{"params num of a non-number", cond("params", "q", "num_not_equal", "2"), false},
		{"params len_greater", cond("params", "q", "len_greater", "5"), true},
		{"params regular_match", cond("params", "q", "regular_match", `'1'='1$`), true},
		{"cookie equal", cond("cookie", "theme", "equal", "dark"), true},
		{"cookie prefix no", cond("cookie", "session", "prefix", "xyz"), false},
		{"cookie not_exist", cond("cookie", "tracking", "not_exist"), true},
		{"header equal, name case-insensitive", cond("header", "x-debug", "equal", "1"), true},
		{"header not_equal no", cond("header", "X-DEBUG", "not_equal", "1"), false},
		{"header exist no", cond("header", "X-Forwarded-For", "exist"), false},
		{"method equal", cond("method", "", "equal", "GET"), true},
		{"method equal no", cond("method", "", "equal", "POST"), false},
		{"method not_equal", cond("method", "", "not_equal", "POST"), true},
		{"request_body contain", cond("request_body", "", "contain", "it's"), true},
		{"request_body contain no", cond("request_body", "", "contain", "<?xml"), false},
		{"request_body not_contain", cond("request_body", "", "not_contain", "<?xml"), true},
		{"request_body regular_match", cond("request_body", "", "regular_match", `"note":`), true},
		{"request_body regular_not_match no", cond("request_body", "", "regular_not_match", `note`), false},
	} {
		s := mask.Compile([]*waf.IgnoreRule{ignore(tc.c)})
		id, got := s.Masks("www.example.com", request(), sqli)
		if got != tc.want || got && id != "r1" {
			t.Errorf("%s: masked %v (%q), want %v", tc.name, got, id, tc.want)
		}
	}
}

func TestEveryOrAnyField(t *testing.T) {
	t.Parallel()
	all := func(logic int, c waf.IgnoreCondition) waf.IgnoreCondition { c.CheckAllIndexes = logic; return c }
	for _, tc := range []struct {
		name string
		c    waf.IgnoreCondition
		want bool
	}{
		{"every param short", all(1, cond("params", "", "len_less", "20")), true},
		{"every param numeric", all(1, cond("params", "", "num_greater", "0")), false},
		{"any param numeric", all(2, cond("params", "", "num_greater", "0")), true},
		{"any cookie equal", all(2, cond("cookie", "", "equal", "dark")), true},
		{"any cookie equal no", all(2, cond("cookie", "", "equal", "light")), false},
		{"every header not containing", all(1, cond("header", "", "not_contain", "sqlmap")), true},
		{"any cookie exists", all(2, cond("cookie", "", "exist")), true},
		{"no cookie at all", all(1, cond("cookie", "", "not_exist")), false},
	} {
		s := mask.Compile([]*waf.IgnoreRule{ignore(tc.c)})
		if _, got := s.Masks("www.example.com", request(), sqli); got != tc.want {
			t.Errorf("%s: masked %v, want %v", tc.name, got, tc.want)
		}
	}
	// Without any field, "every field" holds for none.
	req := request()
	req.Cookies = nil
	s := mask.Compile([]*waf.IgnoreRule{ignore(all(1, cond("cookie", "", "len_less", "100")))})
	if _, got := s.Masks("www.example.com", req, sqli); got {
		t.Error("every cookie of a request without cookies masked")
	}
	if _, got := mask.Compile([]*waf.IgnoreRule{ignore(all(2, cond("cookie", "", "not_exist")))}).Masks("www.example.com", req, sqli); !got {
		t.Error("not_exist over any cookie of a request without cookies did not mask")
	}
}

func TestQueryWithoutParams(t *testing.T) {
	t.Parallel()
	req := request()
	req.Params = nil // the data plane left the query to be split here
	for c, want := range map[string]bool{"1' or '1'='1": true, "2": false} {
		s := mask.Compile([]*waf.IgnoreRule{ignore(cond("params", "q", "equal", c))})
		if _, got := s.Masks("www.example.com", req, sqli); got != want {
			t.Errorf("q equal %q over the raw query: masked %v, want %v", c, got, want)
		}
	}
}

func TestRuleCoversVerdict(t *testing.T) {
	t.Parallel()
	xss := inspect.Verdict{Attack: inspect.AttackXSS, RuleID: "041002", Location: inspect.LocationParams, Excerpt: "<script>"}
	for _, tc := range []struct {
		rule      string
		sqli, xss bool
	}{
		{"all", true, true},
		{"bypass", true, true},
		{"illegal", false, false},
		{"sqli", true, false},
		{"xss;webshell", false, true},
		{"040001", true, false},
		{"041002;040001", true, true},
		{"040002", false, false},
		{"cmdi;041002", false, true},
	} {
		r := ignore(cond("url", "", "prefix", "/api"))
		r.Rule = tc.rule
		s := mask.Compile([]*waf.IgnoreRule{r})
		_, gotSQLi := s.Masks("www.example.com", request(), sqli)
		_, gotXSS := s.Masks("www.example.com", request(), xss)
		if gotSQLi != tc.sqli || gotXSS != tc.xss {
			t.Errorf("rule %q: masks sqli %v xss %v, want %v %v", tc.rule, gotSQLi, gotXSS, tc.sqli, tc.xss)
		}
	}
}

func TestDomains(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		domains []string
		host    string
		want    bool
	}{
		{nil, "anything.example.net", true},
		{[]string{}, "anything.example.net", true},
		{[]string{"www.example.com"}, "www.example.com", true},
		{[]string{"www.example.com"}, "WWW.Example.COM", true},
		{[]string{"www.example.com"}, "www.example.com:8443", true},
		{[]string{"www.example.com"}, "www.example.com.", true},
		{[]string{"www.example.com"}, "api.example.com", false},
		{[]string{"www.example.com"}, "example.com", false},
		{[]string{"www.example.com:0123-elb"}, "www.example.com", true},
		{[]string{"*.example.com"}, "api.example.com", true},
		{[]string{"*.example.com"}, "a.b.example.com", true},
		{[]string{"*.example.com"}, "example.com", false},
		{[]string{"*.example.com"}, "badexample.com", false},
		{[]string{"a.example.org", "www.example.com"}, "www.example.com", true},
	} {
		r := ignore(cond("url", "", "prefix", "/"))
		r.Domains = tc.domains
		if _, got := mask.Compile([]*waf.IgnoreRule{r}).Masks(tc.host, request(), sqli); got != tc.want {
			t.Errorf("domains %v, host %q: masked %v, want %v", tc.domains, tc.host, got, tc.want)
		}
	}
}

func TestAdvancedLimitsTheFields(t *testing.T) {
	t.Parallel()
	inCookie := inspect.Verdict{Attack: inspect.AttackSQLi, RuleID: "040001", Location: inspect.LocationCookie, Excerpt: "abc123"}
	encoded := inspect.Verdict{Attack: inspect.AttackXSS, RuleID: "041001", Location: inspect.LocationParams, Excerpt: `<img src=x onerror=alert(1)>`}
	escaped := inspect.Verdict{Attack: inspect.AttackXSS, RuleID: "041001", Location: inspect.LocationParams, Excerpt: `<p title=\"\u00e9\">`}
	req := request()
	req.Params = append(req.Params,
		inspect.Pair{Name: "html", Value: "%253Cimg%2520src%253Dx%2520onerror%253Dalert(1)%253E"}, // twice URL-encoded
		inspect.Pair{Name: "note", Value: `<p title="é">`})
	for _, tc := range []struct {
		name     string
		advanced *waf.IgnoreAdvanced
		v        inspect.Verdict
		want     bool
	}{
		{"no advanced", nil, sqli, true},
		{"params, every field", &waf.IgnoreAdvanced{Index: "params"}, sqli, true},
		{"Params as the SDK writes it", &waf.IgnoreAdvanced{Index: "Params", Fields: []string{"q"}}, sqli, true},
		{"params, the field", &waf.IgnoreAdvanced{Index: "params", Fields: []string{"q"}}, sqli, true},
		{"params, another field", &waf.IgnoreAdvanced{Index: "params", Fields: []string{"page"}}, sqli, false},
		{"cookie, a params detection", &waf.IgnoreAdvanced{Index: "cookie"}, sqli, false},
		{"cookie, the cookie", &waf.IgnoreAdvanced{Index: "cookie", Fields: []string{"session"}}, inCookie, true},
		{"cookie, another cookie", &waf.IgnoreAdvanced{Index: "cookie", Fields: []string{"theme"}}, inCookie, false},
		{"body, a params detection", &waf.IgnoreAdvanced{Index: "body"}, sqli, false},
		{"multipart, a body detection", &waf.IgnoreAdvanced{Index: "multipart"},
			inspect.Verdict{Attack: inspect.AttackWebshell, RuleID: "045001", Location: inspect.LocationBody, Excerpt: "<?php"}, true},
		{"params, found after decoding", &waf.IgnoreAdvanced{Index: "params", Fields: []string{"html"}}, encoded, true},
		{"params, escaped excerpt", &waf.IgnoreAdvanced{Index: "params", Fields: []string{"note"}}, escaped, true},
		{"params, escaped excerpt elsewhere", &waf.IgnoreAdvanced{Index: "params", Fields: []string{"q"}}, escaped, false},
	} {
		r := ignore(cond("url", "", "prefix", "/api"))
		r.Advanced = tc.advanced
		if _, got := mask.Compile([]*waf.IgnoreRule{r}).Masks("www.example.com", req, tc.v); got != tc.want {
			t.Errorf("%s: masked %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSetSemantics(t *testing.T) {
	t.Parallel()
	var none *mask.Set
	if id, got := none.Masks("www.example.com", request(), sqli); got || id != "" {
		t.Fatal("a nil set masked")
	}
	on := ignore(cond("url", "", "prefix", "/api"))
	if _, got := mask.Compile([]*waf.IgnoreRule{on}).Masks("www.example.com", request(), inspect.Verdict{}); got {
		t.Fatal("a clean verdict was masked")
	}
	off := *on
	off.ID, off.Status = "off", 0
	if s := mask.Compile([]*waf.IgnoreRule{&off}); s != nil {
		t.Fatal("a set of disabled rules is not nil")
	}
	// Every condition must hold.
	both := ignore(cond("url", "", "prefix", "/api"))
	both.Conditions = append(both.Conditions, cond("method", "", "equal", "POST"))
	if _, got := mask.Compile([]*waf.IgnoreRule{both}).Masks("www.example.com", request(), sqli); got {
		t.Fatal("a rule masked with one of its two conditions false")
	}
	// The first rule that masks is named; a broken stored rule is left out.
	broken := ignore(cond("url", "", "regular_match", "(unclosed"))
	broken.ID = "broken"
	second := ignore(cond("method", "", "equal", "GET"))
	second.ID = "second"
	id, got := mask.Compile([]*waf.IgnoreRule{&off, broken, both, second, on}).Masks("www.example.com", request(), sqli)
	if !got || id != "second" {
		t.Fatalf("masked by %q (%v), want second", id, got)
	}
}
