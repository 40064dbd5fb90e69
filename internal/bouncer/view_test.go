package bouncer

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// covered reports whether a is in one of ps.
func covered(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func TestCarveAroundOneAddress(t *testing.T) {
	got, ok := carve(pfx("10.0.0.0/8"), []netip.Prefix{pfx("10.1.2.3/32")}, MaxPieces)
	if !ok || len(got) != 24 {
		t.Fatalf("carve /8 minus one address: %d pieces (%v), want 24", len(got), ok)
	}
	var size uint64
	for _, p := range got {
		size += 1 << (32 - p.Bits())
		if p.Contains(netip.MustParseAddr("10.1.2.3")) {
			t.Fatalf("piece %v contains the WHITE address", p)
		}
	}
	if size != 1<<24-1 {
		t.Fatalf("pieces cover %d addresses, want %d", size, 1<<24-1)
	}
	for _, a := range []string{"10.0.0.0", "10.1.2.2", "10.1.2.4", "10.255.255.255"} {
		if !covered(got, netip.MustParseAddr(a)) {
			t.Errorf("%s not covered", a)
		}
	}
}

func TestCarveBound(t *testing.T) {
	var whites []netip.Prefix
	for i := range 200 { // 200 scattered addresses need far more than 64 pieces
		whites = append(whites, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 7, 1}), 32))
	}
	if _, ok := carve(pfx("10.0.0.0/8"), whites, 64); ok {
		t.Fatal("carve past its bound succeeded")
	}
	if ps, ok := carve(pfx("10.0.0.0/8"), whites, MaxPieces); !ok || len(ps) > MaxPieces {
		t.Fatalf("carve within the bound: %d pieces, %v", len(ps), ok)
	}
}

// FuzzCarve checks that the pieces are disjoint, inside the range, and
// cover exactly the addresses of the range outside every WHITE prefix.
func FuzzCarve(f *testing.F) {
	f.Add(uint32(0x0a000000), uint8(8), uint32(0x0a010203), uint8(32), uint32(0x0a800000), uint8(9), uint64(1))
	f.Fuzz(func(t *testing.T, base uint32, bits uint8, w1 uint32, b1 uint8, w2 uint32, b2 uint8, seed uint64) {
		mk := func(a uint32, b uint8) netip.Prefix {
			return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), int(b%33)).Masked()
		}
		p := mk(base, bits)
		var whites []netip.Prefix
		for _, w := range []netip.Prefix{mk(w1, b1), mk(w2, b2)} {
			if w.Bits() > p.Bits() && p.Contains(w.Addr()) {
				whites = append(whites, w)
			}
		}
		ps, ok := carve(p, whites, MaxPieces)
		if !ok {
			t.Fatalf("two WHITE prefixes need more than %d pieces", MaxPieces)
		}
		for i, a := range ps {
			if a.Bits() < p.Bits() || !p.Contains(a.Addr()) {
				t.Fatalf("piece %v outside %v", a, p)
			}
			for _, b := range ps[i+1:] {
				if a.Overlaps(b) {
					t.Fatalf("pieces %v and %v overlap", a, b)
				}
			}
		}
		r := rand.New(rand.NewPCG(seed, 7))
		size := uint32(1)<<(32-p.Bits()) - 1
		if p.Bits() == 0 {
			size = ^uint32(0)
		}
		first := p.Addr().As4()
		start := uint32(first[0])<<24 | uint32(first[1])<<16 | uint32(first[2])<<8 | uint32(first[3])
		probes := []uint32{start, start + size}
		for _, w := range whites {
			x := w.Addr().As4()
			v := uint32(x[0])<<24 | uint32(x[1])<<16 | uint32(x[2])<<8 | uint32(x[3])
			probes = append(probes, v, v-1, v+1)
		}
		for range 64 {
			probes = append(probes, start+r.Uint32()&size) // size is a mask: 2^k-1
		}
		for _, v := range probes {
			a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
			if !p.Contains(a) {
				continue
			}
			want := !covered(whites, a)
			if got := covered(ps, a); got != want {
				t.Fatalf("%v: covered %v, want %v (range %v, whites %v, pieces %v)", a, got, want, p, whites, ps)
			}
		}
	})
}

