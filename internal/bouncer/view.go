package bouncer

import (
	"cmp"
	"math"
	"net/netip"
	"slices"
	"sort"

	"github.com/rampartsec/rampart/internal/decision"
)

// Ban is one ban a bouncer is sent: an address or a range in force until
// Until (Unix nanoseconds; Never: no expiry), named after the SecMaster
// policy that gives it its expiry.
type Ban struct {
	Value  netip.Prefix
	Until  int64
	Policy string
}

// Never is the Until of a ban that does not expire.
const Never = math.MaxInt64

// viewLogLen bounds a view's change log; a key further behind is answered
// from its stored sent state.
const viewLogLen = 65536

// source is one BLOCK entry at a prefix: its expiry and policy.
type source struct {
	until  int64
	policy string
}

// view is the ban list of one project's layer, derived from its emergency
// entries: every BLOCK prefix minus the WHITE prefixes (a BLOCK range with
// WHITE entries inside is split into the CIDRs around them; one inside a
// WHITE prefix is not sent). Each value is sent once, with the latest
// expiry of the BLOCK entries that give it. seq counts its changes, and
// log holds the latest ones so that each key's delta is the changes after
// the seq it was last sent. Guarded by the Service's lock of the view.
type view struct {
	feedRev uint64
	built   bool
	blocks  map[netip.Prefix][]source
	whites  map[netip.Prefix]int
	sorted  []netip.Prefix // whites, by address then length
	seq     uint64
	floor   uint64 // log holds every change after floor
	log     []logRec
}

type logRec struct {
	seq   uint64
	added bool
	ban   Ban
}

func newView() *view {
	return &view{blocks: map[netip.Prefix][]source{}, whites: map[netip.Prefix]int{}}
}

// untilKey is an entry's expiry as a Ban's Until.
func untilKey(e *decision.Entry) int64 {
	if e.Expires.IsZero() {
		return Never
	}
	return e.Expires.UnixNano()
}

// apply brings the view to the feed's changes and logs what changed in
// the ban list.
func (v *view) apply(c decision.Changes) {
	v.feedRev = c.Revision
	if c.Reset || !v.built {
		var before map[netip.Prefix]Ban
		if v.built {
			before = v.allMap()
		}
		v.blocks, v.whites = map[netip.Prefix][]source{}, map[netip.Prefix]int{}
		for i := range c.Added {
			v.add(&c.Added[i])
		}
		v.sortWhites()
		if v.built {
			v.diff(before, v.allMap())
		}
		v.built = true
		return
	}
	if len(c.Added) == 0 && len(c.Removed) == 0 {
		return
	}
	aff := map[netip.Prefix]struct{}{}
	for _, es := range [][]decision.Entry{c.Removed, c.Added} {
		for i := range es {
			v.affected(&es[i], aff)
		}
	}
	// The values to compare are those of the affected BLOCK prefixes before
	// and after the change; each is valued in both states (the change is
	// applied, undone and applied again: a value may also come from a
	// prefix the change does not touch).
	keys := map[netip.Prefix]struct{}{}
	v.piecesOf(aff, keys)
	v.mutate(c.Removed, c.Added)
	v.piecesOf(aff, keys)
	after := v.valuesAt(keys)
	v.mutate(c.Added, c.Removed)
	before := v.valuesAt(keys)
	v.mutate(c.Removed, c.Added)
	v.diff(before, after)
}

// mutate removes the entries removed and adds those added.
func (v *view) mutate(removed, added []decision.Entry) {
	whitesChanged := false
	for i := range removed {
		whitesChanged = v.remove(&removed[i]) || whitesChanged
	}
	for i := range added {
		whitesChanged = v.add(&added[i]) || whitesChanged
	}
	if whitesChanged {
		v.sortWhites()
	}
}

