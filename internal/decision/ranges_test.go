package decision_test

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
)

// coverExpiry is the reference: the latest expiry among the entries that
// contain a (never beats any time); ok is false when none does.
func coverExpiry(es []decision.Entry, a netip.Addr) (exp time.Time, ok bool) {
	for _, e := range es {
		p := e.Prefix
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if !p.Contains(a) {
			continue
		}
		switch {
		case !ok:
			exp, ok = e.Expires, true
		case exp.IsZero() || e.Expires.IsZero():
			exp = time.Time{}
		case e.Expires.After(exp):
			exp = e.Expires
		}
	}
	return exp, ok
}

// Ranges against a scan of every address of a small space, on seeded
// random nested and overlapping prefixes with and without expiry: each
// address is in exactly one range exactly when an entry covers it, with
// the latest covering expiry; ranges are sorted, disjoint, and adjacent
// ones differ in expiry.
func TestRangesAgainstScan(t *testing.T) {
	base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		var es []decision.Entry
		for range 1 + r.IntN(12) {
			bits := 24 + r.IntN(9)
			a := netip.AddrFrom4([4]byte{10, 0, 0, byte(r.IntN(256))})
			if r.IntN(10) == 0 { // a mapped form of the same space
				bits += 96
				a = netip.AddrFrom16(a.As16())
			}
			e := decision.Entry{Block: true, Prefix: netip.PrefixFrom(a, bits)}
			if r.IntN(3) > 0 {
				e.Expires = base.Add(time.Duration(1+r.IntN(4)) * time.Hour)
			}
			es = append(es, e)
		}
		es = append(es, decision.Entry{User: "ignored"})
		v4, v6 := decision.Ranges(es)
		if len(v6) != 0 {
			t.Fatalf("seed %d: IPv6 ranges from IPv4 entries: %v", seed, v6)
		}
		for i := 1; i < len(v4); i++ {
			if v4[i].From.Compare(v4[i-1].To) <= 0 {
				t.Fatalf("seed %d: ranges overlap or are unsorted: %v", seed, v4)
			}
			if v4[i-1].To.Next() == v4[i].From && v4[i-1].Expires.Equal(v4[i].Expires) {
				t.Fatalf("seed %d: adjacent ranges with one expiry not joined: %v", seed, v4)
			}
		}
		for i := range 258 {
			a := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
			if i == 257 {
				a = netip.MustParseAddr("9.255.255.255")
			}
			want, covered := coverExpiry(es, a)
			var got *decision.Range
			for j := range v4 {
				if v4[j].From.Compare(a) <= 0 && a.Compare(v4[j].To) <= 0 {
					got = &v4[j]
				}
			}
			if covered != (got != nil) || covered && !got.Expires.Equal(want) {
				t.Fatalf("seed %d: %s: covered %v expiry %v, ranges %v (entries %v)", seed, a, covered, want, v4, es)
			}
		}
	}
}

func TestRangesIPv6AndEdges(t *testing.T) {
	es := []decision.Entry{
		{Prefix: netip.MustParsePrefix("2001:db8::/32")},
		{Prefix: netip.MustParsePrefix("2001:db8:1::/48")},
		{Prefix: netip.MustParsePrefix("0.0.0.0/0")},
		{Prefix: netip.MustParsePrefix("255.255.255.255/32")},
	}
	v4, v6 := decision.Ranges(es)
	if len(v4) != 1 || v4[0].From != netip.MustParseAddr("0.0.0.0") || v4[0].To != netip.MustParseAddr("255.255.255.255") {
		t.Fatalf("v4: %v", v4)
	}
	if p, ok := v4[0].Prefix(); !ok || p.String() != "0.0.0.0/0" {
		t.Fatalf("v4 prefix: %v %v", p, ok)
	}
	if len(v6) != 1 {
		t.Fatalf("v6: %v", v6)
	}
	if p, ok := v6[0].Prefix(); !ok || p.String() != "2001:db8::/32" {
		t.Fatalf("v6 prefix: %v %v", p, ok)
	}
	r := decision.Range{From: netip.MustParseAddr("10.0.0.1"), To: netip.MustParseAddr("10.0.0.2")}
	if _, ok := r.Prefix(); ok {
		t.Fatal("10.0.0.1-10.0.0.2 is not a prefix")
	}
}

// Expiries past 2262, where Unix nanoseconds overflow, stay in the future
// and still beat nearer ones; "never" still beats them.
func TestRangesFarExpiry(t *testing.T) {
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	near := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	es := []decision.Entry{
		{Block: true, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Expires: near},
		{Block: true, Prefix: netip.MustParsePrefix("192.0.2.5/32"), Expires: far},
		{Block: true, Prefix: netip.MustParsePrefix("198.51.100.0/24"), Expires: far},
		{Block: true, Prefix: netip.MustParsePrefix("198.51.100.7/32")}, // never
	}
	v4, _ := decision.Ranges(es)
	got := map[string]time.Time{}
	for _, r := range v4 {
		got[r.From.String()+"-"+r.To.String()] = r.Expires
	}
	for rng, wantFar := range map[string]bool{
		"192.0.2.0-192.0.2.4":         false,
		"192.0.2.5-192.0.2.5":         true,
		"192.0.2.6-192.0.2.255":       false,
		"198.51.100.0-198.51.100.6":   true,
		"198.51.100.8-198.51.100.255": true,
	} {
		exp, ok := got[rng]
		switch {
		case !ok:
			t.Errorf("no range %s in %v", rng, v4)
		case wantFar && exp.Year() < 2262:
			t.Errorf("range %s expires %s, want the far expiry (year 2262 or later)", rng, exp)
		case !wantFar && !exp.Equal(near):
			t.Errorf("range %s expires %s, want %s", rng, exp, near)
		}
	}
	if exp, ok := got["198.51.100.7-198.51.100.7"]; !ok || !exp.IsZero() {
		t.Errorf("198.51.100.7: expiry %v (present %v), want never", exp, ok)
	}
}
