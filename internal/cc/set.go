package cc

import (
	"time"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/ratelimit"
	"github.com/rampartsec/rampart/internal/waf"
)

// Matcher decides whether a request meets the conditions of an advanced
// (Mode 1) rule.
type Matcher interface {
	Match(req *inspect.Request) bool
}

// CompileConditions compiles the conditions of an advanced rule; the data
// plane passes the compiler of its condition package.
type CompileConditions func(conds []waf.CustomCondition) (Matcher, error)

// Verdict is what the first acting rule says about a request: the rule, its
// action (block, log or dynamic_block; captcha rules report block), the key
// that went over its limit (at most MaxKeyBytes) and the rule's custom
// response (nil: the block page).
type Verdict struct {
	RuleID, Action string
	Key            string
	Response       *waf.CCResponse
}

// Blocks reports whether the request is to be refused (every action but
// log).
func (v Verdict) Blocks() bool { return v.Action != ActionLog }

// Actions as Verdict reports them.
const (
	ActionBlock        = "block"
	ActionLog          = "log"
	ActionDynamicBlock = "dynamic_block"
	ActionCaptcha      = "captcha" // a rule's category; reported as block
)

// MaxKeyBytes bounds Verdict.Key.
const MaxKeyBytes = 128

// Set is the compiled, enabled CC rules of one policy in the order they are
// decided. A nil *Set lets every request through.
type Set struct {
	counters *ratelimit.Table
	rules    []rule
}

// Len is how many rules the set decides with.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.rules)
}

// Check counts req at now under every rule that matches it and returns the
// verdict of the first of them, in rule order, whose key is over its limit
// (or locked, or dynamically blocked); false when none acts. A request
// without the field a rule keys on is not counted by that rule.
func (s *Set) Check(req *inspect.Request, now time.Time) (Verdict, bool) {
	if s == nil {
		return Verdict{}, false
	}
	var acting *rule
	for i := range s.rules {
		r := &s.rules[i]
		if !r.matches(req) {
			continue
		}
		h, ok := r.key(s.counters, req)
		if !ok {
			continue
		}
		switch s.counters.Count(h, &r.limit, now) {
		case ratelimit.Blocked, ratelimit.Over:
			if acting == nil {
				acting = r
			}
		}
	}
	if acting == nil {
		return Verdict{}, false
	}
	return Verdict{RuleID: acting.id, Action: acting.action, Key: acting.keyText(req), Response: acting.response}, true
}

// bound cuts s to at most MaxKeyBytes without splitting a UTF-8 sequence
// (bytes that are not UTF-8 are cut at MaxKeyBytes).
func bound(s string) string {
	if len(s) <= MaxKeyBytes {
		return s
	}
	for i := MaxKeyBytes; i > MaxKeyBytes-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:MaxKeyBytes]
}
