package enforce

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/engine"
)

// feedLogLen bounds each layer's change log. A client further behind gets
// a full snapshot (Reset).
const feedLogLen = 8192

// feed keeps, per project and layer, the emergency entries in force and a
// bounded log of their changes, fed by the registry's diffs. Revisions
// start at the process's start time in microseconds, so a revision from
// before a restart is older than any this process issues and gets a full
// snapshot.
type feed struct {
	base     uint64
	now      func() time.Time
	projects sync.Map // project ID → *projectFeed
	stopOnce sync.Once
	stopped  chan struct{} // closed by stop: long polls answer at once
}

type projectFeed struct {
	mu     sync.Mutex
	layers [decision.NumLayers]layerFeed
}

// layerFeed is one layer's entries and change log; guarded by the
// project's mu.
type layerFeed struct {
	rev   uint64 // revision of the latest change
	floor uint64 // the log holds every change after floor
	set   map[emKey]*held
	log   []feedRec
	exp   expHeap
	wake  chan struct{} // closed at the next change
}

type held struct {
	en    engine.EmergencyEntry
	count int // identical entries (the client sees one)
}

type feedRec struct {
	rev   uint64
	added bool
	key   emKey
	en    engine.EmergencyEntry
}

func newFeed(now func() time.Time) *feed {
	return &feed{base: uint64(time.Now().UnixMicro()), now: now, stopped: make(chan struct{})}
}

// project returns the project's feed, nil when no client has asked for
// it yet.
func (f *feed) project(projectID string) *projectFeed {
	if v, ok := f.projects.Load(projectID); ok {
		return v.(*projectFeed)
	}
	return nil
}

// start creates the project's feed with the entries in force, unless it
// exists. The caller holds the project's build lock, so no diff is
// applied meanwhile.
func (f *feed) start(projectID string, entries []engine.EmergencyEntry) {
	if f.project(projectID) != nil {
		return
	}
	pf := &projectFeed{}
	for i := range pf.layers {
		l := &pf.layers[i]
		l.rev, l.floor, l.set, l.wake = f.base, f.base, map[emKey]*held{}, make(chan struct{})
	}
	now := f.now()
	for _, en := range entries {
		if en.Layer < decision.NumLayers {
			pf.layers[en.Layer].add(en, now)
		}
	}
	for i := range pf.layers { // the initial set is the base revision, not changes
		l := &pf.layers[i]
		l.log, l.rev, l.floor = nil, f.base, f.base // adding more than the log holds moved floor
	}
	f.projects.Store(projectID, pf)
}

// apply records a diff of the project's emergency entries, if a client
// follows the project.
func (f *feed) apply(projectID string, d EmergencyDiff) {
	pf := f.project(projectID)
	if pf == nil || len(d.Added) == 0 && len(d.Removed) == 0 {
		return
	}
	pf.mu.Lock()
	defer pf.mu.Unlock()
	now := f.now()
	var changed [decision.NumLayers]bool
	for _, en := range d.Removed {
		if en.Layer < decision.NumLayers && pf.layers[en.Layer].remove(keyOf(&en)) {
			changed[en.Layer] = true
		}
	}
	for _, en := range d.Added {
		if en.Layer < decision.NumLayers && pf.layers[en.Layer].add(en, now) {
			changed[en.Layer] = true
		}
	}
	for i, c := range changed {
		if c {
			pf.layers[i].notify()
		}
	}
}

func (l *layerFeed) record(added bool, k emKey, en engine.EmergencyEntry) {
	l.rev++
	l.log = append(l.log, feedRec{rev: l.rev, added: added, key: k, en: en})
	if len(l.log) > feedLogLen {
		drop := len(l.log) - feedLogLen/2
		l.floor = l.log[drop-1].rev
		l.log = slices.Delete(l.log, 0, drop)
	}
}

// add adds one entry; it reports whether the set of distinct entries
// changed. An entry that has already expired is not added.
func (l *layerFeed) add(en engine.EmergencyEntry, now time.Time) bool {
	if !en.Expires.IsZero() && !en.Expires.After(now) {
		return false
	}
	k := keyOf(&en)
	if h := l.set[k]; h != nil {
		h.count++
		return false
	}
	l.set[k] = &held{en: en, count: 1}
	l.record(true, k, en)
	if !en.Expires.IsZero() {
		heap.Push(&l.exp, expItem{at: en.Expires, key: k})
		if len(l.exp) > 2*len(l.set)+64 {
			l.compactExp()
		}
	}
	return true
}

// remove removes one entry; it reports whether the set changed.
func (l *layerFeed) remove(k emKey) bool {
	h := l.set[k]
	if h == nil {
		return false
	}
	if h.count--; h.count > 0 {
		return false
	}
	delete(l.set, k)
	l.record(false, k, h.en)
	if len(l.exp) > 2*len(l.set)+64 {
		l.compactExp()
	}
	return true
}

