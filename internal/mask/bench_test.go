package mask_test

import (
	"fmt"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/mask"
	"github.com/rampartsec/rampart/internal/waf"
)

// policyRules is a policy with n ignore rules of the usual kinds, none of
// which masks sqli on request(): the matcher walks every rule.
func policyRules(n int) []*waf.IgnoreRule {
	var rules []*waf.IgnoreRule
	for i := range n {
		var r *waf.IgnoreRule
		switch i % 4 {
		case 0:
			r = ignore(cond("url", "", "prefix", fmt.Sprintf("/static/%d/", i)))
		case 1:
			r = ignore(cond("params", "q", "equal", "x"))
			r.Rule = "xss"
		case 2:
			r = ignore(cond("header", "x-internal", "equal", "1"))
			r.Domains = []string{"internal.example.com", "*.corp.example.com"}
		case 3:
			r = ignore(cond("url", "", "regular_match", `^/api/v[0-9]+/upload$`))
			r.Advanced = &waf.IgnoreAdvanced{Index: "body"}
		}
		r.ID = fmt.Sprintf("r%d", i)
		rules = append(rules, r)
	}
	return rules
}

func TestMasksDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	hit := ignore(cond("params", "page", "num_less", "10"))
	hit.ID = "hit"
	hit.Advanced = &waf.IgnoreAdvanced{Index: "params"}
	s := mask.Compile(append(policyRules(20), hit))
	req := request()
	for name, v := range map[string]inspect.Verdict{"masked": sqli, "not masked": {Attack: "robot", RuleID: "046001", Location: "header"}} {
		if n := testing.AllocsPerRun(200, func() { s.Masks("www.example.com:443", req, v) }); n != 0 {
			t.Errorf("%s: %.1f allocations per call, want 0", name, n)
		}
	}
}

func BenchmarkMasks(b *testing.B) {
	req := request()
	for _, n := range []int{1, 10, 100} {
		s := mask.Compile(policyRules(n))
		b.Run(fmt.Sprintf("rules=%d/miss", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Masks("www.example.com", req, sqli)
			}
		})
	}
	hit := ignore(cond("url", "", "prefix", "/api/"))
	hit.Advanced = &waf.IgnoreAdvanced{Index: "params", Fields: []string{"q"}}
	s := mask.Compile(append(policyRules(10), hit))
	b.Run("rules=11/masked-by-field", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := s.Masks("www.example.com", req, sqli); !ok {
				b.Fatal("not masked")
			}
		}
	})
}

func BenchmarkCompile(b *testing.B) {
	rules := policyRules(100)
	b.ReportAllocs()
	for b.Loop() {
		mask.Compile(rules)
	}
}
