package bouncer

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

// pullTouchEvery is how stale a key's last pull may be before a pull
// writes it again (CrowdSec's Local API does the same: one write a
// minute at most).
const pullTouchEvery = time.Minute

// compactAfter is the number of deltas stored after a key's snapshot
// before the next pull stores a new snapshot instead.
const compactAfter = 256

// Service manages bouncer keys and answers their pulls from the decision
// feed. A Service is safe for concurrent use.
type Service struct {
	store Store
	feed  decision.Feed
	now   func() time.Time

	mu    sync.Mutex
	views map[viewID]*viewBox
	keys  map[string]*keyState // by key ID
}

type viewID struct {
	project string
	layer   decision.Layer
}

// viewBox is one view and the lock that serialises its pulls.
type viewBox struct {
	mu sync.Mutex
	v  *view
}

// keyState is what a key was last sent: everything of its view up to seq.
type keyState struct {
	box    *viewBox
	seq    uint64
	deltas int // stored after the snapshot
}

// New returns a Service over st, reading decisions from feed. now is the
// clock (nil: time.Now); the feed must use the same one.
func New(st Store, feed decision.Feed, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, feed: feed, now: now, views: map[viewID]*viewBox{}, keys: map[string]*keyState{}}
}

// Now returns the Service's clock's time: bans' remaining durations are
// counted from it.
func (s *Service) Now() time.Time { return s.now() }

// AddKey creates a key named name for the project's layer (cfw, vpc or
// waf) and returns it with its secret, which is not stored.
func (s *Service) AddKey(ctx context.Context, name, projectID, layer string) (Key, string, error) {
	if name == "" || len(name) > 64 || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
		return Key{}, "", rampart.Invalid("name", "The name must be 1 to 64 printable characters without spaces.")
	}
	if projectID == "" {
		return Key{}, "", rampart.Invalid("project", "The project is mandatory.")
	}
	l, ok := decision.ParseLayer(layer)
	if !ok || l == decision.LayerIAM {
		return Key{}, "", rampart.Invalid("layer", "The layer must be cfw, vpc or waf.")
	}
	secret, err := newSecret()
	if err != nil {
		return Key{}, "", err
	}
	id, err := newID()
	if err != nil {
		return Key{}, "", err
	}
	k := Key{ID: id, Name: name, ProjectID: projectID, Layer: l, Hash: HashSecret(secret), CreatedAt: s.now().UTC().Truncate(time.Millisecond)}
	if err := s.store.CreateBouncer(ctx, k); err != nil {
		if rampart.ErrorKind(err) == rampart.KindConflict {
			return Key{}, "", rampart.Errorf(rampart.KindConflict, "A bouncer named %s exists already.", name)
		}
		return Key{}, "", err
	}
	return k, secret, nil
}

// Keys lists the keys, by name.
func (s *Service) Keys(ctx context.Context) ([]Key, error) { return s.store.Bouncers(ctx) }

// DeleteKey deletes the key named name: its next pull is refused.
func (s *Service) DeleteKey(ctx context.Context, name string) error {
	if err := s.store.DeleteBouncer(ctx, name); err != nil {
		if rampart.ErrorKind(err) == rampart.KindNotFound {
			return rampart.Errorf(rampart.KindNotFound, "No bouncer is named %s.", name)
		}
		return err
	}
	return nil
}

// errForbidden is the answer to a missing, wrong or deleted key.
var errForbidden = rampart.Errorf(rampart.KindForbidden, "access forbidden")

// Authenticate returns the key whose secret is given; a KindForbidden
// error when there is none. The secret is never logged nor kept.
func (s *Service) Authenticate(ctx context.Context, secret string) (Key, error) {
	if secret == "" {
		return Key{}, errForbidden
	}
	k, err := s.store.BouncerByHash(ctx, HashSecret(secret))
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return Key{}, errForbidden
	}
	return k, err
}

// Prepare builds the ban list of every key's project and layer, so that
// the first pulls after a start do not wait for it (building the feed of
// a project of 1,000,000 entries takes seconds). It returns the first
// error; a failed list is built again at its first pull.
func (s *Service) Prepare(ctx context.Context) error {
	keys, err := s.store.Bouncers(ctx)
	if err != nil {
		return err
	}
	for i := range keys {
		b, err := s.box(ctx, &keys[i])
		if err != nil {
			return err
		}
		b.mu.Unlock()
	}
	return nil
}

// box returns the view of the key's project and layer, brought up to
// date with the feed, locked; the caller unlocks it.
func (s *Service) box(ctx context.Context, k *Key) (*viewBox, error) {
	id := viewID{k.ProjectID, k.Layer}
	s.mu.Lock()
	b := s.views[id]
	if b == nil {
		b = &viewBox{v: newView()}
		s.views[id] = b
	}
	s.mu.Unlock()
	b.mu.Lock()
	since := b.v.feedRev
	if !b.v.built {
		since = 0
	}
	c, err := s.feed.Changes(ctx, k.ProjectID, k.Layer, since, 0)
	if err != nil {
		b.mu.Unlock()
		return nil, err
	}
	b.v.apply(c)
	return b, nil
}

