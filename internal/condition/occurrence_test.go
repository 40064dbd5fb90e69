package condition_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// repeated is a request whose parameter id, cookie a and header X-Token
// each occur twice with different values; the parameters come from the
// raw query (parsed) or from Params.
func repeated(query string, parsed bool) *inspect.Request {
	req := &inspect.Request{Method: "GET", Path: "/item", RawQuery: query,
		Cookies: []inspect.Pair{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}},
		Headers: []inspect.Pair{{Name: "X-Token", Value: "ok"}, {Name: "x-token", Value: "evil"}}}
	if parsed {
		condition.EachField(req, condition.Params, func(name, value string) bool {
			req.Params = append(req.Params, inspect.Pair{Name: name, Value: value})
			return true
		})
	}
	return req
}

// TestRepeatedFieldsInRules: for precise-protection and CC rules a
// condition on a named field holds when one occurrence satisfies it, so
// that repeating a field never hides a value from a rule.
func TestRepeatedFieldsInRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		c     waf.CustomCondition
		want  bool
	}{
		{"?id=ok&id=evil: contain evil", "id=ok&id=evil", cond("params", "id", "contain", "evil"), true},
		{"?id=evil&id=ok: contain evil", "id=evil&id=ok", cond("params", "id", "contain", "evil"), true},
		{"?id=ok&id=evil: equal evil", "id=ok&id=evil", cond("params", "id", "equal", "evil"), true},
		{"?id=ok&id=ok: contain evil", "id=ok&id=ok", cond("params", "id", "contain", "evil"), false},
		{"?id=ok&id=evil: equal_any", "id=ok&id=evil", fieldTable("params", "id", "equal_any", "bad"), true},
		{"?id=ok&id=evil: prefix ev", "id=ok&id=evil", cond("params", "id", "prefix", "ev"), true},
		{"?id=ok&id=evil: len_greater 3", "id=ok&id=evil", cond("params", "id", "len_greater", "3"), true},
		{"?id=ok&id=7: num_greater 5", "id=ok&id=7", cond("params", "id", "num_greater", "5"), true},
		{"?id=1&id=%65vil: decoded occurrences", "id=1&id=%65vil", cond("params", "id", "equal", "evil"), true},
		// negated operations: one occurrence that satisfies the negation is enough
		{"?id=evil&id=ok: not_contain evil", "id=evil&id=ok", cond("params", "id", "not_contain", "evil"), true},
		{"?id=evil&id=xevil: not_contain evil", "id=evil&id=xevil", cond("params", "id", "not_contain", "evil"), false},
		{"?id=ok&id=evil: not_equal ok", "id=ok&id=evil", cond("params", "id", "not_equal", "ok"), true},
		{"?id=ok&id=evil: not_equal_all", "id=evil&id=ok", fieldTable("params", "id", "not_equal_all", "bad"), true},
		{"?id=evil&id=evil: not_equal_all", "id=evil&id=evil", fieldTable("params", "id", "not_equal_all", "bad"), false},
		{"?id=5&id=6: num_not_equal 5", "id=5&id=6", cond("params", "id", "num_not_equal", "5"), true},
		{"?id=5&id=x: num_not_equal 5", "id=5&id=x", cond("params", "id", "num_not_equal", "5"), false},
		{"?id=ok&id=evil: not_exist", "id=ok&id=evil", cond("params", "id", "not_exist"), false},
		{"?id=ok&id=evil: exist", "id=ok&id=evil", cond("params", "id", "exist"), true},
		// an absent field behaves as before
		{"no id: contain", "q=evil", cond("params", "id", "contain", "evil"), false},
		{"no id: not_contain", "q=evil", cond("params", "id", "not_contain", "evil"), true},
		// Cookie: a=1; a=2
		{"cookie a=1; a=2: equal 2", "", cond("cookie", "a", "equal", "2"), true},
		{"cookie a=1; a=2: equal 1", "", cond("cookie", "a", "equal", "1"), true},
		{"cookie a=1; a=2: equal 3", "", cond("cookie", "a", "equal", "3"), false},
		{"cookie a=1; a=2: not_equal 1", "", cond("cookie", "a", "not_equal", "1"), true},
		{"cookie a=1; a=2: num_less 2", "", cond("cookie", "a", "num_less", "2"), true},
		// two headers of the same name, in different case
		{"two X-Token headers: equal evil", "", cond("header", "X-TOKEN", "equal", "evil"), true},
		{"two X-Token headers: contain ok", "", cond("header", "x-token", "contain", "ok"), true},
		{"two X-Token headers: not_contain ok", "", cond("header", "x-token", "not_contain", "ok"), true},
		{"two X-Token headers: not_suffix k", "", cond("header", "x-token", "not_suffix", "k"), true},
		{"two X-Token headers: not_equal_all", "", fieldTable("header", "x-token", "not_equal_all", "tokens"), false},
	} {
		for _, parsed := range []bool{false, true} {
			s, err := condition.Compile([]waf.CustomCondition{tc.c}, occurrenceLists)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := s.Match(repeated(tc.query, parsed)); got != tc.want {
				t.Errorf("%s (params parsed %v): %v, want %v", tc.name, parsed, got, tc.want)
			}
		}
	}
}

