package precise

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/condition/conditiontest"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

var epoch = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// naiveMatch is the reference model of Match: sort the enabled rules,
// evaluate every condition from the stored model (a repeated field on any
// occurrence, on every occurrence for pass rules), note the first log rule
// and stop at the first block or pass rule.
func naiveMatch(rules []*waf.CustomRule, lists map[string]*waf.ValueList, req *inspect.Request, now time.Time) Result {
	var enabled []*waf.CustomRule
	for _, r := range rules {
		if r.Status == 1 {
			enabled = append(enabled, r)
		}
	}
	slices.SortFunc(enabled, func(a, b *waf.CustomRule) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	var res Result
	for _, r := range enabled {
		if r.Time && (r.Start != 0 && now.Unix() < r.Start || r.Terminal != 0 && now.Unix() >= r.Terminal) {
			continue
		}
		holds := true
		for _, c := range r.Conditions {
			if r.Action.Category == "pass" {
				holds = holds && conditiontest.HoldsEvery(c, lists, req)
			} else {
				holds = holds && conditiontest.Holds(c, lists, req)
			}
		}
		if !holds {
			continue
		}
		hit := Hit{RuleID: r.ID, Action: r.Action.Category, FollowedActionID: r.Action.FollowedActionID}
		if r.Action.Category == "log" {
			if res.Logged.RuleID == "" {
				res.Logged = hit
			}
			continue
		}
		res.Decided = hit
		break
	}
	return res
}

// randomRules returns n random enabled or disabled rules of 1 to 3
// conditions, many of them on the literals the index files rules under.
func randomRules(r *rand.Rand, n int) []*waf.CustomRule {
	actions := []string{"block", "pass", "log", "log"}
	rules := make([]*waf.CustomRule, n)
	for i := range rules {
		conds := make([]waf.CustomCondition, 1+r.IntN(3))
		for j := range conds {
			conds[j] = conditiontest.Condition(r)
		}
		rl := &waf.CustomRule{ID: fmt.Sprintf("r%03d", i), Status: 1, Priority: r.IntN(5),
			CreatedAt: epoch.Add(time.Duration(r.IntN(3)) * time.Second), Conditions: conds,
			Action: waf.CustomAction{Category: actions[r.IntN(len(actions))]}}
		if r.IntN(8) == 0 {
			rl.Status = 0
		}
		if r.IntN(4) == 0 {
			rl.Time = true
			if r.IntN(2) == 0 {
				rl.Start = epoch.Unix() + int64(r.IntN(200)-100)
			}
			if r.IntN(2) == 0 {
				rl.Terminal = epoch.Unix() + int64(r.IntN(200)+1)
			}
		}
		rules[i] = rl
	}
	return rules
}

// TestAgreesWithReferenceModel compiles random policies and checks Match
// (indexed) and matchLinear against the naive evaluator on random
// requests and times.
func TestAgreesWithReferenceModel(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 2))
	decided, logged := 0, 0
	const policies = 1500
	for i := range policies {
		lists := conditiontest.Lists(r)
		rules := randomRules(r, 1+r.IntN(12))
		s, errs := Compile(rules, lists)
		if errs != nil {
			t.Fatalf("policy %d: %v", i, errs)
		}
		for range 6 {
			req := conditiontest.Request(r)
			now := epoch.Add(time.Duration(r.IntN(300)-100) * time.Second)
			want := naiveMatch(rules, lists, req, now)
			if got := s.Match(req, now); got != want {
				t.Fatalf("policy %d: indexed %+v, reference %+v\nrequest %+v", i, got, want, req)
			}
			if got := s.matchLinear(req, now); got != want {
				t.Fatalf("policy %d: linear %+v, reference %+v", i, got, want)
			}
			if want.Decided.RuleID != "" {
				decided++
			}
			if want.Logged.RuleID != "" {
				logged++
			}
		}
	}
	if decided < policies/2 || logged < policies/2 || decided > policies*5 {
		t.Fatalf("%d decided and %d logged of %d: the comparison says little", decided, logged, policies*6)
	}
}

// FuzzIndex files one rule of an arbitrary condition and matches it on an
// arbitrary request, whose header and cookie occur twice: the indexed walk
// never panics and agrees with the linear one.
func FuzzIndex(f *testing.F) {
	f.Add("url", "", "contain", "admin", "/x/admin/y", "GET", "User-Agent", "curl/8", "10.1.2.3")
	f.Add("user-agent", "", "contain", "sqlmap", "/", "POST", "user-agent", "xsqlmapx", "::1")
	f.Add("header", "X-Key", "equal", "v", "/", "GET", "x-key", "v", "")
	f.Add("params", "id", "num_greater", "3", "/?", "GET", "", "", "")
	f.Add("ip", "", "equal", "10.1.0.0/16", "/", "GET", "", "", "10.1.200.1")
	f.Add("url", "", "prefix", "/api/v1", "/api/v1/x", "GET", "", "", "")
	f.Fuzz(func(t *testing.T, category, index, op, content, path, method, hname, hvalue, client string) {
		c := waf.CustomCondition{Category: category, Index: index, LogicOperation: op, Contents: []string{content}}
		rules := []*waf.CustomRule{{ID: "r", Status: 1, Conditions: []waf.CustomCondition{c}, Action: waf.CustomAction{Category: "block"}}}
		s, _ := Compile(rules, nil)
		req := &inspect.Request{Method: method, Path: path, RawQuery: "id=" + hvalue + "&" + hname + "=" + content,
			Headers: []inspect.Pair{{Name: hname, Value: hvalue}, {Name: "Referer", Value: content}, {Name: hname, Value: content}},
			Cookies: []inspect.Pair{{Name: index, Value: hvalue}, {Name: index, Value: content}}}
		if a, err := netip.ParseAddr(client); err == nil {
			req.Client = a
		}
		if got, want := s.Match(req, epoch), s.matchLinear(req, epoch); got != want {
			t.Fatalf("%+v on %+v: indexed %+v, linear %+v", c, req, got, want)
		}
	})
}
