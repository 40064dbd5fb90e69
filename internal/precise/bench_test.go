package precise

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// mixedPolicy returns n rules of the kinds a large policy holds, with
// priorities spread over 0..1000 and one rule in eight limited to a time
// window that contains epoch. Per 20 rules: 6 on an exact path (some with
// a method), 3 on a path prefix with a header, 2 on a client block
// (/16 to /32), 1 on a table of client blocks, 2 on a method with a path
// substring, 2 on a User-Agent substring, 1 on a header value, 1 on a
// numeric parameter and a path suffix, 1 on a cookie, 1 on a table of
// Referer substrings with the request length. Every kind offers the index
// a literal: exact path, client block, path segment, method, a 4-byte
// piece of a User-Agent or Referer needle, a header or cookie name and
// value, a parameter name.
func mixedPolicy(n int) ([]*waf.CustomRule, map[string]*waf.ValueList) {
	r := rand.New(rand.NewPCG(1000, 15))
	lists := map[string]*waf.ValueList{
		"nets":     {ID: "nets", Type: "ip", Values: []string{"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.20.0.0/16", "2001:db8::/48"}},
		"referers": {ID: "referers", Type: "referer", Values: []string{"evil.example", "spam.example", "casino.", "crypto-"}},
	}
	c := func(category, index, op string, contents ...string) waf.CustomCondition {
		return waf.CustomCondition{Category: category, Index: index, LogicOperation: op, Contents: contents}
	}
	actions := []string{"block", "block", "pass", "log"}
	rules := make([]*waf.CustomRule, n)
	for i := range rules {
		var conds []waf.CustomCondition
		switch i % 20 {
		case 0, 1, 2:
			conds = []waf.CustomCondition{c("url", "", "equal", fmt.Sprintf("/app/%d/settings", i))}
		case 3, 4, 5:
			conds = []waf.CustomCondition{c("url", "", "equal", fmt.Sprintf("/api/v1/items/%d", i)), c("method", "", "equal", "DELETE")}
		case 6, 7, 8:
			conds = []waf.CustomCondition{c("url", "", "prefix", fmt.Sprintf("/svc%d/", i)), c("header", "X-Tenant", "not_equal", "internal")}
		case 9, 10:
			conds = []waf.CustomCondition{c("ip", "", "equal", fmt.Sprintf("10.%d.%d.0/%d", i%250, i%7, 16+i%17)), c("url", "", "prefix", "/admin")}
		case 11:
			conds = []waf.CustomCondition{{Category: "ip", LogicOperation: "equal_any", ValueListID: "nets"}, c("url", "", "contain", fmt.Sprintf("export%d", i))}
		case 12, 13:
			conds = []waf.CustomCondition{c("method", "", "equal", "PUT"), c("url", "", "contain", fmt.Sprintf("admin%d", i))}
		case 14, 15:
			conds = []waf.CustomCondition{c("user-agent", "", "contain", fmt.Sprintf("scanner-%d", i))}
		case 16:
			conds = []waf.CustomCondition{c("header", "X-Api-Key", "equal", fmt.Sprintf("revoked-%d", i))}
		case 17:
			conds = []waf.CustomCondition{c("params", "id", "num_greater", fmt.Sprint(100000+i)), c("url", "", "suffix", ".php")}
		case 18:
			conds = []waf.CustomCondition{c("cookie", "session", "equal", fmt.Sprintf("stolen-%d", i))}
		case 19:
			conds = []waf.CustomCondition{{Category: "referer", LogicOperation: "contain_any", ValueListID: "referers"}, c("request", "", "len_greater", fmt.Sprint(4000+i))}
		}
		rl := &waf.CustomRule{ID: fmt.Sprintf("rule%04d", i), Status: 1, Priority: r.IntN(1001), CreatedAt: epoch,
			Conditions: conds, Action: waf.CustomAction{Category: actions[r.IntN(len(actions))]}}
		if i%8 == 0 {
			rl.Time, rl.Start, rl.Terminal = true, epoch.Unix()-3600, epoch.Unix()+3600
		}
		rules[i] = rl
	}
	return rules, lists
}

// browsingRequest is an ordinary browser GET that no rule of mixedPolicy
// decides.
func browsingRequest() *inspect.Request {
	return &inspect.Request{
		Host: "www.example.com", Client: netip.MustParseAddr("10.3.4.5"),
		Method: "GET", Path: "/app/7/profile", RawQuery: "tab=orders&page=2",
		Params:  []inspect.Pair{{Name: "tab", Value: "orders"}, {Name: "page", Value: "2"}},
		Cookies: []inspect.Pair{{Name: "session", Value: "9f86d081884c7d659a2feaa0c55ad015"}, {Name: "theme", Value: "dark"}},
		Headers: []inspect.Pair{
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
			{Name: "Accept", Value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
			{Name: "Accept-Language", Value: "en-US,en;q=0.5"},
			{Name: "Referer", Value: "https://www.example.com/app/7/"},
			{Name: "X-Tenant", Value: "blue"},
		},
	}
}

// decidedRequest is decided by an exact-path rule of mixedPolicy.
func decidedRequest() *inspect.Request {
	req := browsingRequest()
	req.Path = "/app/500/settings"
	return req
}

func TestMatchDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	s, errs := Compile(mixedPolicy(1000))
	if errs != nil {
		t.Fatal(errs)
	}
	for name, req := range map[string]*inspect.Request{"browsing": browsingRequest(), "decided": decidedRequest()} {
		if n := testing.AllocsPerRun(100, func() { s.Match(req, epoch) }); n != 0 {
			t.Errorf("%s: %.1f allocations per match, want 0", name, n)
		}
	}
}

