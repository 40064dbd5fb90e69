package engine

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/workspace"
)

// Batch is the next version of an Engine's snapshot while Engine.Apply
// builds it: its methods are the Engine's incremental changes, and
// everything they change becomes visible to readers at once, as one
// published version, when Apply returns. A Batch is valid only inside the
// function passed to Apply and must not be used from other goroutines.
type Batch struct {
	e     *Engine
	s     *Snapshot
	now   time.Time
	dirty bool // a change has been made
}

// errBatchDone is the panic value of a Batch used after its Apply.
var errBatchDone = errors.New("engine: Batch used after Apply returned")

// Apply runs fn on a Batch holding a copy of the current snapshot, under
// the writer lock, and publishes the result as one new version: a reader
// sees either none or all of fn's changes. If fn returns an error, the
// changes its Batch calls made before it are still published (the writer
// cannot take them back; a caller that needs all or nothing rebuilds with
// New) and the error is returned; when no change was made nothing is
// published.
func (e *Engine) Apply(fn func(b *Batch) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	ns := *e.cur.Load()
	b := &Batch{e: e, s: &ns, now: e.now()}
	e.batch = &batchState{owned: map[any]struct{}{}}
	defer func() { e.batch = nil }()
	err := fn(b)
	e.batch.finish()
	b.e = nil
	if err != nil && !b.dirty {
		return err
	}
	ns.refs = e.refs
	ns.version++
	e.cur.Store(&ns)
	return err
}

// batchState is what an Apply defers or reuses across its changes to the
// emergency address tables (the tables of the snapshot under
// construction, which nothing else holds until it is published): the
// host-store arrays it has copied already, which later changes of the same
// Apply modify in place instead of copying again, and the IPv4 /16 chunks
// it changed, rebuilt once at its end rather than after each change (a
// chunk is rebuilt from the trie, which each change keeps current).
type batchState struct {
	owned  map[any]struct{}
	chunks map[staleChunk]func()
}

// staleChunk names one /16 chunk of one table.
type staleChunk struct {
	table any // *mtable[C]
	chunk uint32
}

// markStale records that chunk of t must be rebuilt.
func (b *batchState) markStale(t interface{ rebuildChunk4(uint32) }, chunk uint32) {
	if b.chunks == nil {
		b.chunks = map[staleChunk]func(){}
	}
	k := staleChunk{t, chunk}
	if _, ok := b.chunks[k]; !ok {
		b.chunks[k] = func() { t.rebuildChunk4(chunk) }
	}
}

// finish rebuilds the stale chunks.
func (b *batchState) finish() {
	for _, rebuild := range b.chunks {
		rebuild()
	}
}

// batchFor returns the state of the Apply in progress for a change of the
// table with identity table, or nil: only the emergency address tables
// (which live in the snapshot itself, at a fixed place) take part; a
// WAF policy's tables are copied with their policy.
func (e *Engine) batchFor(table uint32) *batchState {
	if e.building || table >= tblEmUser {
		return nil
	}
	return e.batch
}

// begin returns the engine and the snapshot under construction.
func (b *Batch) begin() (*Engine, *Snapshot) {
	if b.e == nil {
		panic(errBatchDone)
	}
	return b.e, b.s
}

// done records the outcome of one change: a change that failed made none.
func (b *Batch) done(err error) error {
	if err == nil {
		b.dirty = true
	}
	return err
}

// AddEmergency adds one emergency entry. Adding an entry that has already
// expired changes nothing.
func (b *Batch) AddEmergency(en EmergencyEntry) error {
	e, s := b.begin()
	return b.done(e.addEmergency(s, &en, b.now))
}

// RemoveEmergency removes one emergency entry, identified by layer,
// category, policy ID, target and expiry. It reports whether the entry was
// present (an entry already swept is not).
func (b *Batch) RemoveEmergency(en EmergencyEntry) (bool, error) {
	e, s := b.begin()
	p, err := emergencyTarget(&en)
	if err != nil {
		return false, err
	}
	b.dirty = true
	r, ok := e.refIdx[refKey{ruleType: RuleEmergency, ruleID: en.PolicyID, policyID: en.PolicyID}]
	if !ok {
		return false, nil
	}
	v := pack(encExp(en.Expires), r)
	sub := uint32(en.Layer)*2 + uint32(en.Category)
	switch {
	case p.IsValid():
		return mtRemove(e, &s.em[en.Layer], tblEmIP+uint32(en.Layer), p, int(en.Category), v), nil
	case en.User != "":
		return e.mapRemove(&s.emUser[en.Layer][en.Category], tblEmUser+sub, en.User, v), nil
	default:
		return e.mapRemove(&s.emDomain[en.Layer][en.Category], tblEmDomain+sub, en.Domain, v), nil
	}
}

