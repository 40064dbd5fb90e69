package cc_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/cc"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// call is one request at t0+at and what Check must say: no verdict when
// rule is "", else the rule, action and key.
type call struct {
	r      *inspect.Request
	at     time.Duration
	rule   string
	action string
	key    string
}

func run(t *testing.T, s *cc.Set, calls []call) {
	t.Helper()
	for i, c := range calls {
		v, acted := s.Check(c.r, t0.Add(c.at))
		if c.rule == "" {
			if acted {
				t.Fatalf("call %d (%s at +%v): verdict %+v, want none", i, c.r.Path, c.at, v)
			}
			continue
		}
		if !acted {
			t.Fatalf("call %d (%s at +%v): no verdict, want rule %s", i, c.r.Path, c.at, c.rule)
		}
		if v.RuleID != c.rule || v.Action != c.action || v.Key != c.key {
			t.Fatalf("call %d (%s at +%v): verdict %+v, want rule %s action %s key %q", i, c.r.Path, c.at, v, c.rule, c.action, c.key)
		}
	}
}

func TestTagTypes(t *testing.T) {
	const blk = "block"
	a, b := from("198.51.100.7"), from("198.51.100.8")
	tests := []struct {
		name  string
		rule  *waf.CCRule
		calls []call
	}{
		{"ip", ccRule("r"), []call{
			{r: req("/", a)}, {r: req("/", b)}, {r: req("/x", a), rule: "r", action: blk, key: "198.51.100.7"},
		}},
		{"ip, v4-mapped v6 is the same client", ccRule("r"), []call{
			{r: req("/", a)}, {r: req("/", from("::ffff:198.51.100.7")), rule: "r", action: blk, key: "198.51.100.7"},
		}},
		{"ip, no address: not counted", ccRule("r"), []call{
			{r: req("/", func(r *inspect.Request) { r.Client = netipZero })}, {r: req("/", func(r *inspect.Request) { r.Client = netipZero })},
		}},
		{"cookie", ccRule("r", func(r *waf.CCRule) { r.TagType, r.TagIndex = "cookie", "sid" }), []call{
			{r: req("/", withCookie("sid", "u1"))}, {r: req("/", a, withCookie("sid", "u2"))},
			// SID is another cookie; no cookie and an empty one are not counted
			{r: req("/", withCookie("SID", "u1"))}, {r: req("/")}, {r: req("/")}, {r: req("/", withCookie("sid", ""))}, {r: req("/", withCookie("sid", ""))},
			{r: req("/", b, withCookie("other", "x"), withCookie("sid", "u1")), rule: "r", action: blk, key: "u1"},
		}},
		{"header, any case", ccRule("r", func(r *waf.CCRule) { r.TagType, r.TagIndex = "header", "X-Api-Key" }), []call{
			{r: req("/", withHeader("x-api-key", "k1"))}, {r: req("/", withHeader("X-Api-Key", "k2"))}, {r: req("/")}, {r: req("/")},
			{r: req("/", b, withHeader("X-API-KEY", "k1")), rule: "r", action: blk, key: "k1"},
		}},
		{"other: every referer", ccRule("r", func(r *waf.CCRule) { r.TagType = "other" }), []call{
			{r: req("/", withHeader("Referer", "https://a.example/1"))}, {r: req("/", withHeader("Referer", "https://a.example/2"))},
			{r: req("/")}, {r: req("/")},
			{r: req("/", b, withHeader("referer", "https://a.example/1")), rule: "r", action: blk, key: "https://a.example/1"},
		}},
		{"other: only the referers of tag_condition, by prefix", ccRule("r", func(r *waf.CCRule) {
			r.TagType = "other"
			r.TagCondition = &waf.CCTagCondition{Category: "referer", Contents: []string{"https://bad.example/"}}
		}), []call{
			{r: req("/", withHeader("Referer", "https://good.example/1"))}, {r: req("/", withHeader("Referer", "https://good.example/1"))},
			{r: req("/", withHeader("Referer", "https://bad.example/a"))},
			{r: req("/", b, withHeader("Referer", "https://bad.example/b")), rule: "r", action: blk, key: "https://bad.example/"},
		}},
		{"policy: one key for every host", ccRule("r", func(r *waf.CCRule) { r.TagType = "policy" }), []call{
			{r: req("/", a)}, {r: req("/", b, host("api.example.com")), rule: "r", action: blk, key: "pol1"},
		}},
		{"domain: per host", ccRule("r", func(r *waf.CCRule) { r.TagType = "domain" }), []call{
			{r: req("/", a)}, {r: req("/", a, host("api.example.com"))},
			{r: req("/", b), rule: "r", action: blk, key: "www.example.com"},
		}},
		{"domain with domain aggregation: one key", ccRule("r", func(r *waf.CCRule) { r.TagType, r.DomainAggregation = "domain", true }), []call{
			{r: req("/", a)}, {r: req("/", a, host("api.example.com")), rule: "r", action: blk, key: "pol1"},
		}},
		{"url: per path", ccRule("r", func(r *waf.CCRule) { r.TagType = "url" }), []call{
			{r: req("/a", a)}, {r: req("/b", a)}, {r: req("/a?x=1", b), rule: "r", action: blk, key: "/a"},
		}},
		{"ip per host without domain aggregation", ccRule("r"), []call{
			{r: req("/", a)}, {r: req("/", a, host("api.example.com"))}, {r: req("/", a), rule: "r", action: blk, key: "198.51.100.7"},
		}},
		{"ip across hosts with domain aggregation", ccRule("r", func(r *waf.CCRule) { r.DomainAggregation = true }), []call{
			{r: req("/", a)}, {r: req("/", a, host("api.example.com")), rule: "r", action: blk, key: "198.51.100.7"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, mustCompile(t, newTable(t, 1000), tt.rule), tt.calls)
		})
	}
}

