package precise_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/precise"
	"github.com/rampartsec/rampart/internal/waf"
)

var epoch = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func request() *inspect.Request {
	return &inspect.Request{
		Host: "www.example.com", Client: netip.MustParseAddr("198.51.100.20"),
		Method: "POST", Path: "/api/v1/login", RawQuery: "next=%2Fhome",
		Params:  []inspect.Pair{{Name: "next", Value: "/home"}},
		Cookies: []inspect.Pair{{Name: "session", Value: "abc"}},
		Headers: []inspect.Pair{{Name: "User-Agent", Value: "sqlmap/1.7"}, {Name: "X-Tenant", Value: "blue"}},
	}
}

func cond(category, index, op string, contents ...string) waf.CustomCondition {
	return waf.CustomCondition{Category: category, Index: index, LogicOperation: op, Contents: contents}
}

// rule returns an enabled rule created at epoch+created seconds.
func rule(id, action string, priority, created int, conds ...waf.CustomCondition) *waf.CustomRule {
	return &waf.CustomRule{ID: id, Status: 1, Priority: priority, CreatedAt: epoch.Add(time.Duration(created) * time.Second),
		Action: waf.CustomAction{Category: action}, Conditions: conds}
}

var (
	matches = cond("url", "", "prefix", "/api/")
	misses  = cond("url", "", "prefix", "/static/")
)

func mustCompile(t *testing.T, rules ...*waf.CustomRule) *precise.Set {
	t.Helper()
	s, errs := precise.Compile(rules, nil)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	return s
}

func TestOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                string
		rules               []*waf.CustomRule
		decided, logged     string
		decidedAct, loggAct string
	}{
		{"lower priority first", []*waf.CustomRule{rule("b", "block", 5, 0, matches), rule("a", "pass", 3, 1, matches)}, "a", "", "pass", ""},
		{"equal priority: older first", []*waf.CustomRule{rule("a", "block", 1, 9, matches), rule("b", "pass", 1, 2, matches)}, "b", "", "pass", ""},
		{"equal priority and time: ID", []*waf.CustomRule{rule("b", "block", 1, 0, matches), rule("a", "block", 1, 0, matches)}, "a", "", "block", ""},
		{"log before block", []*waf.CustomRule{rule("l", "log", 1, 0, matches), rule("b", "block", 2, 0, matches)}, "b", "l", "block", "log"},
		{"log after block is not reached", []*waf.CustomRule{rule("l", "log", 3, 0, matches), rule("b", "block", 2, 0, matches)}, "b", "", "block", ""},
		{"first log of two", []*waf.CustomRule{rule("l2", "log", 2, 0, matches), rule("l1", "log", 1, 0, matches)}, "", "l1", "", "log"},
		{"pass stops before a block", []*waf.CustomRule{rule("p", "pass", 1, 0, matches), rule("b", "block", 2, 0, matches)}, "p", "", "pass", ""},
		{"a rule that does not match is skipped", []*waf.CustomRule{rule("x", "pass", 0, 0, misses), rule("b", "block", 2, 0, matches)}, "b", "", "block", ""},
		{"nothing matches", []*waf.CustomRule{rule("x", "pass", 0, 0, misses)}, "", "", "", ""},
	} {
		got := mustCompile(t, tc.rules...).Match(request(), epoch)
		if got.Decided.RuleID != tc.decided || got.Logged.RuleID != tc.logged || got.Decided.Action != tc.decidedAct || got.Logged.Action != tc.loggAct {
			t.Errorf("%s: %+v, want decided %q (%s), logged %q (%s)", tc.name, got, tc.decided, tc.decidedAct, tc.logged, tc.loggAct)
		}
	}
}

func TestFollowedAction(t *testing.T) {
	t.Parallel()
	r := rule("b", "block", 1, 0, matches)
	r.Action.FollowedActionID = "punish1"
	got := mustCompile(t, r).Match(request(), epoch)
	if got.Decided != (precise.Hit{RuleID: "b", Action: "block", FollowedActionID: "punish1"}) {
		t.Fatalf("%+v", got.Decided)
	}
}

