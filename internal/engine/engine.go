package engine

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gaissmai/bart"
)

// Engine holds the current Snapshot of one project and applies changes to
// it. Readers call Snapshot (or the Decide shortcuts) from any goroutine
// without locking. Mutating methods serialise on an internal mutex, build
// the next Snapshot copy-on-write and publish it atomically; each call is
// one published version, and Apply publishes several changes as one. An
// Engine must not be copied.
type Engine struct {
	_   [0]sync.Mutex
	cur atomic.Pointer[Snapshot]

	mu  sync.Mutex
	now func() time.Time

	// writer state, guarded by mu
	building  bool // true while New compiles: mutate in place
	refs      []refInfo
	refIdx    map[refKey]uint32
	coll      map[collKey][]value
	cown      map[cownKey]ownCell
	ipEvents  ipHeap
	events    eventHeap
	policyIdx map[string]int32
	wb        map[ruleKey]*wbRec
	geoRules  map[int32]map[string]GeoRule
	repRules  map[int32]map[string]ReputationRule
	seq       uint64
	wake      chan struct{}
	// batch is the state of the Apply in progress (nil outside one): the
	// emergency tables' copies it owns and the IPv4 chunks it left stale.
	batch *batchState
}

// collKey identifies one key of one table, for the writer's record of
// several entries stored at the same key.
type collKey struct {
	table uint32
	pfx   netip.Prefix
	name  string
	cat   uint8
}

// cownKey identifies a real prefix of one table, for the writer's record
// of the winning entry of each category there (the trie stores inherited
// cells, not these).
type cownKey struct {
	table uint32
	pfx   netip.Prefix
}

type ruleKey struct {
	policy int32
	id     string
}

type wbRec struct {
	rule     WhiteBlackRule
	ref      uint32
	seq      uint64
	inserted bool
}

// Table identities for collKey.
const (
	tblEmIP     = 0  // + layer
	tblEmUser   = 8  // + layer*2 + category
	tblEmDomain = 16 // + layer*2 + category
	tblWB       = 32 // + policy
)

// Errors returned by New and the mutating methods.
var (
	ErrInvalid     = errors.New("engine: invalid input")
	ErrTooManyRefs = errors.New("engine: rule reference space exhausted; rebuild the engine")
)

// New compiles p into an Engine. geo answers geolocation and IDC questions
// (nil: geolocation and IP-reputation rules never match); now is the clock
// for time windows and expiry (nil: time.Now). Entries that have already
// expired are left out; whiteblackip rules whose start is in the future are
// scheduled. Invalid input (an unknown layer or category, an entry with no
// or several targets, an invalid prefix, a rule with an empty ID, a White
// or category out of range) is an error wrapping ErrInvalid.
func New(p *Project, geo Locator, now func() time.Time) (*Engine, error) {
	if now == nil {
		now = time.Now
	}
	e := &Engine{
		now:       now,
		building:  true,
		refs:      []refInfo{{}}, // ref 0 is "none"
		refIdx:    map[refKey]uint32{},
		coll:      map[collKey][]value{},
		cown:      map[cownKey]ownCell{},
		policyIdx: map[string]int32{},
		wb:        map[ruleKey]*wbRec{},
		geoRules:  map[int32]map[string]GeoRule{},
		repRules:  map[int32]map[string]ReputationRule{},
		wake:      make(chan struct{}, 1),
	}
	s := &Snapshot{hosts: map[string]int32{}, wild: map[string]int32{}, geo: geo}
	t := now()
	if p != nil {
		for i := range p.Emergency {
			if err := e.addEmergency(s, &p.Emergency[i], t); err != nil {
				return nil, err
			}
		}
		for i := range p.WAF {
			if err := e.putPolicy(s, &p.WAF[i], t); err != nil {
				return nil, err
			}
		}
		s.ws = p.Workspace
	}
	for l := range s.em {
		s.em[l].index4()
	}
	for _, pol := range s.policies {
		pol.wb.index4()
	}
	s.indexHosts()
	e.building = false
	s.refs = e.refs
	e.cur.Store(s)
	return e, nil
}

// RefCount returns the number of rule references the engine has issued.
// References are never reused (a reader of an older snapshot may still
// resolve them), so the count grows with every rule or policy ID the
// engine has ever held; a fresh New holds only the live ones. The caller
// compares it with the rules in force to decide when to rebuild.
func (e *Engine) RefCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.refs)
}

// PendingEvents returns the number of scheduled expiries and activations.
// An event is dropped when due, not when its entry or rule is removed or
// replaced, so the count grows with every expiry the engine has held
// until that time comes; a fresh New holds only the live ones.
func (e *Engine) PendingEvents() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.ipEvents) + len(e.events)
}