var occurrenceLists = map[string]*waf.ValueList{
	"bad":    {ID: "bad", Type: "params", Values: []string{"evil", "worse"}},
	"tokens": {ID: "tokens", Type: "header", Values: []string{"ok", "evil"}},
}

// TestRepeatedFieldsInPassRules: a precise-protection pass rule lets a
// request skip the other checks, so CompilePass reads a repeated field as
// masks do: every occurrence must satisfy the condition.
func TestRepeatedFieldsInPassRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		c     waf.CustomCondition
		want  bool
	}{
		{"?id=ok&id=evil: equal ok", "id=ok&id=evil", cond("params", "id", "equal", "ok"), false},
		{"?id=ok&id=ok: equal ok", "id=ok&id=ok", cond("params", "id", "equal", "ok"), true},
		{"?id=ok&id=evil: not_equal_all", "id=ok&id=evil", fieldTable("params", "id", "not_equal_all", "bad"), false},
		{"?id=ok&id=fine: not_equal_all", "id=ok&id=fine", fieldTable("params", "id", "not_equal_all", "bad"), true},
		{"?id=evil&id=worse: equal_any", "id=evil&id=worse", fieldTable("params", "id", "equal_any", "bad"), true},
		{"no id: not_contain evil", "q=evil", cond("params", "id", "not_contain", "evil"), true},
		{"no id: equal ok", "q=ok", cond("params", "id", "equal", "ok"), false},
		{"cookie a=1; a=2: equal 1", "", cond("cookie", "a", "equal", "1"), false},
		{"two X-Token headers: equal ok", "", cond("header", "x-token", "equal", "ok"), false},
		{"two X-Token headers: len_less 5", "", cond("header", "x-token", "len_less", "5"), true},
	} {
		for _, parsed := range []bool{false, true} {
			s, err := condition.CompilePass([]waf.CustomCondition{tc.c}, occurrenceLists)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := s.Match(repeated(tc.query, parsed)); got != tc.want {
				t.Errorf("%s (params parsed %v): %v, want %v", tc.name, parsed, got, tc.want)
			}
		}
	}
}

func ignoreCond(category, index, op string, contents ...string) waf.IgnoreCondition {
	return waf.IgnoreCondition{Category: category, Index: index, LogicOperation: op, Contents: contents}
}

