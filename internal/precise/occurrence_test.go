package precise

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// TestRepeatedFieldsSelectTheRule checks that a rule on a named field
// decides when a later occurrence of the field carries what it looks for,
// through the index (which must select the rule) as through the linear
// walk: ?id=ok&id=evil does not evade a block rule on id.
func TestRepeatedFieldsSelectTheRule(t *testing.T) {
	t.Parallel()
	block := func(category, index, op, content string) *waf.CustomRule {
		return &waf.CustomRule{ID: "block", Status: 1, Priority: 5, Action: waf.CustomAction{Category: "block"},
			Conditions: []waf.CustomCondition{{Category: category, Index: index, LogicOperation: op, Contents: []string{content}}}}
	}
	// Rules the index files under other fields and values, so that the
	// request selects only some lists.
	var others []*waf.CustomRule
	for _, v := range []string{"a", "b", "c"} {
		others = append(others, &waf.CustomRule{ID: "other-" + v, Status: 1, Priority: 1, Action: waf.CustomAction{Category: "block"},
			Conditions: []waf.CustomCondition{{Category: "params", Index: "id", LogicOperation: "equal", Contents: []string{v}}}},
			&waf.CustomRule{ID: "path-" + v, Status: 1, Priority: 1, Action: waf.CustomAction{Category: "pass"},
				Conditions: []waf.CustomCondition{{Category: "url", LogicOperation: "equal", Contents: []string{"/" + v}}}})
	}
	for _, tc := range []struct {
		name string
		rule *waf.CustomRule
		req  inspect.Request
	}{
		{"?id=ok&id=evil: params contain (raw query)", block("params", "id", "contain", "evil"),
			inspect.Request{RawQuery: "id=ok&id=evil"}},
		{"?id=ok&id=evil: params equal (raw query)", block("params", "id", "equal", "evil"),
			inspect.Request{RawQuery: "id=ok&id=ev%69l"}},
		{"?id=ok&id=evil: params equal (parsed)", block("params", "id", "equal", "evil"),
			inspect.Request{RawQuery: "x", Params: []inspect.Pair{{Name: "id", Value: "ok"}, {Name: "id", Value: "evil"}}}},
		{"?id=ok&id=evil: params not_equal ok", block("params", "id", "not_equal", "ok"),
			inspect.Request{RawQuery: "id=ok&id=evil"}},
		{"Cookie: a=1; a=2: cookie equal 2", block("cookie", "a", "equal", "2"),
			inspect.Request{Cookies: []inspect.Pair{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}}}},
		{"two headers: header equal", block("header", "X-Token", "equal", "evil"),
			inspect.Request{Headers: []inspect.Pair{{Name: "X-Token", Value: "ok"}, {Name: "x-token", Value: "evil"}}}},
		{"two headers: header prefix", block("header", "x-token", "prefix", "ev"),
			inspect.Request{Headers: []inspect.Pair{{Name: "x-token", Value: "ok"}, {Name: "X-TOKEN", Value: "evil"}}}},
	} {
		s, errs := Compile(append([]*waf.CustomRule{tc.rule}, others...), nil)
		if errs != nil {
			t.Fatal(errs)
		}
		req := tc.req
		req.Method, req.Path = "GET", "/item"
		var lists [maxLists][]int32
		if _, ok := s.idx.candidates(&req, &lists); !ok {
			t.Fatalf("%s: the request falls back to the linear walk", tc.name)
		}
		if got := s.Match(&req, epoch); got.Decided.RuleID != "block" {
			t.Errorf("%s: indexed %+v, want the block rule", tc.name, got)
		}
		if got := s.matchLinear(&req, epoch); got.Decided.RuleID != "block" {
			t.Errorf("%s: linear %+v, want the block rule", tc.name, got)
		}
	}
}

// TestRepeatedFieldsDoNotPass checks that a pass rule, which lets a
// request skip CC and basic web protection, holds on a repeated field only
// when every occurrence satisfies it: ?id=ok&id=evil is not passed by
// "id equal ok", and the block rule behind it decides.
func TestRepeatedFieldsDoNotPass(t *testing.T) {
	t.Parallel()
	rule := func(id, action string, priority int, c waf.CustomCondition) *waf.CustomRule {
		return &waf.CustomRule{ID: id, Status: 1, Priority: priority, Action: waf.CustomAction{Category: action},
			Conditions: []waf.CustomCondition{c}}
	}
	block := rule("block", "block", 5, waf.CustomCondition{Category: "params", Index: "id", LogicOperation: "contain", Contents: []string{"evil"}})
	for _, tc := range []struct {
		name string
		pass waf.CustomCondition
		req  inspect.Request
		want string
	}{
		{"?id=ok&id=evil: pass id equal ok", waf.CustomCondition{Category: "params", Index: "id", LogicOperation: "equal", Contents: []string{"ok"}},
			inspect.Request{RawQuery: "id=ok&id=evil"}, "block"},
		{"?id=evil&id=ok: pass id equal ok", waf.CustomCondition{Category: "params", Index: "id", LogicOperation: "equal", Contents: []string{"ok"}},
			inspect.Request{RawQuery: "id=evil&id=ok"}, "block"},
		{"?id=ok&id=ok: pass id equal ok", waf.CustomCondition{Category: "params", Index: "id", LogicOperation: "equal", Contents: []string{"ok"}},
			inspect.Request{RawQuery: "id=ok&id=ok"}, "pass"},
		{"?id=x&id=evil: pass id not_contain evil", waf.CustomCondition{Category: "params", Index: "id", LogicOperation: "not_contain", Contents: []string{"evil"}},
			inspect.Request{RawQuery: "id=x&id=evil"}, "block"},
		{"two headers: pass x-token equal ok", waf.CustomCondition{Category: "header", Index: "X-Token", LogicOperation: "equal", Contents: []string{"ok"}},
			inspect.Request{RawQuery: "id=evil", Headers: []inspect.Pair{{Name: "X-Token", Value: "ok"}, {Name: "x-token", Value: "other"}}}, "block"},
		{"Cookie: a=1; a=2: pass a equal 1", waf.CustomCondition{Category: "cookie", Index: "a", LogicOperation: "equal", Contents: []string{"1"}},
			inspect.Request{RawQuery: "id=evil", Cookies: []inspect.Pair{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}}}, "block"},
	} {
		s, errs := Compile([]*waf.CustomRule{rule("pass", "pass", 1, tc.pass), block}, nil)
		if errs != nil {
			t.Fatal(errs)
		}
		req := tc.req
		req.Method, req.Path = "GET", "/item"
		if got := s.Match(&req, epoch); got.Decided.RuleID != tc.want {
			t.Errorf("%s: indexed %+v, want %s", tc.name, got, tc.want)
		}
		if got := s.matchLinear(&req, epoch); got.Decided.RuleID != tc.want {
			t.Errorf("%s: linear %+v, want %s", tc.name, got, tc.want)
		}
	}
}
