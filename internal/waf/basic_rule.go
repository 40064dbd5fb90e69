package waf

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/inspect"
)

// BasicRule is a built-in rule of basic web protection, as the catalogue
// operations (ListWebBasicProtectionRules, ShowWebProtectionRule) present
// it. The catalogue is the same for every project.
type BasicRule struct {
	ID               string // 6 digits
	Description      string
	CVENumber        string // "" when the rule is about no CVE in particular
	RiskLevel        int    // 1 high, 2 medium, 3 low
	Level            int    // the lowest protection level whose rule set holds the rule
	ProtectionType   string // sqli, xss, cmdi, lfi, rfi, webshell, robot, vuln
	ApplicationTypes []string
	Created          time.Time // when the rule was published
	Updated          time.Time
	Effective        time.Time
}

// Vulnerability is a CVE that built-in rules protect against (the
// vulnerability notifications of ListVulnRules).
type Vulnerability struct {
	ID          string // the CVE number
	Description string
	RuleIDs     []string
	Created     time.Time
}

// BasicProtectionTypes are Huawei's protection type names, in the order of
// the SDK's enumeration of ListWebBasicProtectionRules.
var BasicProtectionTypes = []string{"vuln", "xss", "cmdi", "lfi", "rfi", "webshell", "robot", "sqli"}

// RuleCatalogue answers the catalogue operations over a fixed list of
// rules. It is immutable and safe for concurrent use.
type RuleCatalogue struct {
	rules    []BasicRule
	vulns    []Vulnerability
	apps     []string // distinct application types, sorted
	protects []string // protection types that have rules, in BasicProtectionTypes order
}

// NewRuleCatalogue returns the catalogue of rules and vulnerabilities; it
// keeps the slices, which the caller must not change afterwards.
func NewRuleCatalogue(rules []BasicRule, vulns []Vulnerability) *RuleCatalogue {
	c := &RuleCatalogue{rules: rules, vulns: vulns}
	for _, r := range rules {
		for _, a := range r.ApplicationTypes {
			if !slices.Contains(c.apps, a) {
				c.apps = append(c.apps, a)
			}
		}
	}
	slices.Sort(c.apps)
	for _, p := range BasicProtectionTypes {
		if slices.ContainsFunc(rules, func(r BasicRule) bool { return r.ProtectionType == p }) {
			c.protects = append(c.protects, p)
		}
	}
	return c
}

// BuiltinRuleCatalogue returns the catalogue of the rules Rampart's basic
// web protection runs (internal/inspect), built once.
var BuiltinRuleCatalogue = sync.OnceValue(func() *RuleCatalogue {
	at := inspect.CatalogueReleased
	var rules []BasicRule
	for _, r := range inspect.Rules() {
		rules = append(rules, BasicRule{ID: r.ID, Description: r.Description, CVENumber: r.CVE, RiskLevel: r.RiskLevel,
			Level: r.Level, ProtectionType: r.Attack, ApplicationTypes: r.ApplicationTypes, Created: at, Updated: at, Effective: at})
	}
	var vulns []Vulnerability
	for _, v := range inspect.Vulnerabilities() {
		vulns = append(vulns, Vulnerability{ID: v.CVE, Description: v.Description, RuleIDs: v.RuleIDs, Created: at})
	}
	return NewRuleCatalogue(rules, vulns)
})

// FindBasicRules returns the window f.Page of the rules f selects, in
// catalogue order, and how many it selects.
func (c *RuleCatalogue) FindBasicRules(f BasicRuleFilter) ([]BasicRule, int) {
	var out []BasicRule
	for _, r := range c.rules {
		if f.selects(&r) {
			out = append(out, r)
		}
	}
	return window(out, f.Page), len(out)
}

// FindBasicRule returns the rule with the given id, or the WAF not-found
// error.
func (c *RuleCatalogue) FindBasicRule(id string) (BasicRule, error) {
	if err := CheckID("rule_id", id); err != nil {
		return BasicRule{}, err
	}
	i := slices.IndexFunc(c.rules, func(r BasicRule) bool { return r.ID == id })
	if i < 0 {
		return BasicRule{}, NotFound("built-in rule", id)
	}
	return c.rules[i], nil
}

// ProtectionTypes returns the window p of the protection types that have
// rules, and how many there are.
func (c *RuleCatalogue) ProtectionTypes(p Page) ([]string, int) {
	return window(c.protects, p), len(c.protects)
}

// ApplicationTypes returns the window p of the application types of the
// rules, sorted, and how many there are.
func (c *RuleCatalogue) ApplicationTypes(p Page) ([]string, int) {
	return window(c.apps, p), len(c.apps)
}

// FindVulnerabilities returns the window p of the vulnerabilities
// published within published, in CVE order.
func (c *RuleCatalogue) FindVulnerabilities(published TimeWindow, p Page) []Vulnerability {
	var out []Vulnerability
	for _, v := range c.vulns {
		if published.holds(v.Created) {
			out = append(out, v)
		}
	}
	return window(out, p)
}

// window returns the part of all that p selects.
func window[T any](all []T, p Page) []T {
	if p.Offset >= len(all) {
		return nil
	}
	all = all[p.Offset:]
	if p.Limit >= 0 && p.Limit < len(all) {
		all = all[:p.Limit]
	}
	return all
}

// BasicRuleFilter selects built-in rules. Zero fields select everything.
type BasicRuleFilter struct {
	Level            int      // rules of the level-Level rule set: Level at most this
	RiskLevel        int      // this risk level exactly
	ID               string   // this rule id exactly
	Description      string   // descriptions holding this text, in any case
	CVENumber        string   // CVE numbers holding this text, in any case
	ProtectionTypes  []string // any of these protection types
	ApplicationTypes []string // rules of any of these application types (in any case)
	Updated          TimeWindow
	Page             Page
}

func (f *BasicRuleFilter) selects(r *BasicRule) bool {
	return (f.Level == 0 || r.Level <= f.Level) &&
		(f.RiskLevel == 0 || r.RiskLevel == f.RiskLevel) &&
		(f.ID == "" || r.ID == f.ID) &&
		containsFold(r.Description, f.Description) &&
		containsFold(r.CVENumber, f.CVENumber) &&
		(len(f.ProtectionTypes) == 0 || slices.Contains(f.ProtectionTypes, r.ProtectionType)) &&
		(len(f.ApplicationTypes) == 0 || slices.ContainsFunc(r.ApplicationTypes, func(a string) bool {
			return slices.ContainsFunc(f.ApplicationTypes, func(want string) bool { return strings.EqualFold(a, want) })
		})) &&
		f.Updated.holds(r.Updated)
}

// containsFold reports whether s holds sub in any case; every s holds "".
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TimeWindow is an inclusive from..to window of times; the zero window
// holds every time.
type TimeWindow struct {
	From, To time.Time
}

func (w TimeWindow) holds(t time.Time) bool {
	if w.From.IsZero() && w.To.IsZero() {
		return true
	}
	return !t.Before(w.From) && !t.After(w.To)
}
