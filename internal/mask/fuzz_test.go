package mask_test

import (
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/mask"
	"github.com/rampartsec/rampart/internal/waf"
)

// FuzzMasks runs the matcher over arbitrary requests and rule contents. It
// must not panic, a clean verdict is never masked, and a rule whose
// condition can never hold (not_exist of a present parameter) never masks.
func FuzzMasks(f *testing.F) {
	f.Add("www.example.com", "/api/search", "q=1", "q", "1", "session=abc", "contain", "url", "search", "params", "q", `1' or '1'='1`)
	f.Add("[::1]:8080", "/%2e%2e/", "a=%zz&&b", "b", "", "", "regular_match", "params", "(a|b)*", "cookie", "", `\u00e9`)
	f.Add("x:", "", "", "", "", "", "len_less", "header", "12", "header", "x-a", `\x00`)
	f.Fuzz(func(t *testing.T, host, path, rawQuery, pname, pvalue, cookie, op, category, content, advIndex, advField, excerpt string) {
		req := &inspect.Request{Method: "GET", Path: path, RawQuery: rawQuery,
			Cookies: []inspect.Pair{{Name: "c", Value: cookie}}, Headers: []inspect.Pair{{Name: "X-A", Value: pvalue}},
			Body: []byte(content)}
		if pname != "" {
			req.Params = []inspect.Pair{{Name: pname, Value: pvalue}}
		}
		c := waf.IgnoreCondition{Category: category, LogicOperation: op, Contents: []string{content}}
		if category == "params" || category == "cookie" || category == "header" {
			c.Index = pname
		}
		r := &waf.IgnoreRule{ID: "r", Status: 1, Mode: 1, Rule: "all", Domains: []string{host},
			Conditions: []waf.IgnoreCondition{c}, Advanced: &waf.IgnoreAdvanced{Index: advIndex, Fields: []string{advField}}}
		s := mask.Compile([]*waf.IgnoreRule{r})
		v := inspect.Verdict{Attack: inspect.AttackSQLi, RuleID: "040001", Location: strings.ToLower(advIndex), Excerpt: excerpt}
		s.Masks(host, req, v)
		if _, ok := s.Masks(host, req, inspect.Verdict{}); ok {
			t.Fatal("a clean verdict was masked")
		}
		if pname != "" {
			never := &waf.IgnoreRule{ID: "never", Status: 1, Mode: 1, Rule: "all",
				Conditions: []waf.IgnoreCondition{{Category: "params", Index: pname, LogicOperation: "not_exist"}}}
			if _, ok := mask.Compile([]*waf.IgnoreRule{never}).Masks(host, req, v); ok {
				t.Fatal("not_exist of a present parameter masked")
			}
		}
	})
}
