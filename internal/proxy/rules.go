package proxy

import (
	"net/http"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/penalty"
	"github.com/rampartsec/rampart/internal/waf"
)

// maxKeyBytes bounds the CC key or punished source an event records.
const maxKeyBytes = 256

// protect runs what the route enforces after the address decision, in the
// order of docs/decisions.md ("Address rules and basic web protection"):
// the known-attack-source box, precise protection, CC, basic web
// protection. It fills the view first. A stopping answer is a block.
func (p *Proxy) protect(x clientRequest, c webCheck, v *view) answer {
	allHeaders := c.rules != nil || (c.web != nil && c.web.inspector.Config().CheckAllHeaders)
	x.fillView(v, allHeaders)
	v.req.Host, v.req.Client = c.host, c.client
	if c.rules == nil {
		return p.inspect(x, c, v, true)
	}
	now := p.now()
	if a := p.punished(x, c, v, now); a.stops() {
		return a
	}
	res := c.rules.Precise(&v.req, now)
	if res.Logged.RuleID != "" {
		p.ruleEvent(x, c, decision.RuleCustom, decision.ActionLog, res.Logged.RuleID, "", "")
	}
	pending, pendingRule := "", "" // the event and rule of a precise block answered after full detection
	if hit := res.Decided; hit.RuleID != "" {
		switch hit.Action {
		case "pass":
			p.metrics.decisions[decision.ActionAllow][decision.RuleCustom].Add(1)
			return noAnswer
		case "block":
			id := p.ruleEvent(x, c, decision.RuleCustom, decision.ActionBlock, hit.RuleID, "", "")
			p.punish(x, c, v, hit.FollowedActionID, now)
			if !c.rt.fullDetection {
				c.rt.metrics.count(pageBlocked.Status)
				return blocked(id, decision.RuleCustom, hit.RuleID)
			}
			pending, pendingRule = id, hit.RuleID
		}
	}
	if a := p.cc(x, c, v, now, pending == ""); a.stops() {
		return a
	}
	if c.web != nil {
		if a := p.inspect(x, c, v, pending == ""); a.stops() {
			return a
		}
	}
	if pending != "" {
		c.rt.metrics.count(pageBlocked.Status)
		return blocked(pending, decision.RuleCustom, pendingRule)
	}
	return noAnswer
}

// cc counts the request against the policy's CC rules. A block (block,
// dynamic_block, and captcha, which Rampart answers as a block) is
// recorded and, when respond is set, answered with the rule's custom
// response or the block page; a log is recorded.
func (p *Proxy) cc(x clientRequest, c webCheck, v *view, now time.Time, respond bool) answer {
	verdict, hit := c.rules.CC(&v.req, now)
	if !hit {
		return noAnswer
	}
	a := decision.ActionBlock
	switch verdict.Action {
	case "block", "dynamic_block", "captcha":
	case "log":
		a = decision.ActionLog
	default:
		return noAnswer
	}
	id := p.ruleEvent(x, c, decision.RuleCC, a, verdict.RuleID, verdict.Key, "")
	if a != decision.ActionBlock || !respond {
		return noAnswer
	}
	c.rt.metrics.count(pageBlocked.Status)
	if verdict.Response != nil {
		return answer{eventID: id, cc: verdict.Response, rule: decision.RuleCC, ruleID: verdict.RuleID}
	}
	return blocked(id, decision.RuleCC, verdict.RuleID)
}

// writeCCResponse sends a CC rule's custom block response: status 418 (the
// block page's), the rule's content type and content.
func writeCCResponse(w http.ResponseWriter, resp *waf.CCResponse) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", ccContentType(resp))
	w.WriteHeader(http.StatusTeapot)
	_, _ = w.Write([]byte(resp.Content))
}

// ccContentType is the content type of a CC rule's response (text/html
// when it names none).
func ccContentType(resp *waf.CCResponse) string {
	if resp.ContentType == "" {
		return "text/html"
	}
	return resp.ContentType
}

