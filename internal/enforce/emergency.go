package enforce

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// EnforcementLog tells which SecMaster enforcement rows were written since
// a cursor, so an update reads those rows rather than every row of the
// project. *sqlite.DB implements it.
type EnforcementLog interface {
	// EnforcementCursor returns the position of the latest write.
	EnforcementCursor(ctx context.Context) (int64, error)
	// EnforcementChanges returns the target project's rows written after
	// the cursor: current ones (expired or not) and the keys (DefenseID,
	// Object) of deleted ones, with the cursor to pass next; complete is
	// false when the log no longer reaches back to after.
	EnforcementChanges(ctx context.Context, targetProjectID string, after int64) (current, gone []secmaster.Enforcement, cursor int64, complete bool, err error)
}

// emRef identifies an enforcement row (its primary key).
type emRef struct{ defense, object string }

// emLoad is what one load of the SecMaster family leaves for the next:
// the entries in force by row, and the change-log position they are
// current to.
type emLoad struct {
	byRef  map[emRef]engine.EmergencyEntry
	cursor int64
}

func (l *emLoad) entries() []engine.EmergencyEntry {
	if l == nil {
		return nil
	}
	return slices.Collect(maps.Values(l.byRef))
}

// layerOf maps a SecMaster layer name to the engine's.
func layerOf(name string) (engine.Layer, bool) {
	for _, l := range layers {
		if l.name == name {
			return l.layer, true
		}
	}
	return 0, false
}

// loadEmergencyFamily reads the SecMaster entries. Given a change log,
// the previous load and incremental, it reads only the rows written since then and returns
// the difference to apply and a commit that brings prev up to date (call
// it once the difference is applied); otherwise it reads every row of
// every layer, and the difference is against prev's entries (all added
// when prev is nil) and commit does nothing. Entries expired at now are
// left out.
func loadEmergencyFamily(ctx context.Context, src EnforcementSource, emLog EnforcementLog, projectID string, prev *emLoad,
	now time.Time, incremental bool) (*emLoad, EmergencyDiff, func(), error) {
	if emLog != nil && prev != nil && incremental {
		current, gone, cursor, complete, err := emLog.EnforcementChanges(ctx, projectID, prev.cursor)
		if err != nil {
			return nil, EmergencyDiff{}, nil, fmt.Errorf("secmaster enforcement changes: %w", err)
		}
		if complete {
			return changedEmergency(prev, current, gone, cursor, now)
		}
	}
	out := &emLoad{byRef: map[emRef]engine.EmergencyEntry{}}
	if emLog != nil {
		var err error
		if out.cursor, err = emLog.EnforcementCursor(ctx); err != nil {
			return nil, EmergencyDiff{}, nil, fmt.Errorf("secmaster enforcement changes: %w", err)
		}
	}
	for _, l := range layers {
		rows, err := src.Enforcements(ctx, projectID, l.name)
		if err != nil {
			return nil, EmergencyDiff{}, nil, fmt.Errorf("secmaster %s enforcements: %w", l.name, err)
		}
		for i := range rows {
			if en, ok := emergencyEntry(l.layer, &rows[i]); ok && live(&en, now) {
				out.byRef[emRef{rows[i].DefenseID, rows[i].Object}] = en
			}
		}
	}
	return out, diffEmergency(prev.entries(), out.entries()), func() {}, nil
}

// changedEmergency computes the difference the changed rows make to prev.
func changedEmergency(prev *emLoad, current, gone []secmaster.Enforcement, cursor int64, now time.Time) (*emLoad, EmergencyDiff, func(), error) {
	var d EmergencyDiff
	type put struct {
		ref     emRef
		en      engine.EmergencyEntry
		present bool
	}
	var puts []put
	for i := range gone {
		ref := emRef{gone[i].DefenseID, gone[i].Object}
		if old, ok := prev.byRef[ref]; ok {
			d.Removed = append(d.Removed, old)
			puts = append(puts, put{ref: ref})
		}
	}
	for i := range current {
		ref := emRef{current[i].DefenseID, current[i].Object}
		en, ok := engine.EmergencyEntry{}, false
		if l, known := layerOf(current[i].Layer); known {
			en, ok = emergencyEntry(l, &current[i])
			ok = ok && live(&en, now)
		}
		old, had := prev.byRef[ref]
		if had && ok && keyOf(&old) == keyOf(&en) {
			continue
		}
		if had {
			d.Removed = append(d.Removed, old)
		}
		if ok {
			d.Added = append(d.Added, en)
		}
		if had || ok {
			puts = append(puts, put{ref: ref, en: en, present: ok})
		}
	}
	commit := func() {
		for _, p := range puts {
			if p.present {
				prev.byRef[p.ref] = p.en
			} else {
				delete(prev.byRef, p.ref)
			}
		}
		prev.cursor = cursor
	}
	return prev, d, commit, nil
}

// live reports whether en is in force at now.
func live(en *engine.EmergencyEntry, now time.Time) bool {
	return en.Expires.IsZero() || en.Expires.After(now)
}
