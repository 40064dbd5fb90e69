package precise

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/waf"
)

// Actions of a precise-protection rule.
const (
	ActionBlock = "block"
	ActionPass  = "pass"
	ActionLog   = "log"
)

// Hit names a rule that matched and what it does. FollowedActionID is the
// known-attack-source rule a block rule names, if any.
type Hit struct {
	RuleID           string
	Action           string // block, pass or log
	FollowedActionID string
}

// Result is the outcome of a policy's rules on one request: Decided is the
// first block or pass rule that matched (RuleID "" when none did); Logged
// the first log rule that matched before it (or anywhere, when no rule
// decided).
type Result struct {
	Decided Hit
	Logged  Hit
}

// rule is one compiled, enabled rule.
type rule struct {
	hit             Hit
	log             bool
	timed           bool
	start, terminal int64 // Unix seconds; 0: unbounded
	conds           *condition.Set
}

// inForce reports whether the rule's time window covers the Unix second
// now: Start <= now < Terminal, a zero bound being no bound.
func (r *rule) inForce(now int64) bool {
	return !r.timed || (r.start == 0 || r.start <= now) && (r.terminal == 0 || now < r.terminal)
}

func compileRule(r *waf.CustomRule, lists map[string]*waf.ValueList) (rule, error) {
	switch r.Action.Category {
	case ActionBlock, ActionPass, ActionLog:
	default:
		return rule{}, fmt.Errorf("precise-protection rule %s: action %q is not block, pass or log", r.ID, r.Action.Category)
	}
	compile := condition.Compile // one occurrence of a repeated field is enough to block or log
	if r.Action.Category == ActionPass {
		compile = condition.CompilePass // every occurrence is needed to let the request through
	}
	conds, err := compile(r.Conditions, lists)
	if err != nil {
		return rule{}, fmt.Errorf("precise-protection rule %s: %w", r.ID, err)
	}
	return rule{
		hit:   Hit{RuleID: r.ID, Action: r.Action.Category, FollowedActionID: r.Action.FollowedActionID},
		log:   r.Action.Category == ActionLog,
		timed: r.Time, start: r.Start, terminal: r.Terminal,
		conds: conds,
	}, nil
}

// ordered returns the enabled rules of rules in the order they apply:
// priority (lower first), then creation time, then ID.
func ordered(rules []*waf.CustomRule) []*waf.CustomRule {
	out := make([]*waf.CustomRule, 0, len(rules))
	for _, r := range rules {
		if r != nil && r.Status == 1 {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b *waf.CustomRule) int {
		if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
			return c
		}
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