// Snapshot returns the current version. It never blocks.
func (e *Engine) Snapshot() *Snapshot { return e.cur.Load() }

// DecideWAF is Snapshot().DecideWAF.
func (e *Engine) DecideWAF(host string, ip netip.Addr, now time.Time) Decision {
	return e.cur.Load().DecideWAF(host, ip, now)
}

// DecideIP is Snapshot().DecideIP.
func (e *Engine) DecideIP(layer Layer, ip netip.Addr, now time.Time) Decision {
	return e.cur.Load().DecideIP(layer, ip, now)
}

// DecideUser is Snapshot().DecideUser.
func (e *Engine) DecideUser(name string, now time.Time) Decision {
	return e.cur.Load().DecideUser(name, now)
}

// DecideWorkspace is Snapshot().DecideWorkspace.
func (e *Engine) DecideWorkspace(user string, groups []string, client netip.Addr) Decision {
	return e.cur.Load().DecideWorkspace(user, groups, client)
}

// ref returns the ref of a rule, registering it on first use. Refs are
// never reused (a reader of an older snapshot may still resolve them).
func (e *Engine) ref(t RuleType, ruleID, policyID string) (uint32, error) {
	k := refKey{ruleType: t, ruleID: ruleID, policyID: policyID}
	if r, ok := e.refIdx[k]; ok {
		return r, nil
	}
	if len(e.refs) >= maxRefs {
		return 0, ErrTooManyRefs
	}
	r := uint32(len(e.refs))
	e.refs = append(e.refs, refInfo(k))
	e.refIdx[k] = r
	return r, nil
}

// better reports whether a should be stored rather than b at one key: the
// later expiry wins (never expiring is latest), then the smaller rule ID,
// then the smaller ref.
func (e *Engine) better(a, b value) bool {
	if ka, kb := a.expKey(), b.expKey(); ka != kb {
		return ka > kb
	}
	ra, rb := e.refs[a.ref()].ruleID, e.refs[b.ref()].ruleID
	if ra != rb {
		return ra < rb
	}
	return a.ref() < b.ref()
}

// addMember records v at key k, where (cur, ok) is what the table holds,
// and returns the value the table should hold.
func (e *Engine) addMember(k collKey, cur value, ok bool, v value) value {
	if !ok {
		return v
	}
	list, has := e.coll[k]
	if !has {
		list = []value{cur}
	}
	list = append(list, v)
	e.coll[k] = list
	if e.better(v, cur) {
		return v
	}
	return cur
}

// removeMember removes one v from key k. It reports whether v was there,
// and the value the table should hold (remains false: delete the key).
func (e *Engine) removeMember(k collKey, cur value, v value) (win value, remains, found bool) {
	list, has := e.coll[k]
	if !has {
		if cur != v {
			return cur, true, false
		}
		return 0, false, true
	}
	i := slices.Index(list, v)
	if i < 0 {
		return cur, true, false
	}
	list = slices.Delete(list, i, i+1)
	win = list[0]
	for _, x := range list[1:] {
		if e.better(x, win) {
			win = x
		}
	}
	if len(list) == 1 {
		delete(e.coll, k)
	} else {
		e.coll[k] = list
	}
	return win, true, true
}

// mtAdd records entry v of category c at prefix p of table t (whose
// identity is table) and updates the stores.
func mtAdd[C cellT](e *Engine, t *mtable[C], table uint32, p netip.Prefix, c int, v value) {
	ck := collKey{table: table, pfx: p, cat: uint8(c)}
	if p.IsSingleIP() {
		cl := t.hostCell(p.Addr())
		cur := cl[c]
		win := e.addMember(ck, cur, cur != 0, v)
		if cur != 0 && win == cur {
			return
		}
		cl[c] = win
		t.setHost(p.Addr(), cl, e.building, e.batchFor(table))
		return
	}
	k := cownKey{table: table, pfx: p}
	own := e.cown[k]
	cur := own[c]
	win := e.addMember(ck, cur, cur != 0, v)
	if cur != 0 && win == cur {
		return
	}
	own[c] = win
	e.cown[k] = own
	refreshCIDR(e, t, table, p)
}

