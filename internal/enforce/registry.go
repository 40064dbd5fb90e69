package enforce

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/origin"
	"github.com/rampartsec/rampart/internal/rampart"
)

// families are the revision counters a project's engine depends on.
var families = [...]rampart.Family{rampart.FamilySecMaster, rampart.FamilyWAF, rampart.FamilyWorkspace}

// Registry holds one compiled engine per project. An engine is built on
// first use and updated when the project's revision of a family has
// changed (see Refresh): the registry reloads only the families whose
// revision changed, compares them with the model the engine holds and
// applies the differences with the engine's incremental methods, each a
// copy-on-write version published atomically. A difference the engine
// refuses (ErrTooManyRefs, for one) falls back to a full rebuild that is
// swapped in whole. Readers never wait for an update of a project already
// loaded. Projects are kept until the process exits.
//
// A Registry is safe for concurrent use.
type Registry struct {
	src Sources
	geo atomic.Pointer[boxedLocator] // address data for engines built from now on
	now func() time.Time
	log *slog.Logger

	projects sync.Map // project ID → *project; read without locking on every decision
	feed     *feed    // emergency entries per project and layer, with their changes

	fullRebuild bool // compile changed projects in full (the benchmark's baseline)

	updating sync.WaitGroup // project updates started by refresh

	obs Observer // told of published engines (observe.go); nil: nobody
}

// project is the registry's state for one project.
type project struct {
	build sync.Mutex // serialises builds of this project
	eng   atomic.Pointer[engine.Engine]
	revs  [len(families)]int64 // revisions the engine was built from; guarded by build
	model engine.Project       // what the engine was built from (but Emergency: see em); guarded by build
	em    *emLoad              // the SecMaster family's entries; guarded by build
	waf   *wafLoad             // the WAF family's last load; guarded by build
	// stale: the engine holds part of an update it refused (Apply publishes
	// the changes made before the error) and the rebuild that should have
	// replaced it failed, so it no longer matches model; the next update
	// rebuilds. Guarded by build.
	stale bool
}

// NewRegistry returns an empty registry reading from src. geo answers
// geolocation and data-centre questions (nil: those rules never match);
// now is the engines' clock (nil: time.Now); log receives refresh errors
// (nil: discarded).
func NewRegistry(src Sources, geo engine.Locator, now func() time.Time, log *slog.Logger) *Registry {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Registry{src: src, now: now, log: log, feed: newFeed(now)}
	r.geo.Store(&boxedLocator{geo})
	return r
}

// boxedLocator boxes an engine.Locator for atomic replacement.
type boxedLocator struct{ engine.Locator }

// SetLocator replaces the address data (geolocation and IDC tags) of every
// engine, those already built and those built later. Decisions under way
// finish with the data they started with.
func (r *Registry) SetLocator(geo engine.Locator) {
	r.geo.Store(&boxedLocator{geo})
	r.projects.Range(func(_, v any) bool {
		p := v.(*project)
		p.build.Lock()
		if e := p.eng.Load(); e != nil {
			e.SetLocator(geo)
		}
		p.build.Unlock()
		return true
	})
}

// Engine returns the project's current engine, building it on first use.
func (r *Registry) Engine(ctx context.Context, projectID string) (*engine.Engine, error) {
	v, ok := r.projects.Load(projectID)
	if !ok {
		v, _ = r.projects.LoadOrStore(projectID, &project{})
	}
	p := v.(*project)
	if e := p.eng.Load(); e != nil {
		return e, nil
	}
	p.build.Lock()
	defer p.build.Unlock()
	if e := p.eng.Load(); e != nil {
		return e, nil
	}
	start := time.Now()
	e, err := r.rebuild(ctx, projectID, p, nil)
	if err == nil {
		r.published(projectID, BuildFirst, start, p)
	}
	return e, err
}

