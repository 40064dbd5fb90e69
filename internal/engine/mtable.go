package engine

import (
	"encoding/binary"
	"net/netip"

	"github.com/gaissmai/bart"
)

// numCats is the largest number of categories an mtable keeps apart:
// WHITE and BLOCK for emergency entries, White 0, 1 and 2 for whiteblackip
// rules.
const numCats = 3

// cellT is a cell: one table value per category (0: none; a real value is
// never 0 because ref 0 is reserved). Emergency tables use two categories,
// whiteblackip tables three; the smaller cell saves 8 bytes per address.
type cellT interface{ [2]value | [3]value }

// ownCell is the writer's record of the winning entry per category at one
// real prefix.
type ownCell [numCats]value

func (c *ownCell) empty() bool { return *c == ownCell{} }

// ccell is what the trie stores for a real prefix P: for each category,
// the winning entry of the longest prefix that contains P (P itself
// included) and holds an entry of that category, and that prefix's length.
// A longest-prefix match for an address therefore gives, in one walk, the
// most specific entry of every category containing the address: all the
// stored prefixes containing the address lie on one chain, and the match
// is its longest element.
type ccell[C cellT] struct {
	eff  C
	bits [numCats]uint8
}

// mtable is the address table of one scope (a layer's emergency entries,
// or one WAF policy's whiteblackip rules) for all its categories: single
// addresses (/32, /128) in a hostStore whose values are cells, other
// prefixes in a bart trie of ccells. The zero mtable is empty. An mtable
// held by a published Snapshot is immutable; the writer replaces the
// stores it changes.
type mtable[C cellT] struct {
	h4   *hostStore[uint32, C]
	h6   *hostStore[addr6, C]
	cidr *bart.Table[ccell[C]]
	// The IPv4 part of cidr again, indexed for lookups: prefixes of /16
	// and longer in c4, shorter ones in s4 (see cidr4). cidr stays the
	// writer's reference and serves IPv6 and the expired-entry path.
	c4 *cidr4[C]
	s4 *bart.Table[ccell[C]]
}

// canonPrefix unmaps IPv4-mapped IPv6 prefixes and masks host bits. It
// reports false for an invalid prefix.
func canonPrefix(p netip.Prefix) (netip.Prefix, bool) {
	if !p.IsValid() {
		return p, false
	}
	a := p.Addr()
	if a.Is4In6() {
		bits := p.Bits() - 96
		if bits < 0 {
			return p, false
		}
		p = netip.PrefixFrom(a.Unmap(), bits)
	}
	return p.Masked(), true
}

