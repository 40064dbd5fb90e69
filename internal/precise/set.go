package precise

import (
	"time"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// Set is the compiled precise-protection rules of one policy. It is
// immutable and safe for concurrent use; a nil *Set matches no rule.
type Set struct {
	rules []rule // in the order they apply
	idx   index
}

// Compile compiles the enabled rules (Status 1) of one policy; lists are
// the project's reference tables by ID. A rule that does not compile (an
// unknown or mistyped reference table, a condition the matcher cannot
// evaluate, an unknown action) is left out and its error returned; the
// others still compile. Compile returns nil when no rule is left.
func Compile(rules []*waf.CustomRule, lists map[string]*waf.ValueList) (*Set, []error) {
	var errs []error
	s := &Set{}
	var conds [][]waf.CustomCondition
	for _, r := range ordered(rules) {
		c, err := compileRule(r, lists)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.rules = append(s.rules, c)
		conds = append(conds, r.Conditions)
	}
	if len(s.rules) == 0 {
		return nil, errs
	}
	s.idx = buildIndex(conds, lists)
	return s, errs
}

// Match applies the rules to req at time now: it walks the rules in order,
// skipping those outside their time window or whose conditions do not all
// hold, notes the first log rule and stops at the first block or pass
// rule. It allocates nothing.
func (s *Set) Match(req *inspect.Request, now time.Time) Result {
	if s == nil || req == nil {
		return Result{}
	}
	var lists [maxLists][]int32
	n, ok := s.idx.candidates(req, &lists)
	if !ok {
		return s.matchLinear(req, now)
	}
	t := now.Unix()
	var res Result
	for {
		// The lowest position at the head of a list is the next rule.
		best := -1
		for i := range n {
			if len(lists[i]) > 0 && (best < 0 || lists[i][0] < lists[best][0]) {
				best = i
			}
		}
		if best < 0 {
			return res
		}
		r := &s.rules[lists[best][0]]
		lists[best] = lists[best][1:]
		if s.apply(r, req, t, &res) {
			return res
		}
	}
}

// apply evaluates one rule and records it in res; it reports whether the
// rule decided.
func (s *Set) apply(r *rule, req *inspect.Request, now int64, res *Result) bool {
	if !r.inForce(now) || !r.conds.Match(req) {
		return false
	}
	if r.log {
		if res.Logged.RuleID == "" {
			res.Logged = r.hit
		}
		return false
	}
	res.Decided = r.hit
	return true
}

// matchLinear is Match without the index: every rule in order. It is the
// baseline of the index's benchmark and a check of its result.
func (s *Set) matchLinear(req *inspect.Request, now time.Time) Result {
	var res Result
	if s == nil || req == nil {
		return res
	}
	t := now.Unix()
	for i := range s.rules {
		if s.apply(&s.rules[i], req, t, &res) {
			break
		}
	}
	return res
}