// SetWorkspace replaces the Workspace access policies (as returned by
// workspace.Store.LoadAccessPolicies). The slice and the policies must not
// be modified afterwards.
func (b *Batch) SetWorkspace(policies []*workspace.AccessPolicy) {
	_, s := b.begin()
	s.ws = policies
	b.dirty = true
}

// SetLocator replaces the address data (for example after loading a newer
// database).
func (b *Batch) SetLocator(geo Locator) {
	_, s := b.begin()
	s.geo = geo
	b.dirty = true
}

// policy returns the index of WAF policy id, creating it if it is new.
func (b *Batch) policy(id string) (*Engine, *Snapshot, int32, error) {
	e, s := b.begin()
	if id == "" {
		return e, s, 0, fmt.Errorf("%w: WAF policy with an empty ID", ErrInvalid)
	}
	i, _ := e.policyIndex(s, id, true)
	return e, s, i, nil
}

// SetOptions sets a WAF policy's module toggles, creating the policy if it
// is new.
func (b *Batch) SetOptions(policyID string, o Options) error {
	e, s, i, err := b.policy(policyID)
	if err != nil {
		return err
	}
	e.mutPolicy(s, i).opts = o
	return b.done(nil)
}

// BindHost binds a protected host name (or "*.suffix") to a WAF policy,
// creating the policy if it is new and replacing any earlier binding of the
// host.
func (b *Batch) BindHost(host, policyID string) error {
	if host == "" {
		return fmt.Errorf("%w: host binding needs a host and a policy ID", ErrInvalid)
	}
	e, s, i, err := b.policy(policyID)
	if err != nil {
		return err
	}
	e.bindHost(s, host, i)
	return b.done(nil)
}

// UnbindHost removes a host binding.
func (b *Batch) UnbindHost(host string) {
	_, s := b.begin()
	s.hosts = maps.Clone(s.hosts)
	s.wild = maps.Clone(s.wild)
	if suffix, ok := strings.CutPrefix(host, "*"); ok && strings.HasPrefix(suffix, ".") {
		delete(s.wild, suffix)
	} else {
		delete(s.hosts, host)
	}
	s.indexHosts()
	b.dirty = true
}

// PutWhiteBlack adds or replaces a whiteblackip rule of a WAF policy
// (creating the policy if it is new). The rule's prefixes are the rule's
// addr or its IP group's members.
func (b *Batch) PutWhiteBlack(policyID string, rule WhiteBlackRule) error {
	e, s, i, err := b.policy(policyID)
	if err != nil {
		return err
	}
	return b.done(e.putWhiteBlack(s, i, rule, b.now))
}

// RemoveWhiteBlack removes a whiteblackip rule; it reports whether the
// rule existed.
func (b *Batch) RemoveWhiteBlack(policyID, ruleID string) bool {
	e, s := b.begin()
	i, ok := e.policyIdx[policyID]
	if !ok {
		return false
	}
	k := ruleKey{policy: i, id: ruleID}
	r := e.wb[k]
	if r == nil {
		return false
	}
	e.wbDelete(s, i, r)
	delete(e.wb, k)
	b.dirty = true
	return true
}

// PutGeo adds or replaces a geolocation rule of a WAF policy.
func (b *Batch) PutGeo(policyID string, r GeoRule) error {
	e, s, i, err := b.policy(policyID)
	if err != nil {
		return err
	}
	return b.done(e.putGeo(s, i, r))
}

// RemoveGeo removes a geolocation rule; it reports whether it existed.
func (b *Batch) RemoveGeo(policyID, ruleID string) bool {
	e, _ := b.begin()
	return removeRule(b, e.geoRules, e.rebuildGeo, policyID, ruleID)
}

// PutReputation adds or replaces an IP-reputation rule of a WAF policy.
func (b *Batch) PutReputation(policyID string, r ReputationRule) error {
	e, s, i, err := b.policy(policyID)
	if err != nil {
		return err
	}
	return b.done(e.putReputation(s, i, r))
}

// RemoveReputation removes an IP-reputation rule; it reports whether it
// existed.
func (b *Batch) RemoveReputation(policyID, ruleID string) bool {
	e, _ := b.begin()
	return removeRule(b, e.repRules, e.rebuildRep, policyID, ruleID)
}

