package enforce

import (
	"maps"
	"slices"

	"github.com/rampartsec/rampart/internal/engine"
)

// emKey identifies an emergency entry for diffing: every field, with the
// expiry as Unix milliseconds (time.Time values are not comparable with ==).
type emKey struct {
	layer    engine.Layer
	category engine.Category
	policyID string
	prefix   string
	user     string
	domain   string
	expires  int64
}

func keyOf(en *engine.EmergencyEntry) emKey {
	k := emKey{layer: en.Layer, category: en.Category, policyID: en.PolicyID, user: en.User, domain: en.Domain}
	if en.Prefix.IsValid() {
		k.prefix = en.Prefix.String()
	}
	if !en.Expires.IsZero() {
		k.expires = en.Expires.UnixMilli()
	}
	return k
}

// EmergencyDiff is what changed in a project's emergency entries between
// two loads: entries to remove and entries to add (a changed expiry is a
// removal and an addition).
type EmergencyDiff struct {
	Removed []engine.EmergencyEntry
	Added   []engine.EmergencyEntry
}

// diffEmergency compares two lists of emergency entries as multisets.
func diffEmergency(old, cur []engine.EmergencyEntry) EmergencyDiff {
	count := make(map[emKey]int, len(old))
	for i := range old {
		count[keyOf(&old[i])]++
	}
	var d EmergencyDiff
	for i := range cur {
		k := keyOf(&cur[i])
		if count[k] > 0 {
			count[k]--
			continue
		}
		d.Added = append(d.Added, cur[i])
	}
	for i := range old {
		k := keyOf(&old[i])
		if count[k] > 0 {
			count[k]--
			d.Removed = append(d.Removed, old[i])
		}
	}
	return d
}

// applyEmergency applies d to the batch e: removals first, so an entry whose expiry
// changed is never held twice.
func applyEmergency(e *engine.Batch, d EmergencyDiff) error {
	for _, en := range d.Removed {
		if _, err := e.RemoveEmergency(en); err != nil {
			return err
		}
	}
	for _, en := range d.Added {
		if err := e.AddEmergency(en); err != nil {
			return err
		}
	}
	return nil
}

