package bouncer

import "net/netip"

// MaxPieces bounds the CIDRs one BLOCK range is split into around the
// WHITE entries inside it. A range that would need more is not sent at
// all (WHITE wins, as in the decision engine, so sending the whole range
// would ban allowed addresses); the engine still enforces it.
const MaxPieces = 4096

// carve returns the smallest set of CIDR prefixes that covers p minus the
// white prefixes (each inside p, none containing it), in address order,
// and false when more than limit prefixes would be needed.
func carve(p netip.Prefix, whites []netip.Prefix, limit int) ([]netip.Prefix, bool) {
	var out []netip.Prefix
	var walk func(q netip.Prefix, ws []netip.Prefix) bool
	walk = func(q netip.Prefix, ws []netip.Prefix) bool {
		var inside []netip.Prefix
		for _, w := range ws {
			if w.Bits() <= q.Bits() && w.Contains(q.Addr()) {
				return true // q is allowed whole
			}
			if q.Contains(w.Addr()) {
				inside = append(inside, w)
			}
		}
		if len(inside) == 0 {
			if len(out) == limit {
				return false
			}
			out = append(out, q)
			return true
		}
		lo, hi := halves(q)
		return walk(lo, inside) && walk(hi, inside)
	}
	if !walk(p, whites) {
		return nil, false
	}
	return out, true
}

// halves splits q (not a single address) into its two halves.
func halves(q netip.Prefix) (lo, hi netip.Prefix) {
	bits := q.Bits() + 1
	lo = netip.PrefixFrom(q.Addr(), bits)
	b := q.Addr().AsSlice()
	i := q.Bits()
	b[i/8] |= 1 << (7 - i%8)
	a, _ := netip.AddrFromSlice(b)
	return lo, netip.PrefixFrom(a, bits)
}

// isHost reports whether p is a single address.
func isHost(p netip.Prefix) bool { return p.Bits() == p.Addr().BitLen() }

// normalize masks p and turns an IPv4-mapped IPv6 prefix into IPv4.
func normalize(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked()
}
