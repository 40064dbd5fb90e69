package decision

import (
	"math"
	"net/netip"
	"slices"
	"time"
)

// Range is a run of addresses of one family, From to To inclusive, in
// force until Expires (zero: never).
type Range struct {
	From, To netip.Addr
	Expires  time.Time
}

// Prefix returns the range as a prefix when it is exactly one.
func (r Range) Prefix() (netip.Prefix, bool) {
	for bits := range r.From.BitLen() + 1 {
		p := netip.PrefixFrom(r.From, bits).Masked()
		if p.Addr() == r.From && lastAddr(p) == r.To {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// Ranges merges the address entries among entries (user and domain
// entries are ignored) into sorted, disjoint ranges, IPv4 and IPv6
// apart, for exports such as firewall sets that refuse overlapping
// elements. An address is covered while any entry containing it is in
// force, so a range's expiry is the latest of the entries covering it
// (never, if one of them never expires); adjacent ranges with the same
// expiry are joined. IPv4-mapped IPv6 prefixes count as IPv4.
func Ranges(entries []Entry) (v4, v6 []Range) {
	var ps4, ps6 []span
	for i := range entries {
		p := entries[i].Prefix
		if !p.IsValid() {
			continue
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		p = p.Masked()
		s := span{p: p, exp: expKey(entries[i].Expires)}
		if p.Addr().Is4() {
			ps4 = append(ps4, s)
		} else {
			ps6 = append(ps6, s)
		}
	}
	return sweep(ps4), sweep(ps6)
}

// span is a prefix with its expiry as a sortable key.
type span struct {
	p   netip.Prefix
	exp int64 // Unix nanoseconds; math.MaxInt64: never
}

// lastExpKey is the key of every expiry from 2262-04-11 on, past which
// Unix nanoseconds overflow int64 (SecMaster takes block aging times up to
// the year 9999); such ranges report that date as their expiry.
const lastExpKey = math.MaxInt64 - 1

func expKey(t time.Time) int64 {
	if t.IsZero() {
		return math.MaxInt64
	}
	if !t.Before(time.Unix(0, lastExpKey)) {
		return lastExpKey
	}
	return t.UnixNano()
}

func expTime(k int64) time.Time {
	if k == math.MaxInt64 {
		return time.Time{}
	}
	return time.Unix(0, k)
}

// sweep turns prefixes of one family into disjoint ranges. CIDR prefixes
// either nest or are disjoint, so after sorting by start address and then
// length (containers first) a stack of the open prefixes gives, for each
// stretch of addresses, the innermost prefix open there, whose effective
// expiry is the latest along its chain of containers.
func sweep(ps []span) []Range {
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b span) int {
		if c := a.p.Addr().Compare(b.p.Addr()); c != 0 {
			return c
		}
		return a.p.Bits() - b.p.Bits()
	})
	var out []Range
	emit := func(from, to netip.Addr, exp int64) {
		if n := len(out); n > 0 && out[n-1].To.Next() == from && expKey(out[n-1].Expires) == exp {
			out[n-1].To = to
			return
		}
		out = append(out, Range{From: from, To: to, Expires: expTime(exp)})
	}
	type open struct {
		p   netip.Prefix
		hi  netip.Addr
		eff int64
	}
	var stack []open
	var cursor netip.Addr // first address not yet emitted inside the open prefixes
	pop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if cursor.IsValid() && cursor.Compare(top.hi) <= 0 {
			emit(cursor, top.hi, top.eff)
			cursor = top.hi.Next() // invalid past the last address
		}
	}
	for _, s := range ps {
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.p.Bits() <= s.p.Bits() && top.p.Contains(s.p.Addr()) {
				break
			}
			pop()
		}
		lo := s.p.Addr()
		eff := s.exp
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if cursor.IsValid() && cursor.Less(lo) {
				emit(cursor, lo.Prev(), top.eff)
			}
			eff = max(eff, top.eff)
		}
		cursor = lo
		stack = append(stack, open{p: s.p, hi: lastAddr(s.p), eff: eff})
	}
	for len(stack) > 0 {
		pop()
	}
	return out
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr()
	b := a.As16()
	bits := p.Bits()
	if a.Is4() {
		bits += 96
	}
	for i := bits; i < 128; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	r := netip.AddrFrom16(b)
	if a.Is4() {
		r = r.Unmap()
	}
	return r
}
