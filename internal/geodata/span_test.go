package geodata

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/origin"
)

// TestPrefixes checks the range-to-CIDR split against the definition: the
// prefixes are disjoint, in order, cover exactly [lo, hi], and each is as
// large as alignment allows.
func TestPrefixes(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	check := func(lo, hi u128, v4 bool) {
		t.Helper()
		next := lo
		n := 0
		prefixes(lo, hi, v4, func(p netip.Prefix) {
			n++
			if got := u128From(p.Addr()); got != next {
				t.Fatalf("[%v, %v]: prefix %v starts at %v, want %v", lo, hi, p, got, next)
			}
			if p.Masked() != p {
				t.Fatalf("[%v, %v]: prefix %v not canonical", lo, hi, p)
			}
			last := u128From(lastAddr(p))
			if last.cmp(hi) > 0 {
				t.Fatalf("[%v, %v]: prefix %v runs past the end", lo, hi, p)
			}
			// Maximal: the parent prefix would not fit.
			if p.Bits() > 0 {
				parent, _ := p.Addr().Prefix(p.Bits() - 1)
				if parent.Addr() == p.Addr() && u128From(lastAddr(parent)).cmp(hi) <= 0 {
					t.Fatalf("[%v, %v]: prefix %v could be %v", lo, hi, p, parent)
				}
			}
			next, _ = last.inc()
		})
		if want, _ := hi.inc(); next != want || n == 0 {
			t.Fatalf("[%v, %v]: prefixes end at %v", lo, hi, next)
		}
	}
	check(u128{}, u128{lo: 0xFFFFFFFF}, true)
	check(u128{}, u128Max, false)
	check(u128{lo: 1}, u128Max.dec(), false)
	check(u128{lo: 0xFFFFFFFF}, u128{lo: 0xFFFFFFFF}, true)
	check(u128{hi: 1 << 63}, u128Max, false)
	for range 2000 {
		a, b := r.Uint32(), r.Uint32()
		if a > b {
			a, b = b, a
		}
		check(u128{lo: uint64(a)}, u128{lo: uint64(b)}, true)
		x := u128{r.Uint64(), r.Uint64()}
		y := u128{r.Uint64(), r.Uint64()}
		if x.cmp(y) > 0 {
			x, y = y, x
		}
		check(x, y, false)
		check(x, x, false)
	}
}

// TestOverlay checks overlay and normalize against a model that stores one
// value per address of a small space.
func TestOverlay(t *testing.T) {
	t.Parallel()
	const space = 64
	r := rand.New(rand.NewPCG(3, 4))
	randSpans := func() ([]span, [space]uint32) {
		var model [space]uint32
		var list []span
		for range r.IntN(8) {
			lo := r.IntN(space)
			hi := lo + r.IntN(space-lo)
			v := uint32(1 + r.IntN(3))
			list = append(list, span{lo: u128{lo: uint64(lo)}, hi: u128{lo: uint64(hi)}, val: v})
		}
		// Model of normalize: the span that starts first wins, ties by
		// input order.
		var order []int
		for start := range space {
			for i, s := range list {
				if int(s.lo.lo) == start {
					order = append(order, i)
				}
			}
		}
		for _, i := range order {
			s := list[i]
			for a := s.lo.lo; a <= s.hi.lo; a++ {
				if model[a] == 0 {
					model[a] = s.val
				}
			}
		}
		return normalize(list), model
	}
	toModel := func(list []span) (m [space]uint32) {
		for i, s := range list {
			if s.val == 0 || s.lo.cmp(s.hi) > 0 {
				t.Fatalf("bad span %+v", s)
			}
			if i > 0 {
				prev := list[i-1]
				if s.lo.cmp(prev.hi) <= 0 {
					t.Fatalf("overlap: %+v then %+v", prev, s)
				}
				if next, _ := prev.hi.inc(); next == s.lo && prev.val == s.val {
					t.Fatalf("not merged: %+v then %+v", prev, s)
				}
			}
			for a := s.lo.lo; a <= s.hi.lo; a++ {
				m[a] = s.val
			}
		}
		return m
	}
	f := func(a, b uint32) uint32 { return a*4 + b }
	for range 3000 {
		a, ma := randSpans()
		b, mb := randSpans()
		if got := toModel(a); got != ma {
			t.Fatalf("normalize: got %v, want %v", got, ma)
		}
		var want [space]uint32
		for i := range space {
			want[i] = f(ma[i], mb[i])
		}
		if got := toModel(overlay(a, b, f)); got != want {
			t.Fatalf("overlay(%v, %v):\n got %v\nwant %v", a, b, got, want)
		}
	}
}

func TestU128Encoding(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	values := []u128{{}, {lo: 1}, u128Max, {hi: 1}, {hi: 1 << 63}, {lo: 1 << 63}, {hi: 0x2400_3200_0000_0000}}
	for range 1000 {
		x := u128{r.Uint64(), r.Uint64()}
		values = append(values, x, x.shl(r.IntN(128)), x.shr(r.IntN(128)))
	}
	for _, x := range values {
		var buf bytes.Buffer
		cw := &countWriter{w: &buf}
		cw.u128(x)
		d := &decoder{r: bytes.NewReader(buf.Bytes())}
		if got := d.u128(); d.err != nil || got != x {
			t.Fatalf("u128 %v: decoded %v, %v", x, got, d.err)
		}
	}
	for _, s := range []string{"0", "1", "4294967295", "4294967296", "340282366920938463463374607431768211455"} {
		if _, ok := parseU128(s); !ok {
			t.Errorf("parseU128(%q) failed", s)
		}
	}
	for _, s := range []string{"", "-1", "1x", "340282366920938463463374607431768211456", "9999999999999999999999999999999999999999"} {
		if _, ok := parseU128(s); ok {
			t.Errorf("parseU128(%q) succeeded", s)
		}
	}
	if x, _ := parseU128("340282366920938463463374607431768211455"); x != u128Max {
		t.Errorf("parseU128(max) = %v", x)
	}
}

func TestPack(t *testing.T) {
	t.Parallel()
	for _, c := range []uint32{0, 1, 300, 1023} {
		for _, tags := range []uint32{0, 1, 0x1ff} {
			v := pack(origin.Code(c), origin.Code(1023-c), origin.TagSet(tags))
			gc, gp, gt := unpack(v)
			if uint32(gc) != c || uint32(gp) != 1023-c || uint32(gt) != tags {
				t.Errorf("pack/unpack(%d, %d, %d) = %d, %d, %d", c, 1023-c, tags, gc, gp, gt)
			}
		}
	}
}
