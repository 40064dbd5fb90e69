package engine

import (
	"net/netip"

	"github.com/gaissmai/bart"
)

// short4 is the length below which an IPv4 prefix is kept out of the /16
// index (a shorter prefix spans several /16s).
const short4 = 16

// cidr4 is the lookup index of the IPv4 real prefixes of /16 and longer of
// an mtable: one chunk per /16, reached through two 256-way arrays (the
// first level always cached, the second 256 chunks of 48 or 56 bytes side
// by side). A chunk lists the /16's disjoint address intervals as sorted
// 16-bit starts and, per interval, the cell of the longest stored prefix
// (of /16 or longer) covering it, with the categories inherited from
// prefixes shorter than /16 removed (masked). A lookup is one load per
// level and a binary search over a handful of 2-byte starts, instead of a
// trie walk of up to four nodes; the shorter prefixes are few and answered
// by a separate small trie (mtable.s4) whose cell fills the categories the
// chunk leaves empty. A cidr4 reachable from a published Snapshot is never
// modified: a change copies the two arrays on the path and replaces one
// chunk.
type cidr4[C cellT] struct {
	top [256]*[256]chunk4[C]
}

type chunk4[C cellT] struct {
	starts []uint16 // starts[0] is 0 when the chunk is not empty
	cells  []ccell[C]
}

// lookup returns the masked cell for k (the zero cell: none).
func (x *cidr4[C]) lookup(k uint32) ccell[C] {
	m := x.top[k>>24]
	if m == nil {
		return ccell[C]{}
	}
	ch := &m[k>>16&255]
	n := len(ch.starts)
	if n == 0 {
		return ccell[C]{}
	}
	lo := uint16(k)
	i, j := 1, n
	for i < j {
		h := int(uint(i+j) >> 1)
		if ch.starts[h] <= lo {
			i = h + 1
		} else {
			j = h
		}
	}
	return ch.cells[i-1]
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
	var ch chunk4[C]
	if len(ps) == 0 {
		return ch
	}
	ch.starts = make([]uint16, 1, 2*len(ps)+1)
	ch.cells = make([]ccell[C], 1, 2*len(ps)+1)
	emit := func(at uint32, c ccell[C]) {
		if at > 0xFFFF {
			return
		}
		n := len(ch.starts)
		if uint32(ch.starts[n-1]) == at {
			ch.cells[n-1] = c
			if n >= 2 && ch.cells[n-2] == c {
				ch.starts, ch.cells = ch.starts[:n-1], ch.cells[:n-1]
			}
			return
		}
		if ch.cells[n-1] == c {
			return
		}
		ch.starts = append(ch.starts, uint16(at))
		ch.cells = append(ch.cells, c)
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
	if len(ch.starts) == 1 && ch.cells[0] == (ccell[C]{}) {
		return chunk4[C]{}
	}
	return ch
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
	if len(ch.starts) == 0 && t.c4 == nil {
		return
	}
	t.c4 = t.c4.withChunk(h, ch)
}

// index4 builds the IPv4 lookup structures (c4 and s4) of t from its trie
// in one pass: used once at the end of New, where changes are applied to
// the trie alone.
func (t *mtable[C]) index4() {
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
		if ch := flatten4(group); len(ch.starts) > 0 {
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

// lookup4 fills p's trie cell for the IPv4 key k from c4 and s4.
func (t *mtable[C]) lookup4(p *probe[C], ip netip.Addr, k uint32) {
	if t.c4 != nil {
		p.cc = t.c4.lookup(k)
		p.ok = true
	}
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
