package penalty

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCapacity is the number of sources a Box holds when New is given
// no capacity.
const DefaultCapacity = 1 << 16

// shardCount is the number of independently locked parts of a Box.
const shardCount = 64

// Box holds punished sources until their blocked-until time. It is safe
// for concurrent use. A source is keyed by its scope (the policy that
// punished it), its kind and a 64-bit seeded hash of its value, so that
// an entry's size does not depend on what a client sent.
//
// Memory: at most Capacity entries (rounded up to a multiple of 64),
// spread over 64 shards by key hash. When a shard is full, Put first
// drops the shard's expired entries; when none has expired it evicts the
// entry whose block ends soonest (when the new entry's own block ends
// sooner still, the new entry is not kept). The work of one Put is
// therefore bounded by the shard's size (Capacity/64).
type Box struct {
	seed     maphash.Seed
	perShard int
	live     atomic.Int64 // entries held, expired ones included, for the empty fast path
	shards   [shardCount]shard
}

type shard struct {
	mu sync.Mutex
	m  map[key]entry
}

type key struct {
	scope string
	kind  Kind
	hash  uint64
}

type entry struct {
	until  time.Time
	ruleID string
}

// New returns an empty box of at most capacity sources (<= 0:
// DefaultCapacity).
func New(capacity int) *Box {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	b := &Box{seed: maphash.MakeSeed(), perShard: (capacity + shardCount - 1) / shardCount}
	for i := range b.shards {
		b.shards[i].m = map[key]entry{}
	}
	return b
}

// Capacity is the most sources the box holds.
func (b *Box) Capacity() int { return b.perShard * shardCount }

// Len is the number of sources held, expired ones not yet dropped
// included.
func (b *Box) Len() int { return int(b.live.Load()) }

// Empty reports whether the box holds nothing: one atomic load, so that
// the request path skips the lookups while nobody is punished.
func (b *Box) Empty() bool { return b.live.Load() == 0 }

func (b *Box) key(scope string, kind Kind, value string) key {
	return key{scope: scope, kind: kind, hash: maphash.String(b.seed, value)}
}

func (b *Box) shard(k key) *shard {
	return &b.shards[(k.hash^maphash.String(b.seed, k.scope))%shardCount]
}

// Put blocks the source (scope, kind, value) until until, on behalf of
// the known-attack-source rule ruleID. A source already held keeps the
// later of the two times. An empty value or an until not after now is
// ignored.
func (b *Box) Put(scope string, kind Kind, value, ruleID string, until, now time.Time) {
	if value == "" {
		return
	}
	b.put(b.key(scope, kind, value), ruleID, until, now)
}

// PutAddr blocks a client address (kind KindIP) like Put. An IPv4 address
// and its IPv4-mapped IPv6 form are one source.
func (b *Box) PutAddr(scope string, addr netip.Addr, ruleID string, until, now time.Time) {
	if !addr.IsValid() {
		return
	}
	b.put(b.addrKey(scope, addr), ruleID, until, now)
}

func (b *Box) addrKey(scope string, addr netip.Addr) key {
	a := addr.Unmap().As16()
	return key{scope: scope, kind: KindIP, hash: maphash.Bytes(b.seed, a[:])}
}

func (b *Box) put(k key, ruleID string, until, now time.Time) {
	if !until.After(now) {
		return
	}
	s := b.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[k]; ok {
		if until.After(old.until) {
			s.m[k] = entry{until: until, ruleID: ruleID}
		}
		return
	}
	if len(s.m) >= b.perShard && !b.makeRoom(s, until, now) {
		return
	}
	s.m[k] = entry{until: until, ruleID: ruleID}
	b.live.Add(1)
}

// makeRoom frees one place in the full shard s for an entry blocked until
// until: expired entries first, else the entry released soonest when it
// is released before until. It reports whether there is room.
func (b *Box) makeRoom(s *shard, until, now time.Time) bool {
	var soonest key
	var soonestUntil time.Time
	dropped := 0
	for k, e := range s.m {
		if !e.until.After(now) {
			delete(s.m, k)
			dropped++
			continue
		}
		if soonestUntil.IsZero() || e.until.Before(soonestUntil) {
			soonest, soonestUntil = k, e.until
		}
	}
	if dropped > 0 {
		b.live.Add(-int64(dropped))
		return true
	}
	if soonestUntil.IsZero() || !soonestUntil.Before(until) {
		return false
	}
	delete(s.m, soonest)
	b.live.Add(-1)
	return true
}

// Blocked reports whether the source (scope, kind, value) is blocked at
// now, and by which known-attack-source rule. An expired entry met here
// is dropped.
func (b *Box) Blocked(scope string, kind Kind, value string, now time.Time) (ruleID string, blocked bool) {
	if value == "" || b.Empty() {
		return "", false
	}
	return b.blocked(b.key(scope, kind, value), now)
}

// BlockedAddr reports whether a client address is blocked, like Blocked.
func (b *Box) BlockedAddr(scope string, addr netip.Addr, now time.Time) (ruleID string, blocked bool) {
	if !addr.IsValid() || b.Empty() {
		return "", false
	}
	return b.blocked(b.addrKey(scope, addr), now)
}

func (b *Box) blocked(k key, now time.Time) (string, bool) {
	s := b.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	if !ok {
		return "", false
	}
	if !e.until.After(now) {
		delete(s.m, k)
		b.live.Add(-1)
		return "", false
	}
	return e.ruleID, true
}