func TestModes(t *testing.T) {
	exact := func(url string, prefix bool) func(*waf.CCRule) {
		return func(r *waf.CCRule) { r.URL, r.Prefix = url, prefix }
	}
	tests := []struct {
		name    string
		rule    *waf.CCRule
		counted []string // requests (paths) the rule counts
		not     []string // and does not
	}{
		{"exact path, query ignored", ccRule("r", exact("/login", false)),
			[]string{"/login", "/login?a=1", "/%6cogin", "/l%6Fgin?x"}, []string{"/login/", "/logins", "/Login", "/"}},
		{"prefix", ccRule("r", exact("/api/", true)),
			[]string{"/api/", "/api/v1", "/%61pi/x", "/api/?q"}, []string{"/api", "/apix/", "/"}},
		{"rule with a query: exact", ccRule("r", exact("/s?q=1", false)),
			[]string{"/s?q=1"}, []string{"/s?q=12", "/s", "/s?q=2"}},
		{"rule with a query: prefix of the query", ccRule("r", exact("/s?q=", true)),
			[]string{"/s?q=1", "/s?q="}, []string{"/s/x?q=1", "/s?r=1", "/s"}},
		{"rule url percent-encoded", ccRule("r", exact("/a%20b", false)),
			[]string{"/a%20b", "/a b"}, []string{"/a%2520b", "/ab"}},
		{"bad escape kept as it is", ccRule("r", exact("/a%zz", false)),
			[]string{"/a%zz"}, []string{"/a"}},
		{"advanced: every condition", ccRule("r", func(r *waf.CCRule) {
			r.Mode = 1
			r.Conditions = []waf.CustomCondition{
				{Category: "method", LogicOperation: "equal", Contents: []string{"POST"}},
				{Category: "header", Index: "user-agent", LogicOperation: "contain", Contents: []string{"bot"}},
			}
		}), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range tt.counted {
				s := mustCompile(t, newTable(t, 100), tt.rule)
				s.Check(req(p), t0)
				if _, acted := s.Check(req(p), t0); !acted {
					t.Errorf("%s: not counted, want counted", p)
				}
			}
			for _, p := range tt.not {
				s := mustCompile(t, newTable(t, 100), tt.rule)
				s.Check(req(p), t0)
				if v, acted := s.Check(req(p), t0); acted {
					t.Errorf("%s: counted (%+v), want not", p, v)
				}
			}
		})
	}
	t.Run("advanced requests", func(t *testing.T) {
		s := mustCompile(t, newTable(t, 100), tests[len(tests)-1].rule)
		bot := req("/", method("POST"), withHeader("User-Agent", "evilbot/1"))
		run(t, s, []call{
			{r: req("/", withHeader("User-Agent", "evilbot/1"))}, {r: req("/", method("POST"))},
			{r: req("/", method("POST"), withHeader("User-Agent", "browser"))},
			{r: bot}, {r: bot, rule: "r", action: "block", key: "198.51.100.7"},
		})
	})
}