// Decider implements decision.Source: the project's current engine.
func (r *Registry) Decider(ctx context.Context, projectID string) (decision.Decider, error) {
	e, err := r.Engine(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Changes implements decision.Feed.
func (r *Registry) Changes(ctx context.Context, projectID string, layer decision.Layer, since uint64, wait time.Duration) (decision.Changes, error) {
	if layer >= decision.NumLayers {
		return decision.Changes{}, fmt.Errorf("layer %d: no such layer", layer)
	}
	if err := r.follow(ctx, projectID); err != nil {
		return decision.Changes{}, err
	}
	return r.feed.changes(ctx, projectID, layer, since, wait), nil
}

// Entries implements decision.Feed.
func (r *Registry) Entries(ctx context.Context, projectID string, layer decision.Layer) ([]decision.Entry, uint64, error) {
	if layer >= decision.NumLayers {
		return nil, 0, fmt.Errorf("layer %d: no such layer", layer)
	}
	if err := r.follow(ctx, projectID); err != nil {
		return nil, 0, err
	}
	es, rev := r.feed.entries(projectID, layer)
	return es, rev, nil
}

var _ decision.Feed = (*Registry)(nil)

// StopWaiting answers every waiting long poll of Changes (with no change)
// and makes later ones answer at once, so that a graceful shutdown is not
// held up by them.
func (r *Registry) StopWaiting() { r.feed.stop() }

// follow starts the project's feed (building its engine if needed): the
// feed keeps a copy of the entries and a change log only for projects a
// client follows.
func (r *Registry) follow(ctx context.Context, projectID string) error {
	if r.feed.project(projectID) != nil {
		return nil
	}
	if _, err := r.Engine(ctx, projectID); err != nil {
		return err
	}
	v, _ := r.projects.Load(projectID)
	p := v.(*project)
	p.build.Lock()
	defer p.build.Unlock()
	r.feed.start(projectID, p.em.entries())
	return nil
}

// revisions reads the project's revision counters.
func (r *Registry) revisions(ctx context.Context, projectID string) ([len(families)]int64, error) {
	var revs [len(families)]int64
	for i, f := range families {
		n, err := r.src.Revisions.Revision(ctx, projectID, f)
		if err != nil {
			return revs, fmt.Errorf("%s revision: %w", f, err)
		}
		revs[i] = n
	}
	return revs, nil
}

// rebuild loads and compiles the project and publishes the engine. The
// revisions are read before the state, so a write that lands during the
// load is seen as a change by the next Refresh. Called with p.build held;
// revs, when not nil, are revisions the caller has just read.
func (r *Registry) rebuild(ctx context.Context, projectID string, p *project, revs *[len(families)]int64) (*engine.Engine, error) {
	if revs == nil {
		rv, err := r.revisions(ctx, projectID)
		if err != nil {
			return nil, err
		}
		revs = &rv
	}
	model := &engine.Project{}
	em, fd, _, err := loadEmergencyFamily(ctx, r.src.SecMaster, r.src.SecMasterLog, projectID, p.em, r.now(), false)
	if err != nil {
		return nil, err
	}
	model.Emergency = em.entries()
	wl, err := loadWAFFamily(ctx, r.src.WAF, r.src.WAFLog, projectID, nil)
	if err != nil {
		return nil, err
	}
	model.WAF = wl.policies
	if model.Workspace, err = loadWorkspace(ctx, r.src.Workspace, projectID); err != nil {
		return nil, err
	}
	e, err := engine.New(model, r.geo.Load().Locator, r.now)
	if err != nil {
		return nil, fmt.Errorf("compile project %s: %w", projectID, err)
	}
	model.Emergency = nil // kept in em
	p.revs = *revs
	p.model = *model
	p.em = em
	p.waf = wl
	p.stale = false
	p.eng.Store(e)
	r.feed.apply(projectID, fd)
	return e, nil
}

// update brings the project's engine to revs: it reloads each family
// whose revision differs from the engine's, applies the differences
// incrementally, and falls back to a full rebuild when the engine refuses
// one. Called with p.build held.
func (r *Registry) update(ctx context.Context, projectID string, p *project, revs [len(families)]int64) error {
	start := time.Now()
	if r.fullRebuild || p.stale {
		return r.rebuildAfter(ctx, projectID, p, &revs, start)
	}
	e := p.eng.Load()
	next := p.model
	wl, em := p.waf, p.em
	var d EmergencyDiff
	commit := func() {}
	for i, f := range families {
		if revs[i] == p.revs[i] {
			continue
		}
		var err error
		switch f {
		case rampart.FamilySecMaster:
			em, d, commit, err = loadEmergencyFamily(ctx, r.src.SecMaster, r.src.SecMasterLog, projectID, p.em, r.now(), true)
		case rampart.FamilyWAF:
			if wl, err = loadWAFFamily(ctx, r.src.WAF, r.src.WAFLog, projectID, p.waf); err == nil {
				next.WAF = wl.policies
			}
		case rampart.FamilyWorkspace:
			next.Workspace, err = loadWorkspace(ctx, r.src.Workspace, projectID)
		}
		if err != nil {
			return err
		}
	}
	var onlyWB map[string]bool
	if wl != p.waf {
		onlyWB = wl.changed
	}
	// One Apply: readers see the whole update or none of it.
	err := e.Apply(func(b *engine.Batch) error {
		if err := applyEmergency(b, d); err != nil {
			return err
		}
		_, err := applyProject(b, &p.model, &next, onlyWB)
		return err
	})
	if err != nil {
		r.log.Warn("decision engine: incremental update refused, rebuilding", "project", projectID, "err", err)
		p.stale = true
		return r.rebuildAfter(ctx, projectID, p, &revs, start)
	}
	commit()
	p.revs = revs
	p.model = next
	p.em, p.waf = em, wl
	r.feed.apply(projectID, d)
	r.published(projectID, BuildIncremental, start, p)
	r.compact(projectID, p, e)
	return nil
}

// rebuildAfter is rebuild for an update that started at start, told to
// the observer as a full rebuild.
func (r *Registry) rebuildAfter(ctx context.Context, projectID string, p *project, revs *[len(families)]int64, start time.Time) error {
	_, err := r.rebuild(ctx, projectID, p, revs)
	if err == nil {
		r.published(projectID, BuildFull, start, p)
	}
	return err
}

// refSlack is how many references (and pending events) beyond twice the
// live ones an engine may hold before compact rebuilds it.
const refSlack = 1024

// compact replaces the project's engine e with a fresh build of the same
// model when e holds many more rule references, or pending expiries and
// activations, than the rules and entries in force need. The engine never
// reuses a reference, and drops a scheduled event only when it is due, so
// without this an engine updated incrementally grows with every policy and
// rule ID it has ever held (up to its limit of 16M references) and every
// expiry it has ever had. The rebuild costs as much as the references and
// events issued since the last one, so its cost per update is constant.
// Called with p.build held.
func (r *Registry) compact(projectID string, p *project, e *engine.Engine) {
	entries := 0
	if p.em != nil {
		entries = len(p.em.byRef)
	}
	refs, events := entries, entries // an entry: at most one reference and one expiry
	for i := range p.model.WAF {
		w := &p.model.WAF[i]
		refs += 1 + len(w.WhiteBlack) + len(w.Geo) + len(w.Reputation)
		events += 2 * len(w.WhiteBlack) // a window's start and end
	}
	if e.RefCount() <= 2*refs+refSlack && e.PendingEvents() <= 2*events+refSlack {
		return
	}
	start := time.Now()
	model := p.model
	model.Emergency = p.em.entries()
	fresh, err := engine.New(&model, r.geo.Load().Locator, r.now)
	if err != nil {
		r.log.Warn("decision engine: compaction failed", "project", projectID, "err", err)
		return
	}
	p.eng.Store(fresh)
	r.published(projectID, BuildCompaction, start, p)
}

// Refresh updates every loaded project whose revision of any family has
// changed, and sweeps due expiries and activations (so a whiteblackip
// rule's start takes effect). Projects are updated concurrently, each on
// its own, so a large update of one does not delay the others. It returns
// the number of projects updated; the first error is returned after every
// project was tried (a project that fails keeps its previous engine).
func (r *Registry) Refresh(ctx context.Context) (int, error) {
	return r.refresh(ctx, true)
}

// refresh is Refresh; without wait it returns once the updates are
// started, skips the projects whose update is still under way (the next
// call takes what they missed) and logs errors instead of returning them.
func (r *Registry) refresh(ctx context.Context, wait bool) (int, error) {
	all, err := r.src.Revisions.Revisions(ctx)
	if err != nil {
		return 0, fmt.Errorf("revisions: %w", err)
	}
	current := make(map[string][len(families)]int64, len(all))
	for _, rv := range all {
		for i, f := range families {
			if rv.Family == f {
				revs := current[rv.ProjectID]
				revs[i] = rv.Revision
				current[rv.ProjectID] = revs
			}
		}
	}
	var ids []string
	var ps []*project
	r.projects.Range(func(k, v any) bool {
		ids = append(ids, k.(string))
		ps = append(ps, v.(*project))
		return true
	})
	var mu sync.Mutex
	var first error
	n := 0
	var wg sync.WaitGroup
	for i, p := range ps {
		if p.eng.Load() == nil {
			continue // never built (or its first build failed): built on use
		}
		if !p.build.TryLock() {
			if !wait {
				continue
			}
			p.build.Lock()
		}
		revs := current[ids[i]]
		if revs == p.revs {
			r.sweep(p)
			p.build.Unlock()
			continue
		}
		r.updating.Add(1)
		wg.Go(func() {
			defer r.updating.Done()
			defer p.build.Unlock()
			err := r.update(ctx, ids[i], p, revs)
			r.sweep(p)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				n++
			case !wait && ctx.Err() == nil:
				r.log.Warn("decision engine refresh", "project", ids[i], "err", err)
			case first == nil:
				first = err
			}
		})
	}
	if !wait {
		return 0, nil
	}
	wg.Wait()
	return n, first
}

// sweep applies the project's due expiries and activations.
func (r *Registry) sweep(p *project) {
	e := p.eng.Load()
	now := r.now()
	if due, ok := e.NextDue(); ok && !due.After(now) {
		e.Sweep(now)
	}
}

// Run refreshes every interval until ctx is done, logging errors. A
// project whose update takes longer than the interval is skipped until it
// is done; the other projects are refreshed meanwhile.
func (r *Registry) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	defer r.updating.Wait() // the sources may close once Run returns
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := r.refresh(ctx, false); err != nil && ctx.Err() == nil {
			r.log.Warn("decision engine refresh", "err", err)
		}
	}
}

// Lookup answers where an address is from the address data in force (the
// data SetLocator last gave), so enforcement points that record locations
// follow reloads too. It implements engine.Locator.
func (r *Registry) Lookup(addr netip.Addr) (country, province origin.Code, tags origin.TagSet) {
	if l := r.geo.Load(); l != nil && l.Locator != nil {
		return l.Locator.Lookup(addr)
	}
	return 0, 0, 0
}
