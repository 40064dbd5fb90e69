package geodata

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestIndex4MatchesSpans checks the IPv4 index against a linear scan of
// the span list it was built from, on random span lists (dense, sparse,
// touching both ends of the address space) and addresses at and around
// every boundary.
func TestIndex4MatchesSpans(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	want := func(list []span, k uint32) uint32 {
		for _, s := range list {
			if uint64(k) >= s.lo.lo && uint64(k) <= s.hi.lo {
				return s.val
			}
		}
		return 0
	}
	for round := range 60 {
		var list []span
		n := r.IntN(400)
		for range n {
			lo := r.Uint32()
			if round%3 == 0 {
				lo &= 0x0003ffff // dense: many ranges in a few /16s
			}
			size := uint32(r.IntN(1 << uint(r.IntN(20))))
			hi := uint64(lo) + uint64(size)
			if hi > math.MaxUint32 {
				hi = math.MaxUint32
			}
			list = append(list, span{lo: u128{lo: uint64(lo)}, hi: u128{lo: hi}, val: uint32(1 + r.IntN(1000))})
		}
		if round%5 == 1 {
			list = append(list, span{lo: u128{}, hi: u128{lo: 1000}, val: 7}, span{lo: u128{lo: math.MaxUint32 - 5}, hi: u128{lo: math.MaxUint32}, val: 9})
		}
		list = normalize(list)
		x := newIndex4(list)
		probes := []uint32{0, 1, math.MaxUint32, math.MaxUint32 - 1, 1 << 16, 1<<16 - 1}
		for _, s := range list {
			lo, hi := uint32(s.lo.lo), uint32(s.hi.lo)
			probes = append(probes, lo, hi, lo-1, hi+1, lo+(hi-lo)/2)
		}
		for range 2000 {
			probes = append(probes, r.Uint32())
		}
		for _, k := range probes {
			if got, w := x.lookup(k), want(list, k); got != w {
				t.Fatalf("round %d: lookup(%#x) = %d, want %d", round, k, got, w)
			}
		}
	}
}
