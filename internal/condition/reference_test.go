package condition_test

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/condition/conditiontest"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// naiveMatch is the reference model: every condition interpreted from the
// stored model.
func naiveMatch(conds []waf.CustomCondition, lists map[string]*waf.ValueList, req *inspect.Request) bool {
	for _, c := range conds {
		if !conditiontest.Holds(c, lists, req) {
			return false
		}
	}
	return true
}

// TestAgreesWithReferenceModel compiles random condition sets and checks
// them against the naive evaluator on random requests.
func TestAgreesWithReferenceModel(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 1))
	matched := 0
	const sets = 20000
	for i := range sets {
		lists := conditiontest.Lists(r)
		conds := make([]waf.CustomCondition, 1+r.IntN(3))
		for j := range conds {
			conds[j] = conditiontest.Condition(r)
		}
		s, err := condition.Compile(conds, lists)
		if err != nil {
			t.Fatalf("set %d %+v: %v", i, conds, err)
		}
		for range 4 {
			req := conditiontest.Request(r)
			got, want := s.Match(req), naiveMatch(conds, lists, req)
			if got != want {
				t.Fatalf("set %d %+v\nlists %s\nrequest %+v\ncompiled %v, reference %v", i, conds, describe(lists), req, got, want)
			}
			if got {
				matched++
			}
		}
	}
	// Both outcomes must be common, or the comparison says little.
	if matched < sets/10 || matched > sets*4-sets/10 {
		t.Fatalf("%d of %d comparisons matched", matched, sets*4)
	}
}

// TestIgnoreAgreesWithReferenceModel compiles random conditions on named
// fields (params, cookie, header: the other categories read one value,
// the same way for both kinds of rule) as those of an ignore rule and
// checks them against the every-occurrence reading of the naive
// evaluator. It also counts the requests on which that
// reading and the any-occurrence one of rules differ: repeated fields must
// be common in the random requests, or neither comparison says much about
// them.
func TestIgnoreAgreesWithReferenceModel(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 3))
	const conds = 20000
	matched, differ, compared := 0, 0, 0
	for i := range conds {
		c := conditiontest.Condition(r)
		if c.ValueListID != "" || c.Category != "params" && c.Category != "cookie" && c.Category != "header" {
			continue // ignore rules read no reference table; named fields only
		}
		s, err := condition.CompileIgnore([]waf.IgnoreCondition{ignoreOf(c)})
		if err != nil {
			t.Fatalf("condition %d %+v: %v", i, c, err)
		}
		for range 4 {
			req := conditiontest.Request(r)
			got, want := s.Match(req), conditiontest.HoldsEvery(c, nil, req)
			if got != want {
				t.Fatalf("condition %d %+v\nrequest %+v\ncompiled %v, reference %v", i, c, req, got, want)
			}
			compared++
			if got {
				matched++
			}
			if want != conditiontest.Holds(c, nil, req) {
				differ++
			}
		}
	}
	if matched < compared/10 || matched > compared-compared/10 {
		t.Fatalf("%d of %d comparisons matched", matched, compared)
	}
	if differ < compared/100 {
		t.Fatalf("the two readings of a repeated field differ on %d of %d requests", differ, compared)
	}
}

// ignoreOf is c as an ignore rule's condition.
func ignoreOf(c waf.CustomCondition) waf.IgnoreCondition {
	return waf.IgnoreCondition{Category: c.Category, Index: c.Index, LogicOperation: c.LogicOperation, Contents: c.Contents}
}

func describe(lists map[string]*waf.ValueList) string {
	var b strings.Builder
	for id, l := range lists {
		b.WriteString(id + "=" + strings.Join(l.Values, "|") + " ")
	}
	return b.String()
}