// Pull answers a pull of key k: with startup, every ban in force (new)
// and nothing deleted; otherwise what the key must add and delete to hold
// the bans in force, given what it was sent before (kept in memory, and
// read back from the store after a restart). A key never sent anything
// gets everything. What is sent is stored before Pull returns.
func (s *Service) Pull(ctx context.Context, k Key, startup bool) (added, deleted []Ban, err error) {
	b, err := s.box(ctx, &k)
	if err != nil {
		return nil, nil, err
	}
	defer b.mu.Unlock()
	v := b.v
	s.mu.Lock()
	ks := s.keys[k.ID]
	s.mu.Unlock()
	switch {
	case !startup && ks != nil && ks.box == b:
		if a, d, ok := v.since(ks.seq); ok {
			added, deleted = a, d
			if ks.deltas >= compactAfter {
				err = s.snapshot(ctx, k.ID, v)
			} else if len(a) > 0 || len(d) > 0 {
				err = s.store.AppendSent(ctx, k.ID, encodeBans(encodeBans(nil, d, true), a, false))
				ks.deltas++
			}
			break
		}
		fallthrough
	case !startup:
		added, deleted, err = s.resume(ctx, k.ID, v)
	default:
		added = make([]Ban, 0, len(v.blocks))
		v.all(func(b Ban) { added = append(added, b) })
		err = s.store.ResetSent(ctx, k.ID, encodeBans(make([]byte, 0, len(added)*14), added, false))
	}
	if err != nil {
		return nil, nil, err
	}
	if ks == nil || ks.box != b || startup || ks.seq < v.floor {
		ks = &keyState{box: b}
	}
	ks.seq = v.seq
	s.mu.Lock()
	s.keys[k.ID] = ks
	s.mu.Unlock()
	if now := s.now(); now.Sub(k.LastPull) >= pullTouchEvery {
		if err := s.store.TouchBouncer(ctx, k.ID, now); err != nil {
			return nil, nil, err
		}
	}
	return added, deleted, nil
}

// resume answers a key whose last pull this process does not know (a
// restart, or a key further behind than the view's log): the difference
// between its stored sent state and the bans in force, which become its
// new snapshot.
func (s *Service) resume(ctx context.Context, id string, v *view) (added, deleted []Ban, err error) {
	snap, deltas, err := s.store.Sent(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	held := map[netip.Prefix]int64{}
	if err := decodeInto(held, snap); err != nil {
		return nil, nil, err
	}
	for _, d := range deltas {
		if err := decodeInto(held, d); err != nil {
			return nil, nil, err
		}
	}
	var all []Ban
	v.all(func(b Ban) {
		all = append(all, b)
		if u, ok := held[b.Value]; !ok || u != b.Until {
			added = append(added, b)
		} else {
			delete(held, b.Value)
		}
	})
	for p, u := range held {
		if b, ok := v.valueAt(p); ok && b.Until == u {
			continue // still in force as sent
		}
		deleted = append(deleted, Ban{Value: p, Until: u})
	}
	return added, deleted, s.store.ResetSent(ctx, id, encodeBans(nil, all, false))
}

// snapshot stores every ban of v as the key's sent state.
func (s *Service) snapshot(ctx context.Context, id string, v *view) error {
	var all []Ban
	v.all(func(b Ban) { all = append(all, b) })
	s.mu.Lock()
	if ks := s.keys[id]; ks != nil {
		ks.deltas = 0
	}
	s.mu.Unlock()
	return s.store.ResetSent(ctx, id, encodeBans(nil, all, false))
}

// Match returns the bans in force for key k that contain q (contains),
// or that q contains (not contains), as CrowdSec's GET /v1/decisions
// filters by ip or range. An invalid q (no filter) returns every ban.
func (s *Service) Match(ctx context.Context, k Key, q netip.Prefix, contains bool) ([]Ban, error) {
	b, err := s.box(ctx, &k)
	if err != nil {
		return nil, err
	}
	defer b.mu.Unlock()
	v := b.v
	var out []Ban
	switch {
	case !q.IsValid():
		v.all(func(b Ban) { out = append(out, b) })
	case contains:
		q = normalize(q)
		for bits := q.Bits(); bits >= 0; bits-- {
			if b, ok := v.valueAt(netip.PrefixFrom(q.Addr(), bits).Masked()); ok {
				out = append(out, b)
			}
		}
	default:
		q = normalize(q)
		v.all(func(b Ban) {
			if b.Value.Bits() >= q.Bits() && q.Contains(b.Value.Addr()) {
				out = append(out, b)
			}
		})
	}
	return out, nil
}
