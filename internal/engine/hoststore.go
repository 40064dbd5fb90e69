package engine

import "slices"

// hostStore is a persistent hash set of single addresses (keys) with
// values. Its shape follows its size:
//
//   - up to flatMax entries: one slice, scanned linearly;
//   - up to smallMax entries: 256 buckets, indexed by 8 bits of the hash;
//   - beyond: 65,536 buckets reached through 256 pointers to 256-bucket
//     arrays, indexed by 16 bits of the hash.
//
// A bucket is a slice of key/value pairs stored side by side and sorted by
// key, so a lookup touches the bucket array and one run of entries (one or
// two cache misses on a large store), and an IPv4 lookup that misses stops
// at the first larger key (get4): half a bucket on average instead of all
// of it. An IPv4 entry costs 16 bytes and an IPv6 entry 24, plus
// 24 bytes per bucket. with and without copy the path to one bucket (at
// most a 2 KB pointer array, a 6 KB bucket array and the bucket) and never
// the whole set, except when a store outgrows its shape (at flatMax and
// smallMax entries: a one-off rehash of those entries). A hostStore
// reachable from a published Snapshot is never modified; set mutates in
// place and is only for stores under construction.
type hostStore[K comparable, V any] struct {
	n     int
	flat  []hostEntry[K, V]
	small *hostBuckets[K, V]
	large *[256]*hostBuckets[K, V]
}

type hostEntry[K comparable, V any] struct {
	k K
	v V
}

type hostBuckets[K comparable, V any] [256][]hostEntry[K, V]

const (
	flatMax  = 16
	smallMax = 4096
)

// addr6 is an IPv6 address as two integers.
type addr6 struct{ hi, lo uint64 }

func hash4(k uint32) uint32 { return (k * 0x9E3779B1) >> 16 }

func hash6(k addr6) uint32 {
	x := k.hi ^ (k.lo * 0x9E3779B97F4A7C15)
	return uint32((x * 0xBF58476D1CE4E5B9) >> 48)
}

// bucket returns the bucket of hash h (16 bits) for a store that is not
// flat.
func (s *hostStore[K, V]) bucket(h uint32) []hostEntry[K, V] {
	if s.large != nil {
		m := s.large[h>>8&255]
		if m == nil {
			return nil
		}
		return m[h&255]
	}
	return s.small[h&255]
}

func (s *hostStore[K, V]) get(h uint32, k K) (V, bool) {
	if s == nil {
		var zero V
		return zero, false
	}
	b := s.flat
	if s.small != nil || s.large != nil {
		b = s.bucket(h)
	}
	for i := range b {
		if b[i].k == k {
			return b[i].v, true
		}
	}
	var zero V
	return zero, false
}

// set inserts or replaces k in place (construction only).
func (s *hostStore[K, V]) set(h uint32, k K, v V) {
	if p := s.find(h, k); p != nil {
		p.v = v
		return
	}
	s.grow(s.n + 1)
	e := hostEntry[K, V]{k, v}
	switch {
	case s.large != nil:
		m := s.large[h>>8&255]
		if m == nil {
			m = new(hostBuckets[K, V])
			s.large[h>>8&255] = m
		}
		m[h&255] = insertSorted(m[h&255], e)
	case s.small != nil:
		s.small[h&255] = insertSorted(s.small[h&255], e)
	default:
		s.flat = insertSorted(s.flat, e)
	}
	s.n++
}

func (s *hostStore[K, V]) find(h uint32, k K) *hostEntry[K, V] {
	b := s.flat
	if s.small != nil || s.large != nil {
		b = s.bucket(h)
	}
	for i := range b {
		if b[i].k == k {
			return &b[i]
		}
	}
	return nil
}

// grow changes the shape in place when n entries no longer fit it.
func (s *hostStore[K, V]) grow(n int) {
	switch {
	case n > smallMax && s.large == nil:
		old := s.all()
		s.flat, s.small = nil, nil
		s.large = new([256]*hostBuckets[K, V])
		s.n = 0
		for _, e := range old {
			s.set(s.hashOf(e.k), e.k, e.v)
		}
	case n > flatMax && s.small == nil && s.large == nil:
		old := s.flat
		s.flat = nil
		s.small = new(hostBuckets[K, V])
		s.n = 0
		for _, e := range old {
			s.set(s.hashOf(e.k), e.k, e.v)
		}
	}
}

func (s *hostStore[K, V]) hashOf(k K) uint32 {
	switch k := any(k).(type) {
	case uint32:
		return hash4(k)
	case addr6:
		return hash6(k)
	}
	panic("engine: hostStore key type")
}

// all returns every entry (any order).
func (s *hostStore[K, V]) all() []hostEntry[K, V] {
	out := make([]hostEntry[K, V], 0, s.n)
	out = append(out, s.flat...)
	if s.small != nil {
		for _, b := range s.small {
			out = append(out, b...)
		}
	}
	if s.large != nil {
		for _, m := range s.large {
			if m != nil {
				for _, b := range m {
					out = append(out, b...)
				}
			}
		}
	}
	return out
}

// withBucket returns a copy of s whose bucket for h is replaced by b,
// copying only the arrays on the path.
func (s *hostStore[K, V]) withBucket(h uint32, b []hostEntry[K, V], n int) *hostStore[K, V] {
	ns := &hostStore[K, V]{n: n}
	switch {
	case s.large != nil:
		nl := *s.large
		nm := new(hostBuckets[K, V])
		if m := nl[h>>8&255]; m != nil {
			*nm = *m
		}
		nm[h&255] = b
		nl[h>>8&255] = nm
		ns.large = &nl
	case s.small != nil:
		nsm := *s.small
		nsm[h&255] = b
		ns.small = &nsm
	default:
		ns.flat = b
	}
	return ns
}

