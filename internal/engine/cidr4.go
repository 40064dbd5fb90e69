package engine

import (
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"
)

// short4 is the length below which an IPv4 prefix is kept out of the /16
// index (a shorter prefix spans several /16s).
const short4 = 16

// cidr4 is the lookup index of the IPv4 real prefixes of /16 and longer of
// an mtable: one chunk per /16, reached through two 256-way arrays (the
// first level always cached, the second 256 slice headers side by side).
// A chunk lists the /16's disjoint address intervals sorted by their
// 16-bit start, each with the cell of the longest stored prefix (of /16 or
// longer) covering it, with the categories inherited from prefixes shorter
// than /16 removed (masked); the start sits in the cell's padding, so an
// interval costs 24 bytes (32 for whiteblackip cells) in one allocation
// per chunk. A lookup is one load per level and a binary search over a
// handful of intervals, instead of a
// trie walk of up to four nodes; the shorter prefixes are few and answered
// by a separate small trie (mtable.s4) whose cell fills the categories the
// chunk leaves empty. A cidr4 reachable from a published Snapshot is never
// modified: a change copies the two arrays on the path and replaces one
// chunk.
type cidr4[C cellT] struct {
	top [256]*[256]chunk4[C]
}

// chunk4 is the interval list of one /16; the first interval starts at 0
// unless the chunk is empty.
type chunk4[C cellT] []ival[C]

type ival[C cellT] struct {
	cc    ccell[C]
	start uint16
}

// lookup returns the masked cell for k (the zero cell: none).
func (x *cidr4[C]) lookup(k uint32) ccell[C] {
	return x.chunk(k).find(uint16(k))
}

// chunk returns the interval list of k's /16 (nil: none).
func (x *cidr4[C]) chunk(k uint32) chunk4[C] {
	if m := x.top[k>>24]; m != nil {
		return m[k>>16&255]
	}
	return nil
}

// find returns the masked cell of the interval holding lo, the low 16
// bits of an address in the chunk's /16 (the zero cell: none).
func (ch chunk4[C]) find(lo uint16) ccell[C] {
	n := len(ch)
	if n == 0 {
		return ccell[C]{}
	}
	i, j := 1, n
	for i < j {
		h := int(uint(i+j) >> 1)
		if ch[h].start <= lo {
			i = h + 1
		} else {
			j = h
		}
	}
	return ch[i-1].cc
}

// mask4 removes from c the categories it inherits from prefixes shorter
// than short4.
func mask4[C cellT](c ccell[C]) ccell[C] {
	for x := range len(c.eff) {
		if c.bits[x] < short4 {
			c.eff[x], c.bits[x] = 0, 0
		}
	}
	return c
}

// pcell is a stored prefix and its trie cell.
type pcell[C cellT] struct {
	p  netip.Prefix
	cc ccell[C]
}

// flatten4 builds the chunk of one /16 from its stored prefixes of /16 and
// longer, in natural CIDR order (a prefix before the prefixes it
// contains), with trie cells.
func flatten4[C cellT](ps []pcell[C]) chunk4[C] {
	if len(ps) == 0 {
		return nil
	}
	ch := make(chunk4[C], 1, 2*len(ps)+1)
	emit := func(at uint32, c ccell[C]) {
		if at > 0xFFFF {
			return
		}
		n := len(ch)
		if uint32(ch[n-1].start) == at {
			ch[n-1].cc = c
			if n >= 2 && ch[n-2].cc == c {
				ch = ch[:n-1]
			}
			return
		}
		if ch[n-1].cc == c {
			return
		}
		ch = append(ch, ival[C]{c, uint16(at)})
	}
	type frame struct {
		end uint32
		c   ccell[C]
	}
	var stack []frame
	enclosing := func() ccell[C] {
		if len(stack) == 0 {
			return ccell[C]{}
		}
		return stack[len(stack)-1].c
	}
	for _, pc := range ps {
		start := key4(pc.p.Addr()) & 0xFFFF
		end := start + (1 << (32 - pc.p.Bits())) - 1
		for len(stack) > 0 && stack[len(stack)-1].end < start {
			top := stack[len(stack)-1].end
			stack = stack[:len(stack)-1]
			emit(top+1, enclosing())
		}
		c := mask4(pc.cc)
		stack = append(stack, frame{end, c})
		emit(start, c)
	}
	for len(stack) > 0 {
		top := stack[len(stack)-1].end
		stack = stack[:len(stack)-1]
		emit(top+1, enclosing())
	}
	if len(ch) == 1 && ch[0].cc == (ccell[C]{}) {
		return nil
	}
	return slices.Clone(ch) // exact size: the index is kept for long
}