// applyWAF brings the WAF policies of the batch e from old to cur with the
// engine's incremental methods: changed rules are put, vanished rules and policies
// removed, host bindings moved. Rules and options change before hosts are
// bound to a new policy, so a host is never bound to a half-filled policy.
// When onlyWB is not nil, it names every whiteblackip rule that may
// differ between old and cur (the others are the same): only those are
// compared. It returns the number of engine calls made.
func applyWAF(e *engine.Batch, old, cur []engine.WAFPolicy, onlyWB map[string]bool) (int, error) {
	n := 0
	prev := make(map[string]*engine.WAFPolicy, len(old))
	for i := range old {
		prev[old[i].ID] = &old[i]
	}
	var empty engine.WAFPolicy
	for i := range cur {
		p := &cur[i]
		o := prev[p.ID]
		if o == nil {
			o = &empty
		}
		if o == &empty || o.Options != p.Options {
			if err := e.SetOptions(p.ID, p.Options); err != nil {
				return n, err
			}
			n++
		}
		oldWB, curWB := o.WhiteBlack, p.WhiteBlack
		if onlyWB != nil && o != &empty && len(onlyWB) <= maxNamedRules {
			oldWB, curWB = named(oldWB, onlyWB), named(curWB, onlyWB)
		}
		k, err := syncRules(oldWB, curWB, wbID, wbEqual,
			func(r engine.WhiteBlackRule) error { return e.PutWhiteBlack(p.ID, r) },
			func(id string) { e.RemoveWhiteBlack(p.ID, id) })
		n += k
		if err != nil {
			return n, err
		}
		k, err = syncRules(o.Geo, p.Geo, func(r *engine.GeoRule) string { return r.ID },
			func(a, b *engine.GeoRule) bool {
				return a.White == b.White && a.Enabled == b.Enabled && slices.Equal(a.Codes, b.Codes)
			},
			func(r engine.GeoRule) error { return e.PutGeo(p.ID, r) },
			func(id string) { e.RemoveGeo(p.ID, id) })
		n += k
		if err != nil {
			return n, err
		}
		k, err = syncRules(o.Reputation, p.Reputation, func(r *engine.ReputationRule) string { return r.ID },
			func(a, b *engine.ReputationRule) bool { return *a == *b },
			func(r engine.ReputationRule) error { return e.PutReputation(p.ID, r) },
			func(id string) { e.RemoveReputation(p.ID, id) })
		n += k
		if err != nil {
			return n, err
		}
	}
	kept := make(map[string]bool, len(cur))
	for i := range cur {
		kept[cur[i].ID] = true
	}
	for i := range old {
		if !kept[old[i].ID] {
			e.RemovePolicy(old[i].ID)
			n++
		}
	}
	before, after := hostBindings(old), hostBindings(cur)
	for h := range before {
		if _, ok := after[h]; !ok {
			e.UnbindHost(h)
			n++
		}
	}
	for _, h := range slices.Sorted(maps.Keys(after)) {
		pid := after[h]
		if was, ok := before[h]; ok && was == pid && kept[pid] {
			// RemovePolicy drops bindings; a kept policy keeps them.
			continue
		}
		if err := e.BindHost(h, pid); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// maxNamedRules bounds the rules applyWAF compares by name; more changed
// rules than this are compared by a full diff.
const maxNamedRules = 256

// named returns the rules of rs whose IDs are in ids (a new slice).
func named(rs []engine.WhiteBlackRule, ids map[string]bool) []engine.WhiteBlackRule {
	var out []engine.WhiteBlackRule
	for i := range rs {
		if ids[rs[i].ID] {
			out = append(out, rs[i])
		}
	}
	return out
}

func hostBindings(ps []engine.WAFPolicy) map[string]string {
	m := map[string]string{}
	for i := range ps {
		for _, h := range ps[i].Hosts {
			m[h] = ps[i].ID
		}
	}
	return m
}

func wbID(r *engine.WhiteBlackRule) string { return r.ID }

func wbEqual(a, b *engine.WhiteBlackRule) bool {
	return a.White == b.White && a.Enabled == b.Enabled && a.Start.Equal(b.Start) && a.Terminal.Equal(b.Terminal) &&
		slices.Equal(a.Prefixes, b.Prefixes)
}

// syncRules puts the rules of cur that are new or differ from old and
// removes the rules of old that cur lacks. It returns the number of calls.
func syncRules[R any](old, cur []R, id func(*R) string, equal func(a, b *R) bool, put func(R) error, remove func(string)) (int, error) {
	n := 0
	prev := make(map[string]*R, len(old))
	for i := range old {
		prev[id(&old[i])] = &old[i]
	}
	seen := make(map[string]bool, len(cur))
	for i := range cur {
		k := id(&cur[i])
		seen[k] = true
		if o := prev[k]; o != nil && equal(o, &cur[i]) {
			continue
		}
		if err := put(cur[i]); err != nil {
			return n, err
		}
		n++
	}
	for i := range old {
		if k := id(&old[i]); !seen[k] {
			remove(k)
			n++
		}
	}
	return n, nil
}

// applyProject applies the differences between old and cur to the batch e
// (published as one engine version by the caller's Apply) and
// returns the emergency entries' difference. Slices that are the same (a
// family not reloaded) are skipped; onlyWB is as for applyWAF; Workspace policies are replaced whole
// when reloaded.
func applyProject(e *engine.Batch, old, cur *engine.Project, onlyWB map[string]bool) (EmergencyDiff, error) {
	var d EmergencyDiff
	if !sameSlice(old.Emergency, cur.Emergency) {
		d = diffEmergency(old.Emergency, cur.Emergency)
		if err := applyEmergency(e, d); err != nil {
			return d, err
		}
	}
	if !sameSlice(old.WAF, cur.WAF) {
		if _, err := applyWAF(e, old.WAF, cur.WAF, onlyWB); err != nil {
			return d, err
		}
	}
	if !sameSlice(old.Workspace, cur.Workspace) {
		e.SetWorkspace(cur.Workspace)
	}
	return d, nil
}

// sameSlice reports whether a and b are the same slice (not merely equal).
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