// TestRepeatedFieldsInMasks: a false-alarm mask lets requests through, so
// its condition on a named field holds only when every occurrence
// satisfies it; one occurrence that does not keeps the detection.
func TestRepeatedFieldsInMasks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		c     waf.IgnoreCondition
		want  bool
	}{
		{"?id=safe&id=<attack>: equal safe", "id=safe&id=%3Cscript%3Ealert(1)%3C/script%3E", ignoreCond("params", "id", "equal", "safe"), false},
		{"?id=<attack>&id=safe: equal safe", "id=%27+or+1=1--&id=safe", ignoreCond("params", "id", "equal", "safe"), false},
		{"?id=safe&id=safe: equal safe", "id=safe&id=safe", ignoreCond("params", "id", "equal", "safe"), true},
		{"?id=safe: equal safe", "id=safe", ignoreCond("params", "id", "equal", "safe"), true},
		{"no id: equal safe", "q=safe", ignoreCond("params", "id", "equal", "safe"), false},
		{"?id=safe&id=<attack>: prefix sa", "id=safe&id=%3Cscript%3E", ignoreCond("params", "id", "prefix", "sa"), false},
		{"?id=12&id=<attack>: regular_match digits", "id=12&id=1%27--", ignoreCond("params", "id", "regular_match", `^[0-9]+$`), false},
		{"?id=12&id=34: regular_match digits", "id=12&id=34", ignoreCond("params", "id", "regular_match", `^[0-9]+$`), true},
		{"?id=1&id=99999: num_less 100", "id=1&id=99999", ignoreCond("params", "id", "num_less", "100"), false},
		{"?id=ok&id=longer: len_less 4", "id=ok&id=longer", ignoreCond("params", "id", "len_less", "4"), false},
		// negated operations: every occurrence must satisfy the negation
		{"?id=ok&id=<script>: not_contain <script>", "id=ok&id=%3Cscript%3E", ignoreCond("params", "id", "not_contain", "<script>"), false},
		{"?id=ok&id=fine: not_contain <script>", "id=ok&id=fine", ignoreCond("params", "id", "not_contain", "<script>"), true},
		{"?id=a&id=b: regular_not_match <", "id=a&id=%3C", ignoreCond("params", "id", "regular_not_match", "<"), false},
		{"no id: not_contain <script>", "q=1", ignoreCond("params", "id", "not_contain", "<script>"), true},
		{"?id=a&id=b: not_exist", "id=a&id=b", ignoreCond("params", "id", "not_exist"), false},
		{"?id=a&id=b: exist", "id=a&id=b", ignoreCond("params", "id", "exist"), true},
		// Cookie: a=1; a=2
		{"cookie a=1; a=2: equal 1", "", ignoreCond("cookie", "a", "equal", "1"), false},
		{"cookie a=1; a=2: num_less 3", "", ignoreCond("cookie", "a", "num_less", "3"), true},
		// two headers of the same name, in different case
		{"two X-Token headers: equal ok", "", ignoreCond("header", "x-token", "equal", "ok"), false},
		{"two X-Token headers: len_less 5", "", ignoreCond("header", "X-Token", "len_less", "5"), true},
		{"two X-Token headers: not_equal evil", "", ignoreCond("header", "X-Token", "not_equal", "evil"), false},
	} {
		for _, parsed := range []bool{false, true} {
			s, err := condition.CompileIgnore([]waf.IgnoreCondition{tc.c})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := s.Match(repeated(tc.query, parsed)); got != tc.want {
				t.Errorf("%s (params parsed %v): %v, want %v", tc.name, parsed, got, tc.want)
			}
		}
	}
}

func TestRepeatedFieldsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	rules, err := condition.Compile([]waf.CustomCondition{cond("params", "id", "contain", "evil"),
		cond("cookie", "a", "not_equal", "1"), cond("header", "x-token", "equal", "evil")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	masks, err := condition.CompileIgnore([]waf.IgnoreCondition{ignoreCond("params", "id", "len_less", "20"),
		ignoreCond("cookie", "a", "num_less", "3"), ignoreCond("header", "x-token", "regular_match", "^[a-z]+$")})
	if err != nil {
		t.Fatal(err)
	}
	for _, parsed := range []bool{false, true} {
		req := repeated("id=%6Fk&id=evil", parsed)
		for name, s := range map[string]*condition.Set{"rule": rules, "mask": masks} {
			if !s.Match(req) {
				t.Fatalf("%s: no match", name)
			}
			if n := testing.AllocsPerRun(200, func() { s.Match(req) }); n != 0 {
				t.Errorf("%s (params parsed %v): %.1f allocations per match, want 0", name, parsed, n)
			}
		}
	}
}