// with returns a new store with k set to v; s is unchanged. A nil s is an
// empty store.
func (s *hostStore[K, V]) with(h uint32, k K, v V) *hostStore[K, V] {
	if s == nil {
		s = &hostStore[K, V]{}
	}
	old := s.flat
	if s.small != nil || s.large != nil {
		old = s.bucket(h)
	}
	for i := range old {
		if old[i].k == k {
			nb := append([]hostEntry[K, V](nil), old...)
			nb[i].v = v
			return s.withBucket(h, nb, s.n)
		}
	}
	if (s.large == nil && s.n+1 > smallMax) || (s.small == nil && s.large == nil && s.n+1 > flatMax) {
		// Outgrown: rebuild in the next shape (a one-off, at most smallMax
		// entries).
		ns := &hostStore[K, V]{}
		for _, e := range s.all() {
			ns.set(ns.hashOf(e.k), e.k, e.v)
		}
		ns.set(h, k, v)
		return ns
	}
	nb := make([]hostEntry[K, V], len(old), len(old)+1)
	copy(nb, old)
	return s.withBucket(h, insertSorted(nb, hostEntry[K, V]{k, v}), s.n+1)
}

// isLarge reports whether s has its largest shape.
func (s *hostStore[K, V]) isLarge() bool { return s != nil && s.large != nil }

// withOwned is with (or, when remove, without) for a large store inside
// an Engine.Apply: the store and the bucket arrays that own records as
// copied by this Apply are changed in place, the others are copied once
// and recorded; the bucket itself is always copied, as a published
// snapshot may share it. A store that empties is returned as nil.
func (s *hostStore[K, V]) withOwned(h uint32, k K, v V, remove bool, own map[any]struct{}) *hostStore[K, V] {
	if _, ok := own[s]; !ok {
		ns := &hostStore[K, V]{n: s.n, large: new([256]*hostBuckets[K, V])}
		*ns.large = *s.large
		own[ns] = struct{}{}
		s = ns
	}
	m := s.large[h>>8&255]
	if _, ok := own[m]; !ok {
		nm := new(hostBuckets[K, V])
		if m != nil {
			*nm = *m
		}
		own[nm] = struct{}{}
		s.large[h>>8&255], m = nm, nm
	}
	old := m[h&255]
	i := slices.IndexFunc(old, func(e hostEntry[K, V]) bool { return e.k == k })
	switch {
	case remove && i < 0:
	case remove:
		var nb []hostEntry[K, V]
		if len(old) > 1 {
			nb = slices.Concat(old[:i], old[i+1:])
		}
		m[h&255] = nb
		s.n--
	case i >= 0:
		nb := slices.Clone(old)
		nb[i].v = v
		m[h&255] = nb
	default:
		nb := make([]hostEntry[K, V], len(old), len(old)+1)
		copy(nb, old)
		m[h&255] = insertSorted(nb, hostEntry[K, V]{k, v})
		s.n++
	}
	if s.n == 0 {
		return nil
	}
	return s
}

// without returns a new store without k (s itself when k is absent); it
// returns nil when the result is empty.
func (s *hostStore[K, V]) without(h uint32, k K) *hostStore[K, V] {
	if _, ok := s.get(h, k); !ok {
		return s
	}
	if s.n == 1 {
		return nil
	}
	old := s.flat
	if s.small != nil || s.large != nil {
		old = s.bucket(h)
	}
	var nb []hostEntry[K, V]
	if len(old) > 1 {
		nb = make([]hostEntry[K, V], 0, len(old)-1)
		for _, e := range old {
			if e.k != k {
				nb = append(nb, e)
			}
		}
	}
	return s.withBucket(h, nb, s.n-1)
}

// compact reallocates every bucket at its exact length, dropping the spare
// capacity that building with append leaves (about a third of a large
// store). It mutates in place: construction only.
func (s *hostStore[K, V]) compact() {
	if s == nil {
		return
	}
	s.flat = slices.Clone(s.flat)
	if s.small != nil {
		for i, b := range s.small {
			s.small[i] = slices.Clone(b)
		}
	}
	if s.large != nil {
		for _, m := range s.large {
			if m != nil {
				for i, b := range m {
					m[i] = slices.Clone(b)
				}
			}
		}
	}
}

// keyLess orders hostStore keys (buckets are sorted by it).
func keyLess[K comparable](a, b K) bool {
	switch x := any(a).(type) {
	case uint32:
		return x < any(b).(uint32)
	case addr6:
		y := any(b).(addr6)
		return x.hi < y.hi || x.hi == y.hi && x.lo < y.lo
	}
	panic("engine: hostStore key type")
}

// insertSorted inserts e into the sorted bucket b (which must not hold
// e's key) in place.
func insertSorted[K comparable, V any](b []hostEntry[K, V], e hostEntry[K, V]) []hostEntry[K, V] {
	i := len(b)
	for i > 0 && keyLess(e.k, b[i-1].k) {
		i--
	}
	return slices.Insert(b, i, e)
}

// get4 is get for an IPv4 store, using the buckets' order: a miss stops
// at the first larger key.
func get4[V any](s *hostStore[uint32, V], h, k uint32) (V, bool) {
	var zero V
	if s == nil {
		return zero, false
	}
	b := s.flat
	if s.small != nil || s.large != nil {
		b = s.bucket(h)
	}
	for i := range b {
		if b[i].k >= k {
			if b[i].k == k {
				return b[i].v, true
			}
			break
		}
	}
	return zero, false
}