// punished blocks a request whose source is in the known-attack-source
// box for the route's policy: the client address, or the value of the
// host's cookie, parameter or header mark. An entry whose rule is no longer
// in force (deleted, or the policy's followed_action switch turned off)
// blocks nothing, so that turning the module off releases every source at
// once.
func (p *Proxy) punished(x clientRequest, c webCheck, v *view, now time.Time) answer {
	if p.penalties.Empty() {
		return noAnswer
	}
	scope, kind, value := c.rt.scope, penalty.KindIP, ""
	ruleID, blocked := p.penalties.BlockedAddr(scope, c.client, now)
	blocked = blocked && c.punishes(ruleID)
	if !blocked {
		for k := penalty.KindCookie; k <= penalty.KindHeader; k++ {
			if value = sourceValue(x, c.rt.marks, v, k); value == "" {
				continue
			}
			if ruleID, blocked = p.penalties.Blocked(scope, k, value, now); blocked && c.punishes(ruleID) {
				kind = k
				break
			}
			blocked = false
		}
	}
	if !blocked {
		return noAnswer
	}
	if kind == penalty.KindIP {
		value = c.client.String()
	}
	id := p.ruleEvent(x, c, decision.RulePunishment, decision.ActionBlock, ruleID, value, kind.String())
	c.rt.metrics.count(pageBlocked.Status)
	return answer{page: &pageBlocked, eventID: id, rule: decision.RulePunishment, ruleID: ruleID}
}

// punish puts the source of a blocked request into the box when the block
// names a known-attack-source rule of the policy (followedActionID): for
// block_time × time_unit from now. A source the host has no mark for, or
// that the request does not carry, is not punished.
func (p *Proxy) punish(x clientRequest, c webCheck, v *view, followedActionID string, now time.Time) {
	if followedActionID == "" || c.rules == nil {
		return
	}
	rule, ok := c.rules.Punishment(followedActionID)
	if !ok {
		return
	}
	kind, ok := penalty.KindOf(rule.Category)
	if !ok {
		return
	}
	d, ok := penalty.Duration(rule.BlockTime, rule.TimeUnit)
	if !ok {
		return
	}
	until := now.Add(d)
	if kind == penalty.KindIP {
		p.penalties.PutAddr(c.rt.scope, c.client, rule.ID, until, now)
		return
	}
	p.penalties.Put(c.rt.scope, kind, sourceValue(x, c.rt.marks, v, kind), rule.ID, until, now)
}

// sourceValue is the value that identifies the request's source of a
// non-address kind, by the host's traffic marks; "" when none.
func sourceValue(x clientRequest, m trafficMarks, v *view, k penalty.Kind) string {
	switch k {
	case penalty.KindCookie:
		return v.cookieValue(m.cookie)
	case penalty.KindParams:
		return queryValue(v.req.RawQuery, m.param)
	case penalty.KindHeader:
		if m.header != "" {
			return x.header(m.header)
		}
	}
	return ""
}

// ruleEvent counts and records a decision of a policy rule (precise
// protection, CC or known attack source) and returns the event ID.
func (p *Proxy) ruleEvent(x clientRequest, c webCheck, t decision.RuleType, a decision.Action, ruleID, key, keyKind string) string {
	p.metrics.decisions[a][t].Add(1)
	d := decision.Decision{Action: a, RuleType: t, RuleID: ruleID}
	return p.recordKey(x, c, &d, nil, boundKey(key), keyKind)
}

// boundKey cuts a key to maxKeyBytes, keeping it valid UTF-8.
func boundKey(s string) string {
	if len(s) <= maxKeyBytes {
		return s
	}
	return strings.ToValidUTF8(s[:maxKeyBytes], "")
}

// punishes reports whether the known-attack-source rule is in force for the
// route's policy.
func (c webCheck) punishes(ruleID string) bool {
	if c.rules == nil {
		return false
	}
	_, ok := c.rules.Punishment(ruleID)
	return ok
}