// reference computes the ban list of entries the slow way: every BLOCK
// prefix minus every WHITE prefix, each value with its latest expiry.
func reference(entries []decision.Entry) map[netip.Prefix]int64 {
	var whites []netip.Prefix
	for _, e := range entries {
		if !e.Block {
			whites = append(whites, normalize(e.Prefix))
		}
	}
	out := map[netip.Prefix]int64{}
	for _, e := range entries {
		if !e.Block {
			continue
		}
		p := normalize(e.Prefix)
		var inside []netip.Prefix
		hidden := false
		for _, w := range whites {
			if w.Bits() <= p.Bits() && w.Contains(p.Addr()) {
				hidden = true
			} else if p.Contains(w.Addr()) {
				inside = append(inside, w)
			}
		}
		if hidden {
			continue
		}
		ps, ok := carve(p, inside, MaxPieces)
		if !ok {
			continue
		}
		for _, q := range ps {
			if u, seen := out[q]; !seen || untilKey(&e) > u {
				out[q] = untilKey(&e)
			}
		}
	}
	return out
}

// randomEntry draws an entry from a small space so that entries nest,
// repeat and overlap.
func randomEntry(r *rand.Rand, now time.Time) decision.Entry {
	bits := []int{16, 24, 28, 32, 32, 32}[r.IntN(6)]
	a := netip.AddrFrom4([4]byte{10, byte(r.IntN(2)), byte(r.IntN(4)), byte(r.IntN(8))})
	e := decision.Entry{Block: r.IntN(4) != 0, PolicyID: []string{"p1", "p2", "p3"}[r.IntN(3)],
		Prefix: netip.PrefixFrom(a, bits).Masked()}
	if r.IntN(2) == 0 {
		e.Expires = now.Add(time.Duration(1+r.IntN(3)) * time.Hour)
	}
	return e
}

// TestViewAgainstReference applies random batches of changes and checks,
// after each, that a key that applied every delta holds exactly the
// reference ban list, and that a full listing equals it too.
func TestViewAgainstReference(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 17))
		v := newView()
		var live []decision.Entry
		v.apply(decision.Changes{Reset: true})
		held := map[netip.Prefix]int64{}
		var seq uint64
		for step := range 30 {
			var c decision.Changes
			for range 1 + r.IntN(4) {
				if len(live) > 0 && r.IntN(3) == 0 {
					i := r.IntN(len(live))
					c.Removed = append(c.Removed, live[i])
					live = append(live[:i], live[i+1:]...)
					continue
				}
				e := randomEntry(r, now)
				dup := false
				for _, l := range live {
					if l == e {
						dup = true // the feed reports distinct entries only
					}
				}
				if !dup {
					c.Added = append(c.Added, e)
					live = append(live, e)
				}
			}
			v.apply(netted(c))
			added, deleted, ok := v.since(seq)
			if !ok {
				t.Fatalf("seed %d step %d: log lost seq %d", seed, step, seq)
			}
			seq = v.seq
			for _, b := range deleted {
				if u, ok := held[b.Value]; !ok || u != b.Until {
					t.Fatalf("seed %d step %d: deleted %v until %d, held %d (%v)", seed, step, b.Value, b.Until, u, ok)
				}
				delete(held, b.Value)
			}
			for _, b := range added {
				if _, ok := held[b.Value]; ok {
					t.Fatalf("seed %d step %d: added %v, already held", seed, step, b.Value)
				}
				held[b.Value] = b.Until
			}
			want := reference(live)
			if !sameBans(held, want) {
				t.Fatalf("seed %d step %d: key holds %v, want %v", seed, step, held, want)
			}
			all := map[netip.Prefix]int64{}
			v.all(func(b Ban) { all[b.Value] = b.Until })
			if !sameBans(all, want) {
				t.Fatalf("seed %d step %d: listing %v, want %v; live %v", seed, step, all, want, live)
			}
		}
	}
}

