package cc

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/ratelimit"
	"github.com/rampartsec/rampart/internal/waf"
)

// Bounds of the rule fields, as Huawei documents them.
const (
	MaxLimitPeriod = 3600  // seconds
	MaxLockTime    = 65535 // seconds
)

// Compile compiles the enabled rules of one policy (Status 1) into a Set
// that counts with counters. A rule that does not compile is left out and
// its error returned; the others still make the Set. Compile returns a nil
// Set when no rule is left.
func Compile(rules []*waf.CCRule, counters *ratelimit.Table, conds CompileConditions) (*Set, []error) {
	if counters == nil {
		return nil, []error{errors.New("cc: no counter table")}
	}
	var enabled []*waf.CCRule
	for _, r := range rules {
		if r != nil && r.Status == 1 {
			enabled = append(enabled, r)
		}
	}
	slices.SortStableFunc(enabled, order)
	s := &Set{counters: counters}
	var errs []error
	for _, r := range enabled {
		c, err := compileRule(r, conds)
		if err != nil {
			errs = append(errs, fmt.Errorf("cc rule %s: %w", r.ID, err))
			continue
		}
		s.rules = append(s.rules, c)
	}
	if len(s.rules) == 0 {
		return nil, errs
	}
	return s, errs
}

// order sorts rules by CCPriority, then Priority (a rule without one after
// every rule with one, lower first), then creation time and ID.
func order(a, b *waf.CCRule) int {
	if c := cmpPriority(a.CCPriority, b.CCPriority); c != 0 {
		return c
	}
	if c := cmpPriority(a.Priority, b.Priority); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func cmpPriority(a, b *int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

func compileRule(r *waf.CCRule, conds CompileConditions) (rule, error) {
	c := rule{id: r.ID, policyID: r.PolicyID, response: r.Action.Response}
	if err := c.compileMatch(r, conds); err != nil {
		return rule{}, err
	}
	if err := c.compileKey(r); err != nil {
		return rule{}, err
	}
	if err := c.compileLimit(r); err != nil {
		return rule{}, err
	}
	c.scope = scope(r)
	return c, nil
}

func (c *rule) compileMatch(r *waf.CCRule, conds CompileConditions) error {
	switch r.Mode {
	case 0:
		if r.URL == "" {
			return errors.New("mode 0 needs a url")
		}
		p, q, hasQuery := strings.Cut(r.URL, "?")
		c.path, c.query, c.hasQuery, c.prefix = decodePath(p), q, hasQuery, r.Prefix
	case 1:
		if len(r.Conditions) == 0 {
			return errors.New("mode 1 needs conditions")
		}
		if conds == nil {
			return errors.New("mode 1: no condition compiler")
		}
		m, err := conds(r.Conditions)
		if err != nil {
			return err
		}
		if m == nil {
			return errors.New("mode 1: the condition compiler returned no matcher")
		}
		c.advanced, c.matcher = true, m
	default:
		return fmt.Errorf("unknown mode %d", r.Mode)
	}
	return nil
}

func (c *rule) compileKey(r *waf.CCRule) error {
	t, ok := tags[r.TagType]
	if !ok {
		return fmt.Errorf("unknown tag_type %q", r.TagType)
	}
	c.tag = t
	switch t {
	case tagCookie, tagHeader:
		if r.TagIndex == "" {
			return fmt.Errorf("tag_type %s needs tag_index", r.TagType)
		}
		c.index = r.TagIndex
	case tagReferer:
		if tc := r.TagCondition; tc != nil {
			if tc.Category != "" && tc.Category != "referer" {
				return fmt.Errorf("unknown tag_condition category %q", tc.Category)
			}
			for _, v := range tc.Contents {
				if v != "" {
					c.referers = append(c.referers, v)
				}
			}
		}
	}
	c.perHost = !r.DomainAggregation && t != tagPolicy
	return nil
}

func (c *rule) compileLimit(r *waf.CCRule) error {
	switch {
	case r.LimitNum < 1:
		return errors.New("limit_num must be at least 1")
	case r.LimitPeriod < 1 || r.LimitPeriod > MaxLimitPeriod:
		return fmt.Errorf("limit_period must be 1 to %d seconds", MaxLimitPeriod)
	case r.LockTime < 0 || r.LockTime > MaxLockTime:
		return fmt.Errorf("lock_time must be 0 to %d seconds", MaxLockTime)
	case r.UnlockNum < 0:
		return errors.New("unlock_num must not be negative")
	}
	l := ratelimit.Limit{Num: uint32(r.LimitNum), Period: time.Duration(r.LimitPeriod) * time.Second}
	switch r.Action.Category {
	case ActionBlock, ActionCaptcha:
		c.action = ActionBlock
		l.Mode, l.Lock = ratelimit.Block, time.Duration(r.LockTime)*time.Second
	case ActionLog:
		c.action = ActionLog
		l.Mode = ratelimit.Log
	case ActionDynamicBlock:
		c.action = ActionDynamicBlock
		l.Mode, l.Unlock = ratelimit.Dynamic, uint32(r.UnlockNum)
	default:
		return fmt.Errorf("unknown action %q", r.Action.Category)
	}
	if err := l.Validate(); err != nil {
		return err
	}
	c.limit = l
	return nil
}

// scope hashes the rule's ID and every setting that gives its counts their
// meaning: rules differ in scope, and so does a rule before and after one
// of these settings is edited. URL, conditions, priority and response are
// left out: editing them keeps the counts.
func scope(r *waf.CCRule) uint64 {
	h := fnv.New64a()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(r.ID)
	field(r.TagType)
	field(r.TagIndex)
	if r.TagCondition != nil {
		field(r.TagCondition.Category)
		for _, v := range r.TagCondition.Contents {
			field(v)
		}
	}
	field(strconv.FormatBool(r.DomainAggregation))
	for _, n := range []int{r.LimitNum, r.LimitPeriod, r.LockTime, r.UnlockNum} {
		field(strconv.Itoa(n))
	}
	field(r.Action.Category)
	return h.Sum64()
}