// mtRemove removes one entry v of category c at prefix p; it reports
// whether it was there.
func mtRemove[C cellT](e *Engine, t *mtable[C], table uint32, p netip.Prefix, c int, v value) bool {
	ck := collKey{table: table, pfx: p, cat: uint8(c)}
	if p.IsSingleIP() {
		cl := t.hostCell(p.Addr())
		cur := cl[c]
		if cur == 0 {
			return false
		}
		win, remains, found := e.removeMember(ck, cur, v)
		if !found || (remains && win == cur) {
			return found
		}
		cl[c] = 0
		if remains {
			cl[c] = win
		}
		t.setHost(p.Addr(), cl, e.building, e.batchFor(table))
		return true
	}
	k := cownKey{table: table, pfx: p}
	own := e.cown[k]
	cur := own[c]
	if cur == 0 {
		return false
	}
	win, remains, found := e.removeMember(ck, cur, v)
	if !found || (remains && win == cur) {
		return found
	}
	own[c] = 0
	if remains {
		own[c] = win
	}
	if own.empty() {
		delete(e.cown, k)
	} else {
		e.cown[k] = own
	}
	refreshCIDR(e, t, table, p)
	return true
}

// unionMin is the number of changed trie cells from which refreshCIDR
// applies them with one persistent union instead of one persistent
// insertion each.
const unionMin = 8

// refreshCIDR brings the trie of t in line with the writer's record of
// the entries at p: it stores, updates or deletes p and recomputes the
// inherited cells of the prefixes p covers. Cost: one covering lookup plus
// a walk over the stored prefixes inside p (none for most prefixes), each
// changed one an insertion.
func refreshCIDR[C cellT](e *Engine, t *mtable[C], table uint32, p netip.Prefix) {
	_, has := e.cown[cownKey{table: table, pfx: p}]
	var base ccell[C]
	if t.cidr != nil && p.Bits() > 0 {
		if _, pc, ok := t.cidr.LookupPrefixLPM(netip.PrefixFrom(p.Addr(), p.Bits()-1)); ok {
			base = pc
		}
	}
	type item struct {
		p      netip.Prefix
		old    ccell[C]
		stored bool
	}
	var items []item
	if t.cidr != nil {
		for sp, sc := range t.cidr.Subnets(p) {
			items = append(items, item{sp, sc, true})
		}
	}
	if has && (len(items) == 0 || items[0].p != p) {
		items = append([]item{{p: p}}, items...)
	}
	type frame struct {
		p  netip.Prefix
		cc ccell[C]
	}
	type setItem struct {
		frame
		old    ccell[C]
		stored bool
	}
	var stack []frame
	var sets []setItem
	del := false
	for _, it := range items {
		for len(stack) > 0 {
			top := stack[len(stack)-1].p
			if top.Bits() < it.p.Bits() && top.Contains(it.p.Addr()) {
				break
			}
			stack = stack[:len(stack)-1]
		}
		inh := base
		if len(stack) > 0 {
			inh = stack[len(stack)-1].cc
		}
		if it.p == p && !has {
			del = it.stored
			continue
		}
		o := e.cown[cownKey{table: table, pfx: it.p}]
		var nc ccell[C]
		for x := range len(nc.eff) {
			if o[x] != 0 {
				nc.eff[x], nc.bits[x] = o[x], uint8(it.p.Bits())
			} else {
				nc.eff[x], nc.bits[x] = inh.eff[x], inh.bits[x]
			}
		}
		if !it.stored || nc != it.old {
			sets = append(sets, setItem{frame{it.p, nc}, it.old, it.stored})
		}
		stack = append(stack, frame{it.p, nc})
	}
	if t.cidr == nil {
		if len(sets) == 0 {
			return
		}
		t.cidr = new(bart.Table[ccell[C]])
	}
	switch {
	case e.building:
		if del {
			t.cidr.Delete(p)
		}
		for _, f := range sets {
			t.cidr.Insert(f.p, f.cc)
		}
	default:
		if del {
			t.cidr = t.cidr.DeletePersist(p)
		}
		if len(sets) < unionMin {
			for _, f := range sets {
				t.cidr = t.cidr.InsertPersist(f.p, f.cc)
			}
			break
		}
		// Many changed cells (a short prefix covering stored ones): one
		// persistent union clones each touched trie node once, where an
		// insertion per cell would clone the path to every cell.
		u := new(bart.Table[ccell[C]])
		for _, f := range sets {
			u.Insert(f.p, f.cc)
		}
		t.cidr = t.cidr.UnionPersist(u)
	}
	if t.cidr.Size() == 0 {
		t.cidr = nil
	}
	if e.building || !p.Addr().Is4() {
		return // New indexes the IPv4 prefixes once at the end
	}
	// Bring the IPv4 lookup index in line: short prefixes are mirrored
	// into s4; each /16 whose masked cells changed is rebuilt (at most
	// one: a change at /16 or longer stays inside its /16, and a shorter
	// one changes only categories the chunks mask).
	if del && p.Bits() < short4 && t.s4 != nil {
		t.s4 = t.s4.DeletePersist(p)
	}
	chunk, dirty := uint32(0), del && p.Bits() >= short4
	if dirty {
		chunk = key4(p.Addr()) >> 16
	}
	for _, f := range sets {
		switch {
		case f.p.Bits() < short4:
			if t.s4 == nil {
				t.s4 = new(bart.Table[ccell[C]])
			}
			t.s4 = t.s4.InsertPersist(f.p, f.cc)
		case !f.stored || mask4(f.old) != mask4(f.cc):
			chunk, dirty = key4(f.p.Addr())>>16, true
		}
	}
	if t.s4 != nil && t.s4.Size() == 0 {
		t.s4 = nil
	}
	if dirty {
		if b := e.batchFor(table); b != nil {
			b.markStale(t, chunk)
			return
		}
		t.rebuildChunk4(chunk)
	}
}