func TestActions(t *testing.T) {
	p := req("/")
	tests := []struct {
		name  string
		rule  *waf.CCRule
		calls []call
	}{
		{"block until the period ends", ccRule("r", func(r *waf.CCRule) { r.LimitNum = 2 }), []call{
			{r: p}, {r: p, at: sec}, {r: p, at: 2 * sec, rule: "r", action: "block", key: "198.51.100.7"},
			{r: p, at: 59 * sec, rule: "r", action: "block", key: "198.51.100.7"}, {r: p, at: 60 * sec},
		}},
		{"block with lock_time", ccRule("r", func(r *waf.CCRule) { r.LockTime = 300 }), []call{
			{r: p}, {r: p, at: sec, rule: "r", action: "block", key: "198.51.100.7"},
			{r: p, at: 200 * sec, rule: "r", action: "block", key: "198.51.100.7"},
			{r: p, at: 300 * sec, rule: "r", action: "block", key: "198.51.100.7"}, {r: p, at: 301 * sec},
		}},
		{"captcha blocks", ccRule("r", func(r *waf.CCRule) { r.Action.Category = "captcha" }), []call{
			{r: p}, {r: p, at: sec, rule: "r", action: "block", key: "198.51.100.7"}, {r: p, at: 61 * sec},
		}},
		{"log reports every request over the limit", ccRule("r", func(r *waf.CCRule) { r.Action.Category = "log" }), []call{
			{r: p}, {r: p, at: sec, rule: "r", action: "log", key: "198.51.100.7"},
			{r: p, at: 2 * sec, rule: "r", action: "log", key: "198.51.100.7"}, {r: p, at: 60 * sec},
		}},
		{"dynamic block until a period under unlock_num", ccRule("r", func(r *waf.CCRule) {
			r.Action.Category, r.LimitNum, r.UnlockNum, r.LockTime = "dynamic_block", 2, 2, 1000
		}), []call{
			{r: p}, {r: p, at: sec}, {r: p, at: 2 * sec, rule: "r", action: "dynamic_block", key: "198.51.100.7"},
			// [60, 120): 2 requests, not under 2
			{r: p, at: 60 * sec, rule: "r", action: "dynamic_block", key: "198.51.100.7"},
			{r: p, at: 61 * sec, rule: "r", action: "dynamic_block", key: "198.51.100.7"},
			// [120, 180): 1 request
			{r: p, at: 120 * sec, rule: "r", action: "dynamic_block", key: "198.51.100.7"},
			// lock_time plays no part: through again at 180 s
			{r: p, at: 180 * sec}, {r: p, at: 181 * sec}, {r: p, at: 182 * sec, rule: "r", action: "dynamic_block", key: "198.51.100.7"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { run(t, mustCompile(t, newTable(t, 100), tt.rule), tt.calls) })
	}
	if (cc.Verdict{Action: "log"}).Blocks() || !(cc.Verdict{Action: "dynamic_block"}).Blocks() || !(cc.Verdict{Action: "block"}).Blocks() {
		t.Error("Blocks: log must pass, block and dynamic_block must block")
	}
}

func TestResponse(t *testing.T) {
	resp := &waf.CCResponse{ContentType: "application/json", Content: `{"busy":true}`}
	s := mustCompile(t, newTable(t, 100), ccRule("r", func(r *waf.CCRule) { r.Action.Response = resp }))
	s.Check(req("/"), t0)
	v, _ := s.Check(req("/"), t0)
	if v.Response != resp {
		t.Fatalf("response %+v, want the rule's", v.Response)
	}
}

// TestPriorities: every matching rule counts the request; the first rule
// (by cc_priority, then priority, creation time, ID) that acts decides.
func TestPriorities(t *testing.T) {
	loose := ccRule("loose", func(r *waf.CCRule) { r.LimitNum, r.CCPriority = 4, intp(1) })
	tight := ccRule("tight", func(r *waf.CCRule) { r.LimitNum, r.CCPriority = 2, intp(2) })
	s := mustCompile(t, newTable(t, 100), tight, loose)
	p := req("/")
	key := "198.51.100.7"
	run(t, s, []call{
		{r: p}, {r: p},
		{r: p, rule: "tight", action: "block", key: key}, {r: p, rule: "tight", action: "block", key: key},
		// the fifth request is over loose's limit too, and loose comes first
		{r: p, rule: "loose", action: "block", key: key},
	})

	mk := func(id string, cp, pr *int, created time.Time) *waf.CCRule {
		return ccRule(id, func(r *waf.CCRule) { r.CCPriority, r.Priority, r.CreatedAt = cp, pr, created })
	}
	orders := []struct {
		name  string
		rules []*waf.CCRule
		first string
	}{
		{"cc_priority", []*waf.CCRule{mk("a", intp(5), nil, t0), mk("b", intp(0), nil, t0)}, "b"},
		{"no cc_priority last", []*waf.CCRule{mk("a", nil, nil, t0), mk("b", intp(65535), nil, t0)}, "b"},
		{"then priority", []*waf.CCRule{mk("a", intp(1), intp(9), t0), mk("b", intp(1), intp(3), t0)}, "b"},
		{"then creation", []*waf.CCRule{mk("a", intp(1), intp(1), t0.Add(sec)), mk("b", intp(1), intp(1), t0)}, "b"},
		{"then ID", []*waf.CCRule{mk("b", nil, nil, t0), mk("a", nil, nil, t0)}, "a"},
	}
	for _, o := range orders {
		s := mustCompile(t, newTable(t, 100), o.rules...)
		s.Check(p, t0)
		if v, _ := s.Check(p, t0); v.RuleID != o.first {
			t.Errorf("%s: rule %s decided, want %s", o.name, v.RuleID, o.first)
		}
	}
}

func TestCompile(t *testing.T) {
	tab := newTable(t, 100)
	bad := []*waf.CCRule{
		ccRule("nourl", func(r *waf.CCRule) { r.URL = "" }),
		ccRule("mode", func(r *waf.CCRule) { r.Mode = 2 }),
		ccRule("noconds", func(r *waf.CCRule) { r.Mode = 1 }),
		ccRule("badcond", func(r *waf.CCRule) {
			r.Mode, r.Conditions = 1, []waf.CustomCondition{{Category: "asn", LogicOperation: "equal", Contents: []string{"1"}}}
		}),
		ccRule("tag", func(r *waf.CCRule) { r.TagType = "session" }),
		ccRule("cookie", func(r *waf.CCRule) { r.TagType = "cookie" }),
		ccRule("header", func(r *waf.CCRule) { r.TagType = "header" }),
		ccRule("tagcond", func(r *waf.CCRule) {
			r.TagType, r.TagCondition = "other", &waf.CCTagCondition{Category: "user-agent", Contents: []string{"x"}}
		}),
		ccRule("num", func(r *waf.CCRule) { r.LimitNum = 0 }),
		ccRule("period0", func(r *waf.CCRule) { r.LimitPeriod = 0 }),
		ccRule("period", func(r *waf.CCRule) { r.LimitPeriod = 3601 }),
		ccRule("lock", func(r *waf.CCRule) { r.LockTime = 65536 }),
		ccRule("unlock", func(r *waf.CCRule) { r.UnlockNum = -1 }),
		ccRule("action", func(r *waf.CCRule) { r.Action.Category = "pass" }),
	}
	good := ccRule("good")
	disabled := ccRule("disabled", func(r *waf.CCRule) { r.Status = 0; r.CCPriority = intp(0) })
	s, errs := cc.Compile(append(bad, good, disabled, nil), tab, conditions)
	if len(errs) != len(bad) {
		t.Fatalf("%d errors, want %d: %v", len(errs), len(bad), errs)
	}
	named := map[string]bool{}
	for _, err := range errs {
		id, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "cc rule "), ":")
		named[id] = true
	}
	for _, r := range bad {
		if !named[r.ID] {
			t.Errorf("no error names rule %s: %v", r.ID, errs)
		}
	}
	if s.Len() != 1 {
		t.Fatalf("%d rules compiled, want 1 (good)", s.Len())
	}
	s.Check(req("/"), t0)
	if v, _ := s.Check(req("/"), t0); v.RuleID != "good" {
		t.Fatalf("verdict %+v, want rule good (disabled rules skipped)", v)
	}

	if s, errs := cc.Compile([]*waf.CCRule{disabled}, tab, conditions); s != nil || errs != nil {
		t.Fatalf("only disabled rules: %v %v, want a nil set and no error", s, errs)
	}
	var none *cc.Set
	if _, acted := none.Check(req("/"), t0); acted || none.Len() != 0 {
		t.Fatal("a nil set acted")
	}
	if _, errs := cc.Compile([]*waf.CCRule{ccRule("m", func(r *waf.CCRule) {
		r.Mode, r.Conditions = 1, []waf.CustomCondition{{Category: "method", LogicOperation: "equal", Contents: []string{"GET"}}}
	})}, tab, nil); len(errs) != 1 {
		t.Fatalf("mode 1 without a condition compiler: %v, want an error", errs)
	}
	if _, errs := cc.Compile([]*waf.CCRule{good}, nil, conditions); len(errs) != 1 {
		t.Fatalf("no table: %v, want an error", errs)
	}
}