// TestMixedPolicy checks the benchmark's requests do what the benchmark
// says, with the index and without.
func TestMixedPolicy(t *testing.T) {
	t.Parallel()
	rules, lists := mixedPolicy(1000)
	s, errs := Compile(rules, lists)
	if errs != nil {
		t.Fatal(errs)
	}
	for _, tc := range []struct {
		req     *inspect.Request
		decided string
	}{{browsingRequest(), ""}, {decidedRequest(), "rule0500"}} {
		got, linear, want := s.Match(tc.req, epoch), s.matchLinear(tc.req, epoch), naiveMatch(rules, lists, tc.req, epoch)
		if got != want || linear != want || got.Decided.RuleID != tc.decided {
			t.Errorf("%s: indexed %+v, linear %+v, reference %+v; want decided %q", tc.req.Path, got, linear, want, tc.decided)
		}
	}
}

// BenchmarkPrecise1000 matches one request against a policy of 1,000
// rules: compiled is Match (the index), linear every rule in order, both
// over the same compiled rules.
func BenchmarkPrecise1000(b *testing.B) {
	benchPrecise1000(b, func(b *testing.B, fn func()) {
		b.ReportAllocs()
		for b.Loop() {
			fn()
		}
	})
}

// BenchmarkPrecise1000Median is BenchmarkPrecise1000 with every call
// timed on its own: p50-ns and p90-ns are the median and 90th percentile
// of the last 65,536 calls less clock-ns, the median cost of reading the
// clock twice (ns/op is the mean and includes it).
func BenchmarkPrecise1000Median(b *testing.B) {
	benchPrecise1000(b, timed)
}

func benchPrecise1000(b *testing.B, loop func(*testing.B, func())) {
	s, errs := Compile(mixedPolicy(1000))
	if errs != nil {
		b.Fatal(errs)
	}
	negated, errs := Compile(negatedPolicy(1000))
	if errs != nil {
		b.Fatal(errs)
	}
	for _, rq := range []struct {
		name string
		set  *Set
		req  *inspect.Request
	}{{"browsing", s, browsingRequest()}, {"decided", s, decidedRequest()}, {"unindexed", negated, browsingRequest()}} {
		b.Run("compiled/"+rq.name, func(b *testing.B) {
			loop(b, func() { rq.set.Match(rq.req, epoch) })
		})
		b.Run("linear/"+rq.name, func(b *testing.B) {
			loop(b, func() { rq.set.matchLinear(rq.req, epoch) })
		})
	}
}

// negatedPolicy is the index's worst case: n rules whose conditions are
// all negations or lengths, which hold on a request without any literal,
// so every rule is tried. None of them holds on browsingRequest.
func negatedPolicy(n int) ([]*waf.CustomRule, map[string]*waf.ValueList) {
	rules := make([]*waf.CustomRule, n)
	for i := range rules {
		rules[i] = &waf.CustomRule{ID: fmt.Sprintf("neg%04d", i), Status: 1, Priority: i % 1001, CreatedAt: epoch,
			Action: waf.CustomAction{Category: "block"}, Conditions: []waf.CustomCondition{
				{Category: "url", LogicOperation: "not_prefix", Contents: []string{fmt.Sprintf("/app%d/", i)}},
				{Category: "header", Index: "X-Tenant", LogicOperation: "not_equal", Contents: []string{"blue"}},
			}}
	}
	return rules, nil
}

// timed runs fn b.N times, timing every call, and reports the median and
// 90th percentile of the last 65,536 calls less the clock's own median
// cost.
func timed(b *testing.B, fn func()) {
	const keep = 1 << 16
	samples := make([]time.Duration, 0, keep)
	clock := make([]time.Duration, 0, 1024)
	for range 1024 {
		t0 := time.Now()
		clock = append(clock, time.Since(t0))
	}
	slices.Sort(clock)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		t0 := time.Now()
		fn()
		d := time.Since(t0)
		if len(samples) < keep {
			samples = append(samples, d)
		} else {
			samples[i%keep] = d
		}
		i++
	}
	slices.Sort(samples)
	floor := clock[len(clock)/2]
	b.ReportMetric(float64(samples[len(samples)/2]-floor), "p50-ns")
	b.ReportMetric(float64(samples[len(samples)*9/10]-floor), "p90-ns")
	b.ReportMetric(float64(floor), "clock-ns")
}

// BenchmarkCompile1000 compiles the policy of BenchmarkPrecise1000.
func BenchmarkCompile1000(b *testing.B) {
	rules, lists := mixedPolicy(1000)
	b.ReportAllocs()
	for b.Loop() {
		Compile(rules, lists)
	}
}

// TestLongFieldsKeepTheIndex checks that long fields no rule compares with
// (a big cookie, a long Accept header) do not make a request fall back to
// the linear walk.
func TestLongFieldsKeepTheIndex(t *testing.T) {
	t.Parallel()
	s, errs := Compile(mixedPolicy(1000))
	if errs != nil {
		t.Fatal(errs)
	}
	req := browsingRequest()
	req.Cookies = append(req.Cookies, inspect.Pair{Name: "tracking", Value: strings.Repeat("a", 4000)})
	req.Cookies[0].Value = strings.Repeat("s", 3000) // session: named by rules, longer than their values
	req.Headers = append(req.Headers, inspect.Pair{Name: "X-Long", Value: strings.Repeat("b", 1500)})
	var lists [maxLists][]int32
	if _, ok := s.idx.candidates(req, &lists); !ok {
		t.Fatal("a request with long fields no rule compares with falls back to the linear walk")
	}
}