func (e *Engine) mapAdd(m *map[string]value, table uint32, name string, v value) {
	cur, ok := (*m)[name]
	win := e.addMember(collKey{table: table, name: name}, cur, ok, v)
	if ok && win == cur {
		return
	}
	if *m == nil {
		*m = map[string]value{}
	} else if !e.building {
		*m = maps.Clone(*m)
	}
	(*m)[name] = win
}

func (e *Engine) mapRemove(m *map[string]value, table uint32, name string, v value) bool {
	cur, ok := (*m)[name]
	if !ok {
		return false
	}
	win, remains, found := e.removeMember(collKey{table: table, name: name}, cur, v)
	if !found || (remains && win == cur) {
		return found
	}
	nm := maps.Clone(*m)
	if remains {
		nm[name] = win
	} else {
		delete(nm, name)
	}
	*m = nm
	return true
}

// emergencyTarget validates an entry and returns its canonical prefix (or
// an invalid prefix for a name target).
func emergencyTarget(en *EmergencyEntry) (netip.Prefix, error) {
	if en.Layer >= numLayers || en.Category > CategoryBlock {
		return netip.Prefix{}, fmt.Errorf("%w: emergency entry of policy %q: layer %d, category %d", ErrInvalid, en.PolicyID, en.Layer, en.Category)
	}
	n := 0
	if en.Prefix.IsValid() {
		n++
	}
	if en.User != "" {
		n++
	}
	if en.Domain != "" {
		n++
	}
	if n != 1 || en.PolicyID == "" {
		return netip.Prefix{}, fmt.Errorf("%w: emergency entry of policy %q needs a policy ID and exactly one of prefix, user, domain", ErrInvalid, en.PolicyID)
	}
	if !en.Prefix.IsValid() {
		return netip.Prefix{}, nil
	}
	p, ok := canonPrefix(en.Prefix)
	if !ok {
		return netip.Prefix{}, fmt.Errorf("%w: emergency entry of policy %q: prefix %s", ErrInvalid, en.PolicyID, en.Prefix)
	}
	return p, nil
}

func (e *Engine) addEmergency(s *Snapshot, en *EmergencyEntry, now time.Time) error {
	p, err := emergencyTarget(en)
	if err != nil {
		return err
	}
	exp := encExp(en.Expires)
	if exp != 0 && exp <= relMs(now) {
		return nil // already expired
	}
	r, err := e.ref(RuleEmergency, en.PolicyID, en.PolicyID)
	if err != nil {
		return err
	}
	v := pack(exp, r)
	sub := uint32(en.Layer)*2 + uint32(en.Category)
	switch {
	case p.IsValid():
		mtAdd(e, &s.em[en.Layer], tblEmIP+uint32(en.Layer), p, int(en.Category), v)
		if exp != 0 {
			e.ipEvents.push(ipEventFor(exp, v, p, uint8(tblEmIP+uint32(en.Layer)), uint8(en.Category)))
			e.signal()
		}
	case en.User != "":
		e.mapAdd(&s.emUser[en.Layer][en.Category], tblEmUser+sub, en.User, v)
		if exp != 0 {
			e.pushEvent(event{at: exp, kind: evExpireName, table: tblEmUser + sub, name: en.User, val: v})
		}
	default:
		e.mapAdd(&s.emDomain[en.Layer][en.Category], tblEmDomain+sub, en.Domain, v)
		if exp != 0 {
			e.pushEvent(event{at: exp, kind: evExpireName, table: tblEmDomain + sub, name: en.Domain, val: v})
		}
	}
	return nil
}