// TestRecompileKeepsCounts: a Set compiled again from unchanged rules
// carries on their counts; editing a rule's limit starts only that rule
// afresh.
func TestRecompileKeepsCounts(t *testing.T) {
	tab := newTable(t, 100)
	a := ccRule("a", func(r *waf.CCRule) { r.URL = "/a"; r.LockTime = 600 })
	b := ccRule("b", func(r *waf.CCRule) { r.URL = "/b"; r.LockTime = 600 })
	s := mustCompile(t, tab, a, b)
	for range 2 {
		s.Check(req("/a"), t0)
		s.Check(req("/b"), t0)
	}
	s2 := mustCompile(t, tab, a, b)
	run(t, s2, []call{
		{r: req("/a"), at: sec, rule: "a", action: "block", key: "198.51.100.7"},
		{r: req("/b"), at: sec, rule: "b", action: "block", key: "198.51.100.7"},
	})
	// Editing what a counts (its URL) keeps its counts.
	a2 := *a
	a2.URL = "/a2"
	// Editing b's limit resets b.
	b2 := *b
	b2.LimitNum = 5
	s3 := mustCompile(t, tab, &a2, &b2)
	run(t, s3, []call{
		{r: req("/a2"), at: 2 * sec, rule: "a", action: "block", key: "198.51.100.7"},
		{r: req("/b"), at: 2 * sec},
	})
}

func TestKeyBounded(t *testing.T) {
	long := strings.Repeat("a", 127) + "é" + strings.Repeat("b", 200)
	s := mustCompile(t, newTable(t, 100), ccRule("r", func(r *waf.CCRule) { r.TagType, r.TagIndex = "header", "X-K" }))
	s.Check(req("/", withHeader("X-K", long)), t0)
	v, _ := s.Check(req("/", withHeader("X-K", long)), t0)
	if v.Key != strings.Repeat("a", 127) {
		t.Fatalf("key %q (%d bytes), want the 127 bytes before the cut character", v.Key, len(v.Key))
	}
}

var netipZero netip.Addr