// removeRule removes rule ruleID of policy policyID from the writer's
// rules (geolocation or IP reputation) and rebuilds the policy's index;
// it reports whether the rule existed.
func removeRule[R any](b *Batch, rules map[int32]map[string]R, rebuild func(*Snapshot, int32), policyID, ruleID string) bool {
	i, ok := b.e.policyIdx[policyID]
	if !ok {
		return false
	}
	if _, found := rules[i][ruleID]; !found {
		return false
	}
	delete(rules[i], ruleID)
	rebuild(b.s, i)
	b.dirty = true
	return true
}

// RemovePolicy removes a WAF policy: its rules, its options and every host
// binding to it. It reports whether the policy existed.
func (b *Batch) RemovePolicy(policyID string) bool {
	e, s := b.begin()
	i, ok := e.policyIdx[policyID]
	if !ok {
		return false
	}
	e.removePolicy(s, i, policyID)
	b.dirty = true
	return true
}

// The Engine's incremental changes: each is one Apply, so one published
// version. To publish several changes as one version, use Apply.

// AddEmergency is Batch.AddEmergency in an Apply of its own.
func (e *Engine) AddEmergency(en EmergencyEntry) error {
	return e.Apply(func(b *Batch) error { return b.AddEmergency(en) })
}

// RemoveEmergency is Batch.RemoveEmergency in an Apply of its own.
func (e *Engine) RemoveEmergency(en EmergencyEntry) (found bool, err error) {
	err = e.Apply(func(b *Batch) error {
		found, err = b.RemoveEmergency(en)
		return err
	})
	return found, err
}

// SetWorkspace is Batch.SetWorkspace in an Apply of its own.
func (e *Engine) SetWorkspace(policies []*workspace.AccessPolicy) {
	_ = e.Apply(func(b *Batch) error { b.SetWorkspace(policies); return nil })
}

// SetLocator is Batch.SetLocator in an Apply of its own.
func (e *Engine) SetLocator(geo Locator) {
	_ = e.Apply(func(b *Batch) error { b.SetLocator(geo); return nil })
}

// SetOptions is Batch.SetOptions in an Apply of its own.
func (e *Engine) SetOptions(policyID string, o Options) error {
	return e.Apply(func(b *Batch) error { return b.SetOptions(policyID, o) })
}

// BindHost is Batch.BindHost in an Apply of its own.
func (e *Engine) BindHost(host, policyID string) error {
	return e.Apply(func(b *Batch) error { return b.BindHost(host, policyID) })
}

// UnbindHost is Batch.UnbindHost in an Apply of its own.
func (e *Engine) UnbindHost(host string) {
	_ = e.Apply(func(b *Batch) error { b.UnbindHost(host); return nil })
}

// PutWhiteBlack is Batch.PutWhiteBlack in an Apply of its own.
func (e *Engine) PutWhiteBlack(policyID string, rule WhiteBlackRule) error {
	return e.Apply(func(b *Batch) error { return b.PutWhiteBlack(policyID, rule) })
}

// RemoveWhiteBlack is Batch.RemoveWhiteBlack in an Apply of its own.
func (e *Engine) RemoveWhiteBlack(policyID, ruleID string) (found bool) {
	_ = e.Apply(func(b *Batch) error { found = b.RemoveWhiteBlack(policyID, ruleID); return nil })
	return found
}

// PutGeo is Batch.PutGeo in an Apply of its own.
func (e *Engine) PutGeo(policyID string, r GeoRule) error {
	return e.Apply(func(b *Batch) error { return b.PutGeo(policyID, r) })
}

// RemoveGeo is Batch.RemoveGeo in an Apply of its own.
func (e *Engine) RemoveGeo(policyID, ruleID string) (found bool) {
	_ = e.Apply(func(b *Batch) error { found = b.RemoveGeo(policyID, ruleID); return nil })
	return found
}

// PutReputation is Batch.PutReputation in an Apply of its own.
func (e *Engine) PutReputation(policyID string, r ReputationRule) error {
	return e.Apply(func(b *Batch) error { return b.PutReputation(policyID, r) })
}

// RemoveReputation is Batch.RemoveReputation in an Apply of its own.
func (e *Engine) RemoveReputation(policyID, ruleID string) (found bool) {
	_ = e.Apply(func(b *Batch) error { found = b.RemoveReputation(policyID, ruleID); return nil })
	return found
}

// RemovePolicy is Batch.RemovePolicy in an Apply of its own.
func (e *Engine) RemovePolicy(policyID string) (found bool) {
	_ = e.Apply(func(b *Batch) error { found = b.RemovePolicy(policyID); return nil })
	return found
}