// affected adds the BLOCK prefixes whose bans an entry's change may alter.
func (v *view) affected(e *decision.Entry, aff map[netip.Prefix]struct{}) {
	if !e.Prefix.IsValid() {
		return
	}
	p := normalize(e.Prefix)
	if e.Block {
		aff[p] = struct{}{}
		return
	}
	for bits := p.Bits(); bits >= 0; bits-- { // BLOCK prefixes containing it are split
		if s := netip.PrefixFrom(p.Addr(), bits).Masked(); v.blocks[s] != nil {
			aff[s] = struct{}{}
		}
	}
	if isHost(p) {
		return
	}
	for s := range v.blocks { // BLOCK prefixes inside it are hidden
		if s.Bits() > p.Bits() && p.Contains(s.Addr()) {
			aff[s] = struct{}{}
		}
	}
}

// add adds an address entry; it reports whether the WHITE set changed.
func (v *view) add(e *decision.Entry) bool {
	if !e.Prefix.IsValid() {
		return false
	}
	p := normalize(e.Prefix)
	if !e.Block {
		v.whites[p]++
		return v.whites[p] == 1
	}
	v.blocks[p] = append(v.blocks[p], source{until: untilKey(e), policy: e.PolicyID})
	return false
}

// remove removes an address entry; it reports whether the WHITE set
// changed.
func (v *view) remove(e *decision.Entry) bool {
	if !e.Prefix.IsValid() {
		return false
	}
	p := normalize(e.Prefix)
	if !e.Block {
		if v.whites[p]--; v.whites[p] <= 0 {
			delete(v.whites, p)
			return true
		}
		return false
	}
	ss := v.blocks[p]
	i := slices.Index(ss, source{until: untilKey(e), policy: e.PolicyID})
	if i < 0 {
		return false
	}
	if ss = slices.Delete(ss, i, i+1); len(ss) == 0 {
		delete(v.blocks, p)
	} else {
		v.blocks[p] = ss
	}
	return false
}

func (v *view) sortWhites() {
	v.sorted = v.sorted[:0]
	for w := range v.whites {
		v.sorted = append(v.sorted, w)
	}
	slices.SortFunc(v.sorted, func(a, b netip.Prefix) int {
		return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
	})
}

// pieces returns the values BLOCK prefix s is sent as.
func (v *view) pieces(s netip.Prefix) []netip.Prefix {
	if len(v.whites) == 0 {
		return []netip.Prefix{s}
	}
	for bits := s.Bits(); bits >= 0; bits-- {
		if v.whites[netip.PrefixFrom(s.Addr(), bits).Masked()] > 0 {
			return nil // inside a WHITE prefix
		}
	}
	inside := v.whitesInside(s)
	if len(inside) == 0 {
		return []netip.Prefix{s}
	}
	ps, ok := carve(s, inside, MaxPieces)
	if !ok {
		return nil
	}
	return ps
}

// whitesInside returns the WHITE prefixes strictly inside s.
func (v *view) whitesInside(s netip.Prefix) []netip.Prefix {
	i := sort.Search(len(v.sorted), func(i int) bool { return !v.sorted[i].Addr().Less(s.Addr()) })
	var out []netip.Prefix
	for ; i < len(v.sorted) && s.Contains(v.sorted[i].Addr()); i++ {
		if v.sorted[i].Bits() > s.Bits() {
			out = append(out, v.sorted[i])
		}
	}
	return out
}

// best returns the source that gives a value its expiry: the latest, then
// the smallest policy ID.
func best(ss []source) source {
	b := ss[0]
	for _, s := range ss[1:] {
		if s.until > b.until || s.until == b.until && s.policy < b.policy {
			b = s
		}
	}
	return b
}

// valueAt returns the ban sent for value q, if any: the best of the BLOCK
// prefixes that q is a piece of.
func (v *view) valueAt(q netip.Prefix) (Ban, bool) {
	var found bool
	var b source
	consider := func(ss []source) {
		c := best(ss)
		if !found || c.until > b.until || c.until == b.until && c.policy < b.policy {
			b, found = c, true
		}
	}
	if len(v.whites) == 0 {
		if ss := v.blocks[q]; ss != nil {
			consider(ss)
		}
	} else {
		for bits := q.Bits(); bits >= 0; bits-- {
			s := netip.PrefixFrom(q.Addr(), bits).Masked()
			ss := v.blocks[s]
			if ss == nil {
				continue
			}
			if slices.Contains(v.pieces(s), q) {
				consider(ss)
			}
		}
	}
	if !found {
		return Ban{}, false
	}
	return Ban{Value: q, Until: b.until, Policy: b.policy}, true
}