func key4(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func key6(a netip.Addr) addr6 {
	b := a.As16()
	return addr6{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (t *mtable[C]) empty() bool { return t.h4 == nil && t.h6 == nil && t.cidr == nil }

// probe is the result of looking an address up in an mtable once: the
// address's own host cell and the trie's longest match.
type probe[C cellT] struct {
	host C
	cc   ccell[C]
	ok   bool // cc is valid
}

// probe looks up ip (an unmapped address) in both stores and fills p,
// which must be the zero probe (filled in place: a probe is 48 or 64
// bytes, not worth copying back). An invalid address matches nothing.
func (t *mtable[C]) probe(ip netip.Addr, p *probe[C]) {
	if !ip.IsValid() {
		return
	}
	if ip.Is4() {
		k := key4(ip)
		if t.h4 != nil {
			p.host, _ = get4(t.h4, hash4(k), k)
		}
		t.lookup4(p, ip, k)
		return
	}
	if t.h6 != nil {
		k := key6(ip)
		p.host, _ = t.h6.get(hash6(k), k)
	}
	if t.cidr != nil && t.cidr.Size6() != 0 {
		p.cc, p.ok = t.cidr.Lookup(ip)
	}
}

// match returns the most specific entry of category c containing ip that
// is live at now, and its prefix, from a probe of ip.
func (t *mtable[C]) match(p *probe[C], ip netip.Addr, c int, now int64) (value, netip.Prefix, bool) {
	if v := p.host[c]; v != 0 && v.live(now) {
		return v, netip.PrefixFrom(ip, ip.BitLen()), true
	}
	if !p.ok {
		return 0, netip.Prefix{}, false
	}
	v := p.cc.eff[c]
	if v == 0 {
		return 0, netip.Prefix{}, false
	}
	if v.live(now) {
		pf, _ := ip.Prefix(int(p.cc.bits[c]))
		return v, pf, true
	}
	return t.matchLive(ip, c, now)
}

// matchLive is the rare path taken when the most specific entry of a
// category has expired but is not swept yet: it walks the covering
// prefixes, longest first, for a live entry of the category.
func (t *mtable[C]) matchLive(ip netip.Addr, c int, now int64) (value, netip.Prefix, bool) {
	for _, cc := range t.cidr.Supernets(netip.PrefixFrom(ip, ip.BitLen())) {
		if v := cc.eff[c]; v != 0 && v.live(now) {
			pf, _ := ip.Prefix(int(cc.bits[c]))
			return v, pf, true
		}
	}
	return 0, netip.Prefix{}, false
}

// size returns the number of prefixes held.
func (t *mtable[C]) size() int {
	n := 0
	if t.h4 != nil {
		n += t.h4.n
	}
	if t.h6 != nil {
		n += t.h6.n
	}
	if t.cidr != nil {
		n += t.cidr.Size()
	}
	return n
}

// hostCell returns the cell stored for the single address a.
func (t *mtable[C]) hostCell(a netip.Addr) C {
	if a.Is4() {
		k := key4(a)
		c, _ := t.h4.get(hash4(k), k)
		return c
	}
	k := key6(a)
	c, _ := t.h6.get(hash6(k), k)
	return c
}

// setHost stores (or, for an empty cell, removes) the cell of a single
// address: in place while building, copy-on-write otherwise; inside an
// Apply (b not nil), the store arrays b already copied are changed in
// place.
func (t *mtable[C]) setHost(a netip.Addr, c C, inPlace bool, b *batchState) {
	if a.Is4() {
		k, h := key4(a), hash4(key4(a))
		switch {
		case b != nil && !inPlace && t.h4.isLarge():
			t.h4 = t.h4.withOwned(h, k, c, c == zeroCell[C](), b.owned)
		case c == zeroCell[C]():
			t.h4 = t.h4.without(h, k)
		case inPlace:
			if t.h4 == nil {
				t.h4 = new(hostStore[uint32, C])
			}
			t.h4.set(h, k, c)
		default:
			t.h4 = t.h4.with(h, k, c)
		}
		return
	}
	k := key6(a)
	h := hash6(k)
	switch {
	case b != nil && !inPlace && t.h6.isLarge():
		t.h6 = t.h6.withOwned(h, k, c, c == zeroCell[C](), b.owned)
	case c == zeroCell[C]():
		t.h6 = t.h6.without(h, k)
	case inPlace:
		if t.h6 == nil {
			t.h6 = new(hostStore[addr6, C])
		}
		t.h6.set(h, k, c)
	default:
		t.h6 = t.h6.with(h, k, c)
	}
}

func zeroCell[C cellT]() (z C) { return z }

// at6 is, for IPv6, the part of an mtable probe that can be located
// before it is read: the address's host bucket (see at4).
type at6[C cellT] struct {
	b []hostEntry[addr6, C]
}

// locate6 fills a with the host bucket of the IPv6 key k.
func (t *mtable[C]) locate6(k addr6, a *at6[C]) {
	if s := t.h6; s != nil {
		a.b = s.flat
		if s.small != nil || s.large != nil {
			a.b = s.bucket(hash6(k))
		}
	}
}

// probe6 fills p (the zero probe) for the IPv6 address ip (key k) from
// what locate6 found, walking the trie before reading the bucket so that
// the bucket's cache miss overlaps the walk.
func (t *mtable[C]) probe6(a *at6[C], p *probe[C], ip netip.Addr, k addr6) {
	if t.cidr != nil && t.cidr.Size6() != 0 {
		p.cc, p.ok = t.cidr.Lookup(ip)
	}
	for i := range a.b {
		if a.b[i].k == k {
			p.host = a.b[i].v
			break
		}
	}
}
