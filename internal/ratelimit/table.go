package ratelimit

import (
	"errors"
	"hash/maphash"
	"math/bits"
	"sync"
	"time"
)

// ProbeWindow is how many slots, from a key's home slot on, may hold the
// key: the slots searched for it and among which a newcomer takes or
// replaces one.
const ProbeWindow = 16

// maxShards bounds the number of locks; minKeysPerShard keeps small tables
// in few shards so that their probe windows are not crowded.
const (
	maxShards       = 64
	minKeysPerShard = 1024
)

// Table counts requests per key for many keys in memory fixed when it is
// made. It is safe for concurrent use.
type Table struct {
	seed      maphash.Seed
	shardBits uint
	shards    []shard
}

// shard is one lock and its slots; padded so that two shards' locks do not
// share a cache line.
type shard struct {
	mu        sync.Mutex
	live      int
	untracked uint64
	evicted   uint64
	slots     []slot
	_         [64]byte
}

// New makes a table of maxKeys slots (rounded up to a multiple of its shard
// count; Cap tells), each of which tracks one key: 32 bytes per slot, all
// allocated here.
func New(maxKeys int) (*Table, error) {
	if maxKeys < 1 {
		return nil, errors.New("ratelimit: the table must hold at least one key")
	}
	n := 1
	for n < maxShards && maxKeys/(n*2) >= minKeysPerShard {
		n *= 2
	}
	size := max((maxKeys+n-1)/n, ProbeWindow)
	t := &Table{
		seed:      maphash.MakeSeed(),
		shardBits: uint(bits.TrailingZeros(uint(n))),
		shards:    make([]shard, n),
	}
	for i := range t.shards {
		t.shards[i].slots = make([]slot, size)
	}
	return t, nil
}

// Cap is how many keys the table tracks at most.
func (t *Table) Cap() int { return len(t.shards[0].slots) * len(t.shards) }

// Key hashes a key: scope names the caller's counting (a rule and its
// settings), host is empty when the key is not per host, value is the key
// value. The result is never 0.
func (t *Table) Key(scope uint64, host, value string) uint64 {
	h := mix(maphash.String(t.seed, value) ^ scope)
	if host != "" {
		h = mix(h ^ mix(maphash.String(t.seed, host)+0x9e3779b97f4a7c15))
	}
	return nonZero(h)
}

// KeyBytes is Key for a value held in bytes (an address).
func (t *Table) KeyBytes(scope uint64, host string, value []byte) uint64 {
	h := mix(maphash.Bytes(t.seed, value) ^ scope)
	if host != "" {
		h = mix(h ^ mix(maphash.String(t.seed, host)+0x9e3779b97f4a7c15))
	}
	return nonZero(h)
}

// mix is the finaliser of SplitMix64, a bijection that spreads every input
// bit over the output.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func nonZero(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// Count counts one request of key (from Key or KeyBytes) at now under l,
// which must be valid (Limit.Validate), and decides. The same key must
// always be counted under the same limit; a caller that changes a limit
// changes the scope of its keys.
func (t *Table) Count(key uint64, l *Limit, now time.Time) Decision {
	key = nonZero(key)
	ns := now.UnixNano()
	sec := uint32(now.Unix())
	sh := &t.shards[key>>(64-t.shardBits)&(1<<t.shardBits-1)]
	sh.mu.Lock()
	s := sh.find(key, ns)
	if s == nil {
		sh.untracked++
		sh.mu.Unlock()
		return Untracked
	}
	if s.hash != key {
		s.start(key, l, ns)
	}
	d := s.hit(l, ns)
	s.seen = sec
	sh.mu.Unlock()
	return d
}

// find returns the slot of key, or the slot a new key is to take (whose
// hash is not key yet), or nil when every slot the key may take is
// protected. The caller holds the lock.
func (sh *shard) find(key uint64, now int64) *slot {
	n := len(sh.slots)
	i := int((uint64(uint32(key)) * uint64(n)) >> 32)
	var spent, oldest *slot
	for range ProbeWindow {
		s := &sh.slots[i]
		switch {
		case s.hash == key:
			return s
		case s.hash == 0:
			// Slots are never emptied, so the key is not further on.
			sh.live++
			return s
		case spent != nil:
		case s.spent(now):
			spent = s
		case s.protected(now):
		case oldest == nil || s.seen < oldest.seen:
			oldest = s
		}
		if i++; i == n {
			i = 0
		}
	}
	if spent != nil {
		sh.evicted++
		return spent
	}
	if oldest != nil {
		sh.evicted++
		return oldest
	}
	return nil
}

// Stats is what a table holds and has done.
type Stats struct {
	Keys      int    // keys tracked
	Evicted   uint64 // keys pushed out by a new one
	Untracked uint64 // requests not counted for want of a slot
}

// Stats adds up the shards' figures.
func (t *Table) Stats() Stats {
	var st Stats
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		st.Keys += sh.live
		st.Evicted += sh.evicted
		st.Untracked += sh.untracked
		sh.mu.Unlock()
	}
	return st
}
