package geodata

import "math"

// index4 is the IPv4 part of a DB: the disjoint ranges sorted by start,
// with the gaps between them as ranges of value 0, so that the range
// holding an address is the last one that starts at or before it. first[h]
// is the index of the first range starting in the /16 h or later, so a
// lookup searches only the ranges starting in the address's /16 (a handful
// on average) and falls back to the one before them: one load in a 256 KB
// array, then a short binary search in two sorted arrays of 4-byte words,
// instead of a trie walk of up to four nodes.
type index4 struct {
	first  [1<<16 + 1]uint32
	starts []uint32
	vals   []uint32
}

// newIndex4 builds the index of list, a normalized IPv4 span list.
func newIndex4(list []span) *index4 {
	x := &index4{
		starts: make([]uint32, 0, 2*len(list)+1),
		vals:   make([]uint32, 0, 2*len(list)+1),
	}
	next := uint64(0) // first address not yet covered
	for _, s := range list {
		lo, hi := s.lo.lo, s.hi.lo
		if lo > next {
			x.starts = append(x.starts, uint32(next))
			x.vals = append(x.vals, 0)
		}
		x.starts = append(x.starts, uint32(lo))
		x.vals = append(x.vals, s.val)
		next = hi + 1
	}
	if next <= math.MaxUint32 {
		x.starts = append(x.starts, uint32(next))
		x.vals = append(x.vals, 0)
	}
	j := 0
	for h := range len(x.first) {
		for j < len(x.starts) && uint64(x.starts[j]) < uint64(h)<<16 {
			j++
		}
		x.first[h] = uint32(j)
	}
	return x
}

// lookup returns the value of the range holding k (0: none).
func (x *index4) lookup(k uint32) uint32 {
	h := k >> 16
	i, j := x.first[h], x.first[h+1]
	for i < j {
		m := (i + j) / 2
		if x.starts[m] <= k {
			i = m + 1
		} else {
			j = m
		}
	}
	// i is the first range starting after k (starts[0] is 0, so i >= 1).
	return x.vals[i-1]
}
