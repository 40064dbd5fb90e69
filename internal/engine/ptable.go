package engine

import (
	"encoding/binary"
	"net/netip"

	"github.com/gaissmai/bart"
)

// ptable maps prefixes to values: single addresses in a hostStore per
// family, other prefixes in a bart trie. The zero ptable is empty. A ptable
// held by a published Snapshot is immutable; with and without return new
// ptables sharing all unchanged parts.
type ptable struct {
	h4   *hostStore[uint32]
	h6   *hostStore[addr6]
	cidr *bart.Table[value]
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

func (t *ptable) empty() bool { return t.h4 == nil && t.h6 == nil && t.cidr == nil }

// size returns the number of prefixes held.
func (t *ptable) size() int {
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

// lookup returns the value of the most specific prefix containing ip (an
// unmapped address) whose entry is live at now, and that prefix.
func (t *ptable) lookup(ip netip.Addr, now int64) (value, netip.Prefix, bool) {
	if ip.Is4() {
		if t.h4 != nil {
			k := key4(ip)
			if v, ok := t.h4.get(hash4(k), k); ok && v.live(now) {
				return v, netip.PrefixFrom(ip, 32), true
			}
		}
	} else if t.h6 != nil {
		k := key6(ip)
		if v, ok := t.h6.get(hash6(k), k); ok && v.live(now) {
			return v, netip.PrefixFrom(ip, 128), true
		}
	}
	if t.cidr == nil {
		return 0, netip.Prefix{}, false
	}
	if n := t.cidr.Size6(); ip.Is4() {
		n = t.cidr.Size4()
		if n == 0 {
			return 0, netip.Prefix{}, false
		}
	} else if n == 0 {
		return 0, netip.Prefix{}, false
	}
	v, ok := t.cidr.Lookup(ip)
	if !ok {
		return 0, netip.Prefix{}, false
	}
	host := netip.PrefixFrom(ip, ip.BitLen())
	if v.live(now) {
		p, v, _ := t.cidr.LookupPrefixLPM(host)
		return v, p, true
	}
	return t.lookupLive(host, now)
}

// lookupLive is the rare path taken when the most specific match has
// expired but is not swept yet: it walks the covering prefixes, longest
// first, for one that is live.
func (t *ptable) lookupLive(host netip.Prefix, now int64) (value, netip.Prefix, bool) {
	for p, v := range t.cidr.Supernets(host) {
		if v.live(now) {
			return v, p, true
		}
	}
	return 0, netip.Prefix{}, false
}

// get returns the value stored for exactly p (canonical).
func (t *ptable) get(p netip.Prefix) (value, bool) {
	if p.IsSingleIP() {
		a := p.Addr()
		if a.Is4() {
			k := key4(a)
			return t.h4.get(hash4(k), k)
		}
		k := key6(a)
		return t.h6.get(hash6(k), k)
	}
	if t.cidr == nil {
		return 0, false
	}
	return t.cidr.Get(p)
}

// set stores p -> v in place; only for a ptable under construction.
func (t *ptable) set(p netip.Prefix, v value) {
	if p.IsSingleIP() {
		a := p.Addr()
		if a.Is4() {
			if t.h4 == nil {
				t.h4 = new(hostStore[uint32])
			}
			k := key4(a)
			t.h4.set(hash4(k), k, v)
			return
		}
		if t.h6 == nil {
			t.h6 = new(hostStore[addr6])
		}
		k := key6(a)
		t.h6.set(hash6(k), k, v)
		return
	}
	if t.cidr == nil {
		t.cidr = new(bart.Table[value])
	}
	t.cidr.Insert(p, v)
}

// with returns a copy of t with p -> v.
func (t ptable) with(p netip.Prefix, v value) ptable {
	if p.IsSingleIP() {
		a := p.Addr()
		if a.Is4() {
			k := key4(a)
			t.h4 = t.h4.with(hash4(k), k, v)
		} else {
			k := key6(a)
			t.h6 = t.h6.with(hash6(k), k, v)
		}
		return t
	}
	if t.cidr == nil {
		nt := new(bart.Table[value])
		nt.Insert(p, v)
		t.cidr = nt
		return t
	}
	t.cidr = t.cidr.InsertPersist(p, v)
	return t
}

// without returns a copy of t without p.
func (t ptable) without(p netip.Prefix) ptable {
	if p.IsSingleIP() {
		a := p.Addr()
		if a.Is4() {
			k := key4(a)
			t.h4 = t.h4.without(hash4(k), k)
		} else {
			k := key6(a)
			t.h6 = t.h6.without(hash6(k), k)
		}
		return t
	}
	if t.cidr == nil {
		return t
	}
	if _, ok := t.cidr.Get(p); !ok {
		return t
	}
	t.cidr = t.cidr.DeletePersist(p)
	if t.cidr.Size() == 0 {
		t.cidr = nil
	}
	return t
}