// FuzzCondition compiles one arbitrary condition and matches it on an
// arbitrary request whose header and cookie occur twice: it never panics
// and, when the condition compiles, agrees with the reference model, as a
// rule's condition, a pass rule's and, without a reference table, an
// ignore rule's.
func FuzzCondition(f *testing.F) {
	f.Add("url", "", "prefix", "/api/", "", "/api/search", "q=1", "X-Key", "v", "10.0.0.1")
	f.Add("header", "x-key", "equal", "v", "", "/", "", "X-Key", "v", "::1")
	f.Add("params", "q", "num_greater", "5", "", "/", "q=%37&q=1", "", "", "")
	f.Add("params", "id", "contain", "evil", "", "/", "id=ok&id=evil", "", "", "")
	f.Add("params", "id", "not_equal", "ok", "", "/", "id=ok&id=%6Fk", "", "", "")
	f.Add("cookie", "c", "equal", "1", "", "/", "", "", "1", "")
	f.Add("header", "X-Token", "not_contain", "ok", "", "/", "", "x-token", "ok", "")
	f.Add("ip", "", "equal_any", "", "10.0.0.0/8", "/", "", "", "", "10.1.2.3")
	f.Add("ipv6", "", "not_equal", "2001:db8::/32", "", "/", "", "", "", "::ffff:1.2.3.4")
	f.Add("request", "", "len_greater", "20", "", "/x", "a=b", "User-Agent", "curl", "")
	f.Add("cookie", "c", "suffix_any", "", "x", "/", "", "", "", "")
	f.Add("request_line", "", "len_equal", "16", "", "/", "", "", "", "")
	f.Fuzz(func(t *testing.T, category, index, op, content, listValue, path, rawQuery, hname, hvalue, client string) {
		if category == "request_body" { // ignore rules only; the reference model reads the custom-rule categories
			return
		}
		c := waf.CustomCondition{Category: category, Index: index, LogicOperation: op}
		if content != "" {
			c.Contents = []string{content}
		}
		typ := category
		if typ == "ipv6" {
			typ = "ip"
		}
		lists := map[string]*waf.ValueList{"t": {ID: "t", Type: typ, Values: []string{listValue, content}}}
		if strings.HasSuffix(op, "_any") || strings.HasSuffix(op, "_all") {
			c.ValueListID, c.Contents = "t", nil
		}
		req := &inspect.Request{Host: "h", Method: "GET", Path: path, RawQuery: rawQuery,
			Headers: []inspect.Pair{{Name: hname, Value: hvalue}, {Name: hname, Value: content}},
			Cookies: []inspect.Pair{{Name: "c", Value: hvalue}, {Name: "c", Value: content}}}
		if a, err := netip.ParseAddr(client); err == nil {
			req.Client = a
		}
		s, err := condition.Compile([]waf.CustomCondition{c}, lists)
		if err != nil {
			if s != nil {
				t.Fatal("a set with an error")
			}
			return
		}
		if got, want := s.Match(req), conditiontest.Holds(c, lists, req); got != want {
			t.Fatalf("%+v on %+v: compiled %v, reference %v", c, req, got, want)
		}
		pass, err := condition.CompilePass([]waf.CustomCondition{c}, lists)
		if err != nil {
			t.Fatalf("%+v compiles for a rule, not for a pass rule: %v", c, err)
		}
		if got, want := pass.Match(req), conditiontest.HoldsEvery(c, lists, req); got != want {
			t.Fatalf("pass %+v on %+v: compiled %v, reference %v", c, req, got, want)
		}
		if c.ValueListID != "" {
			return
		}
		mask, err := condition.CompileIgnore([]waf.IgnoreCondition{ignoreOf(c)})
		if err != nil {
			t.Fatalf("%+v compiles for a rule, not for an ignore rule: %v", c, err)
		}
		if got, want := mask.Match(req), conditiontest.HoldsEvery(c, lists, req); got != want {
			t.Fatalf("ignore %+v on %+v: compiled %v, reference %v", c, req, got, want)
		}
	})
}
