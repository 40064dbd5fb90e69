package geodata

import (
	"cmp"
	"math/bits"
	"net/netip"
	"slices"
)

// u128 is an address as an unsigned 128-bit integer. IPv4 addresses use the
// low 32 bits; the two families are always kept in separate lists.
type u128 struct{ hi, lo uint64 }

var u128Max = u128{^uint64(0), ^uint64(0)}

func u128From(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{lo: uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}
	}
	b := a.As16()
	var x u128
	for i := range 8 {
		x.hi = x.hi<<8 | uint64(b[i])
		x.lo = x.lo<<8 | uint64(b[8+i])
	}
	return x
}

func (x u128) addr(v4 bool) netip.Addr {
	if v4 {
		return netip.AddrFrom4([4]byte{byte(x.lo >> 24), byte(x.lo >> 16), byte(x.lo >> 8), byte(x.lo)})
	}
	var b [16]byte
	for i := range 8 {
		b[i] = byte(x.hi >> (56 - 8*i))
		b[8+i] = byte(x.lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}

func (x u128) cmp(y u128) int {
	if c := cmp.Compare(x.hi, y.hi); c != 0 {
		return c
	}
	return cmp.Compare(x.lo, y.lo)
}

func (x u128) add(y u128) (u128, bool) {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, c := bits.Add64(x.hi, y.hi, c)
	return u128{hi, lo}, c != 0
}

func (x u128) sub(y u128) u128 {
	lo, b := bits.Sub64(x.lo, y.lo, 0)
	hi, _ := bits.Sub64(x.hi, y.hi, b)
	return u128{hi, lo}
}

func (x u128) inc() (u128, bool) { return x.add(u128{lo: 1}) }

func (x u128) dec() u128 { return x.sub(u128{lo: 1}) }

func (x u128) isZero() bool { return x.hi == 0 && x.lo == 0 }

// trailingZeros returns the number of trailing zero bits (128 for zero).
func (x u128) trailingZeros() int {
	if x.lo != 0 {
		return bits.TrailingZeros64(x.lo)
	}
	return 64 + bits.TrailingZeros64(x.hi)
}

// shl returns x << n for 0 <= n < 128.
func (x u128) shl(n int) u128 {
	switch {
	case n == 0:
		return x
	case n >= 64:
		return u128{hi: x.lo << (n - 64)}
	default:
		return u128{hi: x.hi<<n | x.lo>>(64-n), lo: x.lo << n}
	}
}

// shr returns x >> n for 0 <= n < 128.
func (x u128) shr(n int) u128 {
	switch {
	case n == 0:
		return x
	case n >= 64:
		return u128{lo: x.hi >> (n - 64)}
	default:
		return u128{hi: x.hi >> n, lo: x.lo>>n | x.hi<<(64-n)}
	}
}

// span is an inclusive address range with a value. Which value depends on
// the list: a key index plus one in a Source, a packed entry in a DB build.
// Zero means "no data" and is never stored.
type span struct {
	lo, hi u128
	val    uint32
}

// appendSpan appends s to list, or extends the last span instead when s
// continues it with the same value.
func appendSpan(list []span, s span) []span {
	if n := len(list); n > 0 {
		last := &list[n-1]
		if last.val == s.val {
			if next, ovf := last.hi.inc(); !ovf && next == s.lo {
				last.hi = s.hi
				return list
			}
		}
	}
	return append(list, s)
}

// normalize sorts list by start and makes it non-overlapping: where spans
// overlap, the one that starts first keeps the overlap (on equal starts, the
// one that came first in the input), and the other is trimmed. Adjacent
// spans with equal values are merged. Sources built from a MaxMind database
// never overlap; the rule only makes damaged CSV input deterministic.
func normalize(list []span) []span {
	if !slices.IsSortedFunc(list, func(a, b span) int { return a.lo.cmp(b.lo) }) {
		slices.SortStableFunc(list, func(a, b span) int { return a.lo.cmp(b.lo) })
	}
	if len(list) == 0 {
		return list
	}
	out := list[:1]
	for _, s := range list[1:] {
		last := out[len(out)-1].hi
		if s.lo.cmp(last) <= 0 {
			if s.hi.cmp(last) <= 0 {
				continue
			}
			s.lo, _ = last.inc()
		}
		out = appendSpan(out, s)
	}
	return out
}

// firstWins keeps the value of the earlier list where both have one.
func firstWins(a, b uint32) uint32 {
	if a != 0 {
		return a
	}
	return b
}

// overlay combines two sorted, non-overlapping span lists. Every address
// covered by either list gets f(value in a, value in b), with 0 standing for
// "not covered"; results of 0 are dropped and equal neighbours merged.
func overlay(a, b []span, f func(va, vb uint32) uint32) []span {
	out := make([]span, 0, max(len(a), len(b)))
	i, j := 0, 0
	var pos u128
	started := false
	for i < len(a) || j < len(b) {
		if !started {
			switch {
			case i >= len(a):
				pos = b[j].lo
			case j >= len(b):
				pos = a[i].lo
			case a[i].lo.cmp(b[j].lo) <= 0:
				pos = a[i].lo
			default:
				pos = b[j].lo
			}
			started = true
		}
		aOn := i < len(a) && a[i].lo.cmp(pos) <= 0
		bOn := j < len(b) && b[j].lo.cmp(pos) <= 0
		if !aOn && !bOn {
			started = false
			continue
		}
		end := u128Max
		var va, vb uint32
		if aOn {
			end, va = a[i].hi, a[i].val
		} else if i < len(a) {
			end = a[i].lo.dec()
		}
		if bOn {
			vb = b[j].val
			if b[j].hi.cmp(end) < 0 {
				end = b[j].hi
			}
		} else if j < len(b) {
			if e := b[j].lo.dec(); e.cmp(end) < 0 {
				end = e
			}
		}
		if v := f(va, vb); v != 0 {
			out = appendSpan(out, span{lo: pos, hi: end, val: v})
		}
		if aOn && a[i].hi == end {
			i++
		}
		if bOn && b[j].hi == end {
			j++
		}
		next, ovf := end.inc()
		if ovf {
			break
		}
		pos = next
	}
	return out
}

// mask returns 2^k - 1 for 0 <= k <= 128.
func mask(k int) u128 {
	if k == 128 {
		return u128Max
	}
	return u128{lo: 1}.shl(k).dec()
}

// prefixes calls yield with the shortest list of CIDR prefixes that covers
// [lo, hi] exactly, in address order. lo <= hi.
func prefixes(lo, hi u128, v4 bool, yield func(netip.Prefix)) {
	width := 128
	if v4 {
		width = 32
	}
	for {
		// The largest block aligned at lo that does not run past hi.
		k := min(lo.trailingZeros(), width)
		for k > 0 {
			if last, ovf := lo.add(mask(k)); !ovf && last.cmp(hi) <= 0 {
				break
			}
			k--
		}
		yield(netip.PrefixFrom(lo.addr(v4), width-k))
		last, _ := lo.add(mask(k))
		if last.cmp(hi) >= 0 {
			return
		}
		lo, _ = last.inc()
	}
}