// compactExp rebuilds the expiry heap from the entries in force: a removed
// entry's item would otherwise stay until its expiry (a year's aging, say),
// and the heap would grow with every entry that came and went.
func (l *layerFeed) compactExp() {
	l.exp = make(expHeap, 0, len(l.set))
	for k, h := range l.set {
		if !h.en.Expires.IsZero() {
			l.exp = append(l.exp, expItem{at: h.en.Expires, key: k})
		}
	}
	heap.Init(&l.exp)
}

// expire removes the entries that have expired at now; it reports
// whether any did.
func (l *layerFeed) expire(now time.Time) bool {
	changed := false
	for len(l.exp) > 0 && !l.exp[0].at.After(now) {
		it := heap.Pop(&l.exp).(expItem)
		if h := l.set[it.key]; h != nil {
			delete(l.set, it.key)
			l.record(false, it.key, h.en)
			changed = true
		}
	}
	if changed {
		l.notify()
	}
	return changed
}

func (l *layerFeed) notify() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// since returns the changes after rev, netted per entry, or a snapshot.
func (l *layerFeed) since(rev uint64) decision.Changes {
	c := decision.Changes{Revision: l.rev}
	if rev < l.floor || rev > l.rev {
		c.Reset = true
		c.Added = l.entries()
		return c
	}
	i := sort.Search(len(l.log), func(i int) bool { return l.log[i].rev > rev })
	net := map[emKey]int{}
	var order []*feedRec
	for j := i; j < len(l.log); j++ {
		r := &l.log[j]
		if _, seen := net[r.key]; !seen {
			order = append(order, r)
		}
		if r.added {
			net[r.key]++
		} else {
			net[r.key]--
		}
	}
	for _, r := range order {
		switch n := net[r.key]; {
		case n > 0:
			c.Added = append(c.Added, entryOf(&r.en))
		case n < 0:
			c.Removed = append(c.Removed, entryOf(&r.en))
		}
	}
	return c
}

// entries returns the entries in force, in a stable order.
func (l *layerFeed) entries() []decision.Entry {
	out := make([]decision.Entry, 0, len(l.set))
	for _, h := range l.set {
		out = append(out, entryOf(&h.en))
	}
	slices.SortFunc(out, func(a, b decision.Entry) int {
		return cmp.Or(cmp.Compare(a.Domain, b.Domain), cmp.Compare(a.User, b.User), a.Prefix.Addr().Compare(b.Prefix.Addr()),
			cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()), cmp.Compare(a.PolicyID, b.PolicyID),
			boolCmp(a.Block, b.Block), a.Expires.Compare(b.Expires))
	})
	return out
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func entryOf(en *engine.EmergencyEntry) decision.Entry {
	return decision.Entry{Block: en.Category == engine.CategoryBlock, PolicyID: en.PolicyID, Prefix: en.Prefix,
		User: en.User, Domain: en.Domain, Expires: en.Expires}
}

// changes implements decision.Feed.Changes for a project already loaded.
func (f *feed) changes(ctx context.Context, projectID string, layer decision.Layer, since uint64, wait time.Duration) decision.Changes {
	pf := f.project(projectID)
	l := &pf.layers[layer]
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		pf.mu.Lock()
		l.expire(f.now())
		if since != l.rev {
			c := l.since(since)
			pf.mu.Unlock()
			return c
		}
		wake := l.wake
		var next <-chan time.Time
		var t *time.Timer
		if len(l.exp) > 0 {
			t = time.NewTimer(max(l.exp[0].at.Sub(f.now()), 0))
			next = t.C
		}
		rev := l.rev
		pf.mu.Unlock()
		done := false
		select {
		case <-wake:
		case <-next:
		case <-deadline.C:
			done = true
		case <-ctx.Done():
			done = true
		case <-f.stopped:
			done = true
		}
		if t != nil {
			t.Stop()
		}
		if done {
			return decision.Changes{Revision: rev}
		}
	}
}

// stop ends every long poll and makes later ones answer at once.
func (f *feed) stop() { f.stopOnce.Do(func() { close(f.stopped) }) }

// entries implements decision.Feed.Entries for a project already loaded.
func (f *feed) entries(projectID string, layer decision.Layer) ([]decision.Entry, uint64) {
	pf := f.project(projectID)
	pf.mu.Lock()
	defer pf.mu.Unlock()
	l := &pf.layers[layer]
	l.expire(f.now())
	return l.entries(), l.rev
}

// expItem is an entry's expiry in a layer's heap.
type expItem struct {
	at  time.Time
	key emKey
}

type expHeap []expItem

func (h expHeap) Len() int           { return len(h) }
func (h expHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h expHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expHeap) Push(x any)        { *h = append(*h, x.(expItem)) }
func (h *expHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
