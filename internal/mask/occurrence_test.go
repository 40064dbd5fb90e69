package mask_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/mask"
	"github.com/rampartsec/rampart/internal/waf"
)

// TestRepeatedFieldsDoNotWidenAMask: a mask on a named field covers a
// request only when every occurrence of the field satisfies its
// condition, so ?id=safe&id=<attack> stays detected under "id equal safe".
func TestRepeatedFieldsDoNotWidenAMask(t *testing.T) {
	t.Parallel()
	xss := inspect.Verdict{Attack: inspect.AttackXSS, RuleID: "050001", Location: inspect.LocationParams, Excerpt: "<script>"}
	for _, tc := range []struct {
		name  string
		c     waf.IgnoreCondition
		query string
		want  bool
	}{
		{"?id=safe&id=<attack>: id equal safe", cond("params", "id", "equal", "safe"), "id=safe&id=%3Cscript%3Ealert(1)%3C/script%3E", false},
		{"?id=<attack>&id=safe: id equal safe", cond("params", "id", "equal", "safe"), "id=%3Cscript%3E&id=safe", false},
		{"?id=safe&id=safe: id equal safe", cond("params", "id", "equal", "safe"), "id=safe&id=safe&q=%3Cscript%3E", true},
		{"?id=safe: id equal safe", cond("params", "id", "equal", "safe"), "id=safe&q=%3Cscript%3E", true},
		{"?id=ok&id=<attack>: id not_contain <", cond("params", "id", "not_contain", "<"), "id=ok&id=%3Cscript%3E", false},
		{"?id=ok&id=fine: id not_contain <", cond("params", "id", "not_contain", "<"), "id=ok&id=fine&q=%3Cscript%3E", true},
	} {
		for _, parsed := range []bool{false, true} {
			req := &inspect.Request{Method: "GET", Path: "/item", RawQuery: tc.query}
			if parsed {
				req.Params = parseQuery(tc.query)
			}
			s := mask.Compile([]*waf.IgnoreRule{ignore(tc.c)})
			if _, got := s.Masks("www.example.com", req, xss); got != tc.want {
				t.Errorf("%s (params parsed %v): masked %v, want %v", tc.name, parsed, got, tc.want)
			}
		}
	}
	// Cookies and headers follow the same rule.
	req := &inspect.Request{Method: "GET", Path: "/item",
		Cookies: []inspect.Pair{{Name: "a", Value: "1"}, {Name: "a", Value: "<script>"}},
		Headers: []inspect.Pair{{Name: "X-Token", Value: "ok"}, {Name: "x-token", Value: "<script>"}}}
	for _, c := range []waf.IgnoreCondition{cond("cookie", "a", "equal", "1"), cond("header", "x-token", "equal", "ok")} {
		if _, got := mask.Compile([]*waf.IgnoreRule{ignore(c)}).Masks("www.example.com", req, xss); got {
			t.Errorf("%s %s equal %v: masked a request whose other occurrence differs", c.Category, c.Index, c.Contents)
		}
	}
}

// parseQuery splits and decodes a query as the matcher does when the data
// plane leaves Params nil, for the requests that carry it parsed.
func parseQuery(q string) []inspect.Pair {
	var out []inspect.Pair
	condition.EachField(&inspect.Request{RawQuery: q}, condition.Params, func(name, value string) bool {
		out = append(out, inspect.Pair{Name: name, Value: value})
		return true
	})
	return out
}