func TestTimeWindows(t *testing.T) {
	t.Parallel()
	start, end := epoch.Unix(), epoch.Add(time.Hour).Unix()
	for _, tc := range []struct {
		name            string
		on              bool
		start, terminal int64
		now             time.Time
		want            bool
	}{
		{"no window", false, 0, 0, epoch.Add(-time.Hour), true},
		{"window ignored when time is false", false, start, end, epoch.Add(-time.Hour), true},
		{"before start", true, start, end, epoch.Add(-time.Second), false},
		{"at start", true, start, end, epoch, true},
		{"inside", true, start, end, epoch.Add(30 * time.Minute), true},
		{"just before terminal", true, start, end, epoch.Add(time.Hour - time.Millisecond), true},
		{"at terminal", true, start, end, epoch.Add(time.Hour), false},
		{"no start", true, 0, end, epoch.Add(-100 * time.Hour), true},
		{"no terminal", true, start, 0, epoch.Add(100 * time.Hour), true},
		{"no terminal, before start", true, start, 0, epoch.Add(-time.Second), false},
	} {
		r := rule("r", "block", 1, 0, matches)
		r.Time, r.Start, r.Terminal = tc.on, tc.start, tc.terminal
		got := mustCompile(t, r).Match(request(), tc.now).Decided.RuleID == "r"
		if got != tc.want {
			t.Errorf("%s: in force %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDisabledRules(t *testing.T) {
	t.Parallel()
	off := rule("off", "block", 0, 0, matches)
	off.Status = 0
	on := rule("on", "log", 1, 0, matches)
	got := mustCompile(t, off, on, nil).Match(request(), epoch)
	if got.Decided.RuleID != "" || got.Logged.RuleID != "on" {
		t.Fatalf("%+v", got)
	}
	if s, errs := precise.Compile([]*waf.CustomRule{off}, nil); s != nil || errs != nil {
		t.Fatalf("only disabled rules: %v %v, want a nil set", s, errs)
	}
	var none *precise.Set
	if got := none.Match(request(), epoch); got != (precise.Result{}) {
		t.Fatalf("nil set: %+v", got)
	}
}

func TestCompileErrorsSkipTheRule(t *testing.T) {
	t.Parallel()
	lists := map[string]*waf.ValueList{"agents": {ID: "agents", Type: "user-agent", Values: []string{"sqlmap"}}}
	missing := rule("missing", "block", 0, 0, waf.CustomCondition{Category: "url", LogicOperation: "prefix_any", ValueListID: "gone"})
	mistyped := rule("mistyped", "block", 0, 0, waf.CustomCondition{Category: "url", LogicOperation: "contain_any", ValueListID: "agents"})
	action := rule("action", "captcha", 0, 0, matches)
	good := rule("good", "block", 1, 0, waf.CustomCondition{Category: "user-agent", LogicOperation: "contain_any", ValueListID: "agents"})
	s, errs := precise.Compile([]*waf.CustomRule{missing, mistyped, action, good}, lists)
	// Errors come in the rules' order: priority, creation time, ID.
	if len(errs) != 3 || !strings.Contains(errs[0].Error(), "rule action:") ||
		!errors.Is(errs[1], condition.ErrNoList) || !strings.Contains(errs[1].Error(), "rule missing:") ||
		!errors.Is(errs[2], condition.ErrListType) || !strings.Contains(errs[2].Error(), "rule mistyped:") {
		t.Fatalf("errors %v", errs)
	}
	if got := s.Match(request(), epoch); got.Decided.RuleID != "good" {
		t.Fatalf("%+v, want the rule that compiled", got)
	}
}

// TestIndexedKinds runs rules of each kind the index files, each against a
// request it matches and one it does not.
func TestIndexedKinds(t *testing.T) {
	t.Parallel()
	lists := map[string]*waf.ValueList{
		"paths": {ID: "paths", Type: "url", Values: []string{"/a", "/api/v1/login"}},
		"pre":   {ID: "pre", Type: "url", Values: []string{"/x/", "/api/v1/"}},
		"nets":  {ID: "nets", Type: "ip", Values: []string{"192.0.2.0/24", "198.51.100.0/24", "2001:db8::/48"}},
		"wide":  {ID: "wide", Type: "ip", Values: []string{"198.0.0.0/8"}},
	}
	other := request()
	other.Path, other.Method, other.Client = "/static/app.js", "GET", netip.MustParseAddr("2001:db8:1::1")
	for _, c := range []waf.CustomCondition{
		cond("url", "", "equal", "/api/v1/login"),
		{Category: "url", LogicOperation: "equal_any", ValueListID: "paths"},
		cond("url", "", "prefix", "/api/v1/"),
		cond("url", "", "prefix", "/api"), // no whole segment: not indexed
		{Category: "url", LogicOperation: "prefix_any", ValueListID: "pre"},
		cond("ip", "", "equal", "198.51.100.0/24"),
		cond("ip", "", "equal", "198.51.100.20"),
		{Category: "ip", LogicOperation: "equal_any", ValueListID: "nets"},
		{Category: "ip", LogicOperation: "equal_any", ValueListID: "wide"}, // wider than /16: not indexed
		cond("method", "", "equal", "POST"),
	} {
		s, errs := precise.Compile([]*waf.CustomRule{rule("r", "block", 1, 0, c)}, lists)
		if errs != nil {
			t.Fatal(errs)
		}
		if got := s.Match(request(), epoch); got.Decided.RuleID != "r" {
			t.Errorf("%+v: no match on the request it selects", c)
		}
		if got := s.Match(other, epoch); got.Decided.RuleID != "" {
			t.Errorf("%+v: matched another request", c)
		}
	}
	v6 := rule("v6", "block", 1, 0, waf.CustomCondition{Category: "ipv6", LogicOperation: "equal_any", ValueListID: "nets"})
	s, _ := precise.Compile([]*waf.CustomRule{v6}, lists)
	if other.Client = netip.MustParseAddr("2001:db8:0:1::1"); s.Match(other, epoch).Decided.RuleID != "v6" {
		t.Error("ipv6 block of an ip table: no match")
	}
}

// TestFieldKeys checks rules filed under field names and values match the
// fields they name, whatever their spelling.
func TestFieldKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    waf.CustomCondition
		req  func(*inspect.Request)
		want bool
	}{
		{cond("header", "x-tenant", "equal", "blue"), func(*inspect.Request) {}, true},
		{cond("header", "X-TENANT", "prefix", "bl"), func(*inspect.Request) {}, true},
		{cond("user-agent", "", "equal", "sqlmap/1.7"), func(*inspect.Request) {}, true},
		{cond("cookie", "session", "equal", "abc"), func(*inspect.Request) {}, true},
		{cond("cookie", "Session", "equal", "abc"), func(*inspect.Request) {}, false},
		{cond("params", "a\x00b", "equal", "v"), func(r *inspect.Request) { r.Params = []inspect.Pair{{Name: "a\x00b", Value: "v"}} }, true},
		{cond("params", "a", "equal", "b\x00v"), func(r *inspect.Request) { r.Params = []inspect.Pair{{Name: "a", Value: "b\x00v"}} }, true},
		{cond("params", "next", "num_less", "5"), func(r *inspect.Request) { r.Params = nil; r.RawQuery = "n%65xt=%34" }, true},
		{cond("params", "next", "exist"), func(r *inspect.Request) { r.Params = nil; r.RawQuery = "" }, false},
		{cond("header", "x-tenant", "equal", "blue"), func(r *inspect.Request) { r.Headers[1].Value = strings.Repeat("b", 600) }, false},
	} {
		req := request()
		tc.req(req)
		got := mustCompile(t, rule("r", "block", 1, 0, tc.c)).Match(req, epoch).Decided.RuleID == "r"
		if got != tc.want {
			t.Errorf("%s %q %s %v: %v, want %v", tc.c.Category, tc.c.Index, tc.c.LogicOperation, tc.c.Contents, got, tc.want)
		}
	}
}