// netted drops the entries both added and removed in c, as the feed nets
// its changes per entry.
func netted(c decision.Changes) decision.Changes {
	var out decision.Changes
	count := map[decision.Entry]int{}
	for _, e := range c.Added {
		count[e]++
	}
	for _, e := range c.Removed {
		count[e]--
	}
	for e, n := range count {
		switch {
		case n > 0:
			out.Added = append(out.Added, e)
		case n < 0:
			out.Removed = append(out.Removed, e)
		}
	}
	return out
}

func sameBans(a, b map[netip.Prefix]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A WHITE address inside a BLOCK range splits it; removing the WHITE entry
// deletes the pieces and sends the range whole again.
func TestViewWhiteCarveOut(t *testing.T) {
	v := newView()
	block := decision.Entry{Block: true, PolicyID: "b", Prefix: pfx("192.0.2.0/24")}
	white := decision.Entry{PolicyID: "w", Prefix: pfx("192.0.2.7/32")}
	v.apply(decision.Changes{Reset: true, Added: []decision.Entry{block}})
	v.apply(decision.Changes{Added: []decision.Entry{white}})
	added, deleted, _ := v.since(0)
	if len(deleted) != 1 || deleted[0].Value != pfx("192.0.2.0/24") || len(added) != 8 {
		t.Fatalf("WHITE inside: added %v deleted %v; want the /24 deleted and 8 pieces", added, deleted)
	}
	for _, b := range added {
		if b.Value.Contains(netip.MustParseAddr("192.0.2.7")) || b.Policy != "b" || b.Until != Never {
			t.Fatalf("piece %+v", b)
		}
	}
	seq := v.seq
	v.apply(decision.Changes{Removed: []decision.Entry{white}})
	added, deleted, _ = v.since(seq)
	if len(deleted) != 8 || len(added) != 1 || added[0].Value != pfx("192.0.2.0/24") {
		t.Fatalf("WHITE removed: added %v deleted %v", added, deleted)
	}
}

// A WHITE prefix containing a BLOCK entry hides it.
func TestViewWhiteHidesBlock(t *testing.T) {
	v := newView()
	v.apply(decision.Changes{Reset: true, Added: []decision.Entry{
		{Block: true, Prefix: pfx("198.51.100.9/32")}, {Prefix: pfx("198.51.100.0/24")}, {Block: true, Prefix: pfx("203.0.113.1/32")}}})
	var got []netip.Prefix
	v.all(func(b Ban) { got = append(got, b.Value) })
	if len(got) != 1 || got[0] != pfx("203.0.113.1/32") {
		t.Fatalf("bans %v, want 203.0.113.1 only", got)
	}
}

func TestEncodeDecode(t *testing.T) {
	bans := []Ban{{Value: pfx("192.0.2.1/32"), Until: Never}, {Value: pfx("2001:db8::/32"), Until: 1_700_000_000_000_000_000},
		{Value: pfx("10.0.0.0/8"), Until: 5}}
	held := map[netip.Prefix]int64{}
	if err := decodeInto(held, encodeBans(nil, bans, false)); err != nil {
		t.Fatal(err)
	}
	if err := decodeInto(held, encodeBans(nil, bans[2:], true)); err != nil {
		t.Fatal(err)
	}
	want := map[netip.Prefix]int64{bans[0].Value: Never, bans[1].Value: bans[1].Until}
	if !sameBans(held, want) {
		t.Fatalf("decoded %v, want %v", held, want)
	}
	for _, bad := range [][]byte{{0}, {0, 32, 1, 2}, {0, 40, 1, 2, 3, 4, 0}, {0, 32, 1, 2, 3, 4}} {
		if err := decodeInto(map[netip.Prefix]int64{}, bad); err == nil {
			t.Errorf("decoding %v succeeded", bad)
		}
	}
}

// FuzzDecode: stored sent state never panics the decoder.
func FuzzDecode(f *testing.F) {
	f.Add(encodeBans(nil, []Ban{{Value: pfx("192.0.2.1/32"), Until: Never}}, false))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = decodeInto(map[netip.Prefix]int64{}, data)
	})
}
