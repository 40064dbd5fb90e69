package mask

import (
	"strings"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// Set is the compiled ignore rules of one policy, in creation order.
type Set struct {
	rules []rule
}

// rule is one compiled, enabled ignore rule.
type rule struct {
	id string
	// hosts
	allHosts  bool
	hosts     []string // lower case, exact
	wildcards []string // lower case ".example.com" of "*.example.com"
	// what it masks
	every      bool     // bypass or all
	ids        []string // 6-digit rule IDs
	categories uint16   // bits of attackBit
	// advanced
	location string   // "" (any), params, cookie, header or body
	fields   []string // field names; empty: every field
	conds    *condition.Set
}

// attackBit numbers Huawei's attack types; 0 for any other.
func attackBit(attack string) uint16 {
	switch attack {
	case inspect.AttackSQLi:
		return 1 << 0
	case inspect.AttackXSS:
		return 1 << 1
	case inspect.AttackCmdi:
		return 1 << 2
	case inspect.AttackLFI:
		return 1 << 3
	case inspect.AttackRFI:
		return 1 << 4
	case inspect.AttackWebshell:
		return 1 << 5
	case inspect.AttackRobot:
		return 1 << 6
	case inspect.AttackVuln:
		return 1 << 7
	}
	return 0
}

// Compile compiles the enabled rules among rules, which are the ignore rules
// of one policy as the store holds them (already validated). It returns nil
// when no rule is enabled. A rule the store holds but that no longer
// compiles (a regular expression refused by this version) is left out:
// leaving a false alarm is safer than masking an attack.
func Compile(rules []*waf.IgnoreRule) *Set {
	var s Set
	for _, r := range rules {
		if r.Status != 1 {
			continue
		}
		if c, ok := compileRule(r); ok {
			s.rules = append(s.rules, c)
		}
	}
	if len(s.rules) == 0 {
		return nil
	}
	return &s
}

func compileRule(r *waf.IgnoreRule) (rule, bool) {
	c := rule{id: r.ID, allHosts: len(r.Domains) == 0}
	for _, d := range r.Domains {
		name, _, _ := strings.Cut(strings.ToLower(d), ":")
		if rest, ok := strings.CutPrefix(name, "*."); ok {
			c.wildcards = append(c.wildcards, "."+rest)
		} else {
			c.hosts = append(c.hosts, name)
		}
	}
	switch r.Rule {
	case waf.IgnoreAllModules, waf.IgnoreAllRules:
		c.every = true
	case waf.IgnoreIllegal:
		// Rampart's basic web protection reports no "illegal request"
		// detections: the rule masks none.
	default:
		ids, cats, err := waf.ParseIgnoreTarget(r.Rule)
		if err != nil {
			return rule{}, false
		}
		c.ids = ids
		for _, cat := range cats {
			c.categories |= attackBit(cat)
		}
	}
	if a := r.Advanced; a != nil {
		c.location = strings.ToLower(a.Index)
		if c.location == "multipart" {
			c.location = inspect.LocationBody
		}
		c.fields = a.Fields
	}
	conds, err := condition.CompileIgnore(r.Conditions)
	if err != nil {
		return rule{}, false
	}
	c.conds = conds
	return c, true
}

// Masks reports whether an enabled rule of the set masks the detection v
// on req for host: the rule applies to the host, its conditions all hold
// on req, its rule covers v (same rule ID, same attack type, or every
// rule) and v lies where its advanced settings say. It returns the first
// such rule's ID. A clean verdict is never masked.
func (s *Set) Masks(host string, req *inspect.Request, v inspect.Verdict) (ruleID string, masked bool) {
	if s == nil || !v.Detected() || req == nil {
		return "", false
	}
	host, bit := hostName(host), attackBit(v.Attack)
	for i := range s.rules {
		r := &s.rules[i]
		if r.covers(v.RuleID, bit) && r.appliesTo(host) && r.locates(req, v) && r.conds.Match(req) {
			return r.id, true
		}
	}
	return "", false
}

// hostName strips a port from host.
func hostName(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			return host[1:i]
		}
		return host
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.IndexByte(host, ':') == i && isDigits(host[i+1:]) {
		host = host[:i]
	}
	return strings.TrimSuffix(host, ".")
}

func (r *rule) appliesTo(host string) bool {
	if r.allHosts {
		return true
	}
	for _, h := range r.hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	for _, w := range r.wildcards {
		if len(host) > len(w) && strings.EqualFold(host[len(host)-len(w):], w) {
			return true
		}
	}
	return false
}

// covers reports whether the rule masks detections of the rule ID and the
// attack type of bit.
func (r *rule) covers(ruleID string, bit uint16) bool {
	if r.every || r.categories&bit != 0 {
		return true
	}
	for _, id := range r.ids {
		if id == ruleID {
			return true
		}
	}
	return false
}

// isDigits reports whether s is a non-empty run of decimal digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