// withChunk returns a copy of x (nil: empty) with the chunk of /16 h
// replaced.
func (x *cidr4[C]) withChunk(h uint32, ch chunk4[C]) *cidr4[C] {
	nx := new(cidr4[C])
	if x != nil {
		*nx = *x
	}
	nm := new([256]chunk4[C])
	if m := nx.top[h>>8&255]; m != nil {
		*nm = *m
	}
	nm[h&255] = ch
	nx.top[h>>8&255] = nm
	return nx
}

// setChunk replaces the chunk of /16 h in place (construction only).
func (x *cidr4[C]) setChunk(h uint32, ch chunk4[C]) {
	m := x.top[h>>8&255]
	if m == nil {
		m = new([256]chunk4[C])
		x.top[h>>8&255] = m
	}
	m[h&255] = ch
}

// chunkPrefix returns the /16 numbered h.
func chunkPrefix(h uint32) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(h >> 8), byte(h)}), short4)
}

// rebuildChunk4 recomputes the chunk of /16 h from the trie.
func (t *mtable[C]) rebuildChunk4(h uint32) {
	var ps []pcell[C]
	if t.cidr != nil {
		for p, cc := range t.cidr.Subnets(chunkPrefix(h)) {
			ps = append(ps, pcell[C]{p, cc})
		}
	}
	ch := flatten4(ps)
	if len(ch) == 0 && t.c4 == nil {
		return
	}
	t.c4 = t.c4.withChunk(h, ch)
}

// index4 builds the IPv4 lookup structures (c4 and s4) of t from its trie
// in one pass, and trims the host stores: used once at the end of New,
// where changes are applied to the trie and host stores alone.
func (t *mtable[C]) index4() {
	t.h4.compact()
	t.h6.compact()
	t.c4, t.s4 = nil, nil
	if t.cidr == nil || t.cidr.Size4() == 0 {
		return
	}
	var (
		group []pcell[C]
		cur   uint32
		x     = new(cidr4[C])
	)
	flush := func() {
		if ch := flatten4(group); len(ch) > 0 {
			x.setChunk(cur, ch)
		}
		group = group[:0]
	}
	for p, cc := range t.cidr.AllSorted4() {
		if p.Bits() < short4 {
			if t.s4 == nil {
				t.s4 = new(bart.Table[ccell[C]])
			}
			t.s4.Insert(p, cc)
			continue
		}
		h := key4(p.Addr()) >> 16
		if len(group) > 0 && h != cur {
			flush()
		}
		cur = h
		group = append(group, pcell[C]{p, cc})
	}
	flush()
	t.c4 = x
}

// at4 is the memory an IPv4 probe of an mtable reads: the address's host
// bucket and its /16's interval list. Locating both before reading either
// (locate4, then probe4) lets the CPU overlap their cache misses, and
// those of other tables located at the same time.
type at4[C cellT] struct {
	b  []hostEntry[uint32, C]
	ch chunk4[C]
}

// locate4 fills a with the bucket and interval list of the IPv4 key k.
func (t *mtable[C]) locate4(k uint32, a *at4[C]) {
	if s := t.h4; s != nil {
		a.b = s.flat
		if s.small != nil || s.large != nil {
			a.b = s.bucket(hash4(k))
		}
	}
	if t.c4 != nil {
		a.ch = t.c4.chunk(k)
	}
}

// probe4 fills p (the zero probe) for the IPv4 address ip (key k) from
// what locate4 found.
func (t *mtable[C]) probe4(a *at4[C], p *probe[C], ip netip.Addr, k uint32) {
	b := a.b
	for i := range b {
		if b[i].k >= k {
			if b[i].k == k {
				p.host = b[i].v
			}
			break
		}
	}
	if t.c4 != nil {
		p.cc = a.ch.find(uint16(k))
		p.ok = true
	}
	t.lookupShort4(p, ip)
}

// lookup4 fills p's trie cell for the IPv4 key k from c4 and s4.
func (t *mtable[C]) lookup4(p *probe[C], ip netip.Addr, k uint32) {
	if t.c4 != nil {
		p.cc = t.c4.lookup(k)
		p.ok = true
	}
	t.lookupShort4(p, ip)
}

// lookupShort4 fills the categories p's cell leaves empty from the trie of
// IPv4 prefixes shorter than /16.
func (t *mtable[C]) lookupShort4(p *probe[C], ip netip.Addr) {
	if t.s4 != nil {
		if sc, ok := t.s4.Lookup(ip); ok {
			for x := range len(sc.eff) {
				if p.cc.eff[x] == 0 {
					p.cc.eff[x], p.cc.bits[x] = sc.eff[x], sc.bits[x]
				}
			}
			p.ok = true
		}
	}
}
