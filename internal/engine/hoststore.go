package engine

// hostStore is a persistent set of single addresses (keys) with values:
// 65,536 hash buckets reached through two 256-pointer levels. A bucket keeps
// keys and values in two parallel slices, so an IPv4 entry costs 12 bytes
// and an IPv6 entry 24, plus a small per-bucket overhead. Lookup is two
// pointer loads and a scan of one bucket (about n/65,536 keys). with and
// without copy the bucket and the two index arrays on the path (about
// 4 KB), never the whole set. A hostStore reachable from a published
// Snapshot is never modified; set and del mutate in place and are only for
// stores under construction.
type hostStore[K comparable] struct {
	root [256]*hostMid[K]
	n    int
}

type hostMid[K comparable] struct {
	b [256]*hostBucket[K]
}

type hostBucket[K comparable] struct {
	keys []K
	vals []value
}

// addr6 is an IPv6 address as two integers.
type addr6 struct{ hi, lo uint64 }

func hash4(k uint32) uint32 { return (k * 0x9E3779B1) >> 16 }

func hash6(k addr6) uint32 {
	x := k.hi ^ (k.lo * 0x9E3779B97F4A7C15)
	return uint32((x * 0xBF58476D1CE4E5B9) >> 48)
}

func (s *hostStore[K]) get(h uint32, k K) (value, bool) {
	if s == nil {
		return 0, false
	}
	m := s.root[h>>8&255]
	if m == nil {
		return 0, false
	}
	b := m.b[h&255]
	if b == nil {
		return 0, false
	}
	for i, kk := range b.keys {
		if kk == k {
			return b.vals[i], true
		}
	}
	return 0, false
}

// set inserts or replaces k in place (construction only).
func (s *hostStore[K]) set(h uint32, k K, v value) {
	m := s.root[h>>8&255]
	if m == nil {
		m = new(hostMid[K])
		s.root[h>>8&255] = m
	}
	b := m.b[h&255]
	if b == nil {
		b = new(hostBucket[K])
		m.b[h&255] = b
	}
	for i, kk := range b.keys {
		if kk == k {
			b.vals[i] = v
			return
		}
	}
	b.keys = append(b.keys, k)
	b.vals = append(b.vals, v)
	s.n++
}

// with returns a new store with k set to v; s is unchanged. A nil s is an
// empty store.
func (s *hostStore[K]) with(h uint32, k K, v value) *hostStore[K] {
	ns := new(hostStore[K])
	if s != nil {
		*ns = *s
	}
	nm := new(hostMid[K])
	if m := ns.root[h>>8&255]; m != nil {
		*nm = *m
	}
	ns.root[h>>8&255] = nm
	old := nm.b[h&255]
	nb := new(hostBucket[K])
	if old != nil {
		for i, kk := range old.keys {
			if kk == k {
				nb.keys = append(make([]K, 0, len(old.keys)), old.keys...)
				nb.vals = append(make([]value, 0, len(old.vals)), old.vals...)
				nb.vals[i] = v
				nm.b[h&255] = nb
				return ns
			}
		}
		nb.keys = append(make([]K, 0, len(old.keys)+1), old.keys...)
		nb.vals = append(make([]value, 0, len(old.vals)+1), old.vals...)
	}
	nb.keys = append(nb.keys, k)
	nb.vals = append(nb.vals, v)
	nm.b[h&255] = nb
	ns.n++
	return ns
}

// without returns a new store without k (s itself when k is absent); it
// returns nil when the result is empty.
func (s *hostStore[K]) without(h uint32, k K) *hostStore[K] {
	if _, ok := s.get(h, k); !ok {
		return s
	}
	if s.n == 1 {
		return nil
	}
	ns := new(hostStore[K])
	*ns = *s
	nm := new(hostMid[K])
	*nm = *ns.root[h>>8&255]
	ns.root[h>>8&255] = nm
	old := nm.b[h&255]
	if len(old.keys) == 1 {
		nm.b[h&255] = nil
	} else {
		nb := &hostBucket[K]{keys: make([]K, 0, len(old.keys)-1), vals: make([]value, 0, len(old.vals)-1)}
		for i, kk := range old.keys {
			if kk != k {
				nb.keys = append(nb.keys, kk)
				nb.vals = append(nb.vals, old.vals[i])
			}
		}
		nm.b[h&255] = nb
	}
	ns.n--
	return ns
}