// piecesOf adds to keys the values that the BLOCK prefixes aff are sent
// as.
func (v *view) piecesOf(aff, keys map[netip.Prefix]struct{}) {
	for s := range aff {
		if v.blocks[s] == nil {
			continue
		}
		for _, q := range v.pieces(s) {
			keys[q] = struct{}{}
		}
	}
}

// valuesAt returns the bans of the values keys that are sent.
func (v *view) valuesAt(keys map[netip.Prefix]struct{}) map[netip.Prefix]Ban {
	out := make(map[netip.Prefix]Ban, len(keys))
	for q := range keys {
		if b, ok := v.valueAt(q); ok {
			out[q] = b
		}
	}
	return out
}

// all calls fn with every ban of the view, each value once.
func (v *view) all(fn func(Ban)) {
	var seen map[netip.Prefix]struct{}
	for s := range v.blocks {
		ps := v.pieces(s)
		if len(ps) == 1 && ps[0] == s {
			if b, ok := v.valueAt(s); ok {
				fn(b)
			}
			continue
		}
		for _, q := range ps {
			if v.blocks[q] != nil {
				continue // sent as itself
			}
			if seen == nil {
				seen = map[netip.Prefix]struct{}{}
			}
			if _, dup := seen[q]; dup {
				continue
			}
			seen[q] = struct{}{}
			if b, ok := v.valueAt(q); ok {
				fn(b)
			}
		}
	}
}

// allMap returns every ban of the view by value.
func (v *view) allMap() map[netip.Prefix]Ban {
	m := make(map[netip.Prefix]Ban, len(v.blocks))
	v.all(func(b Ban) { m[b.Value] = b })
	return m
}

// diff logs the change from before to after.
func (v *view) diff(before, after map[netip.Prefix]Ban) {
	for q, b := range before {
		if a, ok := after[q]; !ok || a != b {
			v.record(false, b)
		}
	}
	for q, a := range after {
		if b, ok := before[q]; !ok || a != b {
			v.record(true, a)
		}
	}
}

func (v *view) record(added bool, b Ban) {
	v.seq++
	v.log = append(v.log, logRec{seq: v.seq, added: added, ban: b})
	if len(v.log) > viewLogLen {
		drop := len(v.log) - viewLogLen/2
		v.floor = v.log[drop-1].seq
		v.log = slices.Delete(v.log, 0, drop)
	}
}

// since returns what a key sent everything up to seq must add and delete,
// netted per value; ok is false when the log no longer reaches back to
// seq.
func (v *view) since(seq uint64) (added, deleted []Ban, ok bool) {
	if seq < v.floor || seq > v.seq {
		return nil, nil, false
	}
	i := sort.Search(len(v.log), func(i int) bool { return v.log[i].seq > seq })
	type state struct {
		first, last *logRec
	}
	net := map[netip.Prefix]*state{}
	var order []netip.Prefix
	for j := i; j < len(v.log); j++ {
		r := &v.log[j]
		st := net[r.ban.Value]
		if st == nil {
			st = &state{first: r}
			net[r.ban.Value] = st
			order = append(order, r.ban.Value)
		}
		st.last = r
	}
	for _, q := range order {
		st := net[q]
		had := !st.first.added // the key held first.ban when the first record removed it
		has := st.last.added
		if had && has && st.first.ban == st.last.ban {
			continue
		}
		if had {
			deleted = append(deleted, st.first.ban)
		}
		if has {
			added = append(added, st.last.ban)
		}
	}
	return added, deleted, true
}
