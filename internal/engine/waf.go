package engine

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// policyIndex returns the index of a WAF policy, creating an empty policy
// (all options off) when create is set.
func (e *Engine) policyIndex(s *Snapshot, id string, create bool) (int32, bool) {
	if i, ok := e.policyIdx[id]; ok {
		return i, true
	}
	if !create {
		return 0, false
	}
	i := int32(len(s.policies))
	if !e.building {
		s.policies = slices.Clone(s.policies)
	}
	s.policies = append(s.policies, &wafPolicy{id: id})
	e.policyIdx[id] = i
	return i, true
}

// mutPolicy returns policy i of s ready to be modified: the policy itself
// while building, otherwise a copy installed in a copy of the policy list.
func (e *Engine) mutPolicy(s *Snapshot, i int32) *wafPolicy {
	if e.building {
		return s.policies[i]
	}
	np := *s.policies[i]
	s.policies = slices.Clone(s.policies)
	s.policies[i] = &np
	return &np
}

func (e *Engine) putPolicy(s *Snapshot, p *WAFPolicy, now time.Time) error {
	if p.ID == "" {
		return fmt.Errorf("%w: WAF policy with an empty ID", ErrInvalid)
	}
	i, _ := e.policyIndex(s, p.ID, true)
	e.mutPolicy(s, i).opts = p.Options
	for _, h := range p.Hosts {
		e.bindHost(s, h, i)
	}
	for k := range p.WhiteBlack {
		if err := e.putWhiteBlack(s, i, p.WhiteBlack[k], now); err != nil {
			return err
		}
	}
	for _, r := range p.Geo {
		if err := e.putGeo(s, i, r); err != nil {
			return err
		}
	}
	for _, r := range p.Reputation {
		if err := e.putReputation(s, i, r); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) bindHost(s *Snapshot, host string, i int32) {
	if !e.building {
		s.hosts = maps.Clone(s.hosts)
		s.wild = maps.Clone(s.wild)
	}
	if suffix, ok := strings.CutPrefix(host, "*"); ok && strings.HasPrefix(suffix, ".") {
		s.wild[suffix] = i
		return
	}
	s.hosts[host] = i
	if !e.building {
		s.indexHosts()
	}
}

func wbValue(r *wbRec) value { return pack(encExp(r.rule.Terminal), r.ref) }

func (e *Engine) wbInsert(s *Snapshot, i int32, r *wbRec) {
	pol := e.mutPolicy(s, i)
	w := r.rule.White
	v := wbValue(r)
	for _, p := range r.rule.Prefixes {
		mtAdd(e, &pol.wb, tblWB+uint32(i), p, int(w), v)
	}
	r.inserted = true
	if exp := v.exp(); exp != 0 {
		e.pushEvent(event{at: exp, kind: evWBEnd, policy: i, rule: r.rule.ID, seq: r.seq})
	}
}

func (e *Engine) wbDelete(s *Snapshot, i int32, r *wbRec) {
	if !r.inserted {
		return
	}
	pol := e.mutPolicy(s, i)
	w := r.rule.White
	v := wbValue(r)
	for _, p := range r.rule.Prefixes {
		mtRemove(e, &pol.wb, tblWB+uint32(i), p, int(w), v)
	}
	r.inserted = false
}

func (e *Engine) putWhiteBlack(s *Snapshot, i int32, rule WhiteBlackRule, now time.Time) error {
	if rule.ID == "" || rule.White > WhiteLog {
		return fmt.Errorf("%w: whiteblackip rule %q: empty ID or white %d", ErrInvalid, rule.ID, rule.White)
	}
	ps := make([]netip.Prefix, 0, len(rule.Prefixes))
	for _, p := range rule.Prefixes {
		c, ok := canonPrefix(p)
		if !ok {
			return fmt.Errorf("%w: whiteblackip rule %q: prefix %s", ErrInvalid, rule.ID, p)
		}
		if !slices.Contains(ps, c) {
			ps = append(ps, c)
		}
	}
	rule.Prefixes = ps
	pid := s.policies[i].id
	ref, err := e.ref(RuleWhiteBlackIP, rule.ID, pid)
	if err != nil {
		return err
	}
	k := ruleKey{policy: i, id: rule.ID}
	if old := e.wb[k]; old != nil {
		e.wbDelete(s, i, old)
	}
	e.seq++
	r := &wbRec{rule: rule, ref: ref, seq: e.seq}
	e.wb[k] = r
	if !rule.Enabled {
		return nil
	}
	n := relMs(now)
	if t := encExp(rule.Terminal); t != 0 && t <= n {
		return nil
	}
	if st := encExp(rule.Start); st > n {
		e.pushEvent(event{at: st, kind: evWBStart, policy: i, rule: rule.ID, seq: r.seq})
		return nil
	}
	e.wbInsert(s, i, r)
	return nil
}

func (e *Engine) rebuildGeo(s *Snapshot, i int32) {
	var g *geoIndex
	for _, r := range e.geoRules[i] {
		if !r.Enabled {
			continue
		}
		if g == nil {
			g = new(geoIndex)
		}
		ref := e.refIdx[refKey{ruleType: RuleGeolocation, ruleID: r.ID, policyID: s.policies[i].id}]
		for _, c := range r.Codes {
			slot := &g[c][r.White]
			if *slot == 0 || r.ID < e.refs[*slot].ruleID {
				*slot = ref
			}
		}
	}
	e.mutPolicy(s, i).geo = g
}

func (e *Engine) putGeo(s *Snapshot, i int32, r GeoRule) error {
	if r.ID == "" || r.White > WhiteLog {
		return fmt.Errorf("%w: geolocation rule %q: empty ID or white %d", ErrInvalid, r.ID, r.White)
	}
	for _, c := range r.Codes {
		if !c.Valid() {
			return fmt.Errorf("%w: geolocation rule %q: location code %d", ErrInvalid, r.ID, c)
		}
	}
	if _, err := e.ref(RuleGeolocation, r.ID, s.policies[i].id); err != nil {
		return err
	}
	m := e.geoRules[i]
	if m == nil {
		m = map[string]GeoRule{}
		e.geoRules[i] = m
	}
	r.Codes = slices.Clone(r.Codes)
	m[r.ID] = r
	e.rebuildGeo(s, i)
	return nil
}

func (e *Engine) rebuildRep(s *Snapshot, i int32) {
	var x *repIndex
	for _, r := range e.repRules[i] {
		if !r.Enabled || r.Tags.Empty() {
			continue
		}
		if x == nil {
			x = new(repIndex)
		}
		ref := e.refIdx[refKey{ruleType: RuleIPReputation, ruleID: r.ID, policyID: s.policies[i].id}]
		for _, t := range r.Tags.Tags() {
			slot := &x.ref[t][r.Category]
			if *slot == 0 || r.ID < e.refs[*slot].ruleID {
				*slot = ref
			}
			x.has[r.Category] = x.has[r.Category].With(t)
		}
	}
	e.mutPolicy(s, i).rep = x
}

func (e *Engine) putReputation(s *Snapshot, i int32, r ReputationRule) error {
	if r.ID == "" || r.Category > ReputationPass {
		return fmt.Errorf("%w: IP-reputation rule %q: empty ID or category %d", ErrInvalid, r.ID, r.Category)
	}
	if _, err := e.ref(RuleIPReputation, r.ID, s.policies[i].id); err != nil {
		return err
	}
	m := e.repRules[i]
	if m == nil {
		m = map[string]ReputationRule{}
		e.repRules[i] = m
	}
	m[r.ID] = r
	e.rebuildRep(s, i)
	return nil
}

// removePolicy empties WAF policy i (named id): its rules, its options and
// every host binding to it.
func (e *Engine) removePolicy(s *Snapshot, i int32, id string) {
	for k, r := range e.wb {
		if k.policy == i {
			e.wbDelete(s, i, r)
			delete(e.wb, k)
		}
	}
	delete(e.geoRules, i)
	delete(e.repRules, i)
	s.policies = slices.Clone(s.policies)
	s.policies[i] = &wafPolicy{id: id} // empty: no rules, all options off
	s.hosts = maps.Clone(s.hosts)
	s.wild = maps.Clone(s.wild)
	maps.DeleteFunc(s.hosts, func(_ string, p int32) bool { return p == i })
	s.indexHosts()
	maps.DeleteFunc(s.wild, func(_ string, p int32) bool { return p == i })
}
