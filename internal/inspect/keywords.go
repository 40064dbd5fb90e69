package inspect

import (
	"math/bits"
	"strings"
)

// hasFoldedPrefix reports whether s starts with the lower-case ASCII word
// w, ignoring the case of s.
func hasFoldedPrefix(s, w string) bool {
	for k := 0; k < len(w); k++ {
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// keywordIndex finds, in one pass over a value, which rules of a target
// have one of their keywords in it: the rules of a target share the scan
// instead of each scanning the value again, and one pass serves every
// rule of the target (bits by position in its rule list).
//
// A bitmap of the folded first two bytes of the keywords passes over most
// positions of a value with one lookup. The keywords of two bytes or more
// are grouped by those two bytes; the group of a pair is found by counting
// the pairs before it in a second bitmap (no hashing), and each keyword
// of the group is first compared on its first four bytes at once.
type keywordIndex struct {
	one    [256]uint8                  // for a byte that is a one-byte keyword (both cases), 1 + its place in single; else 0
	single []ruleBits                  // the rules of each one-byte keyword
	pairs  [1 << 16 / 64]uint64        // the folded first two bytes of the longer keywords, and every pair starting with a one-byte keyword
	long   [1 << 16 / 64]uint64        // the folded first two bytes of the longer keywords
	rank   [1 << 16 / 64]uint16        // how many pairs the words of long before each one hold
	groups []uint16                    // the keywords of the i-th pair of long are words[groups[i]:groups[i+1]]
	heads  []uint64                    // the mask and head of words[j], mask in the high half, apart so that the comparisons read a small array
	words  []indexedKeyword            // the longer keywords by pair
	build  map[uint16][]indexedKeyword // while compiling only
}

// indexedKeyword is a keyword (lower case) of two bytes or more, the
// rules that list it, and its first four bytes (fewer for a shorter one)
// as a number to compare with a value's four bytes under mask.
type indexedKeyword struct {
	head, mask uint32
	word       string
	rules      ruleBits
}

// foldByte maps A-Z to a-z and every other byte to itself.
var foldByte = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if c >= 'A' && c <= 'Z' {
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// add files word as a keyword of rule (its position in the target's rule
// list).
func (x *keywordIndex) add(word string, rule int) {
	w := strings.ToLower(word)
	if len(w) == 1 {
		for _, c := range []byte{w[0], strings.ToUpper(w)[0]} {
			if x.one[c] == 0 {
				x.single = append(x.single, ruleBits{})
				x.one[c] = uint8(len(x.single)) // at most 256 bytes: fits
			}
			x.single[x.one[c]-1].set(rule)
		}
		for b := 0; b < 256; b++ { // a position holding it is looked at whatever follows
			p := pairOf(w[0], byte(b))
			x.pairs[p>>6] |= 1 << (p & 63)
		}
		return
	}
	p := pairOf(w[0], w[1])
	x.pairs[p>>6] |= 1 << (p & 63)
	x.long[p>>6] |= 1 << (p & 63)
	if x.build == nil {
		x.build = make(map[uint16][]indexedKeyword)
	}
	list := x.build[p]
	for i := range list {
		if list[i].word == w {
			list[i].rules.set(rule)
			return
		}
	}
	k := indexedKeyword{word: w}
	for i := 0; i < 4; i++ {
		k.head, k.mask = k.head<<8, k.mask<<8
		if i < len(w) {
			k.head |= uint32(w[i])
			k.mask |= 0xff
		}
	}
	k.rules.set(rule)
	x.build[p] = append(list, k)
}

// finish lays the keywords filed by add out for scan.
func (x *keywordIndex) finish() {
	x.groups = append(x.groups[:0], 0)
	n := uint16(0)
	for i := range x.long {
		x.rank[i] = n
		for b := x.long[i]; b != 0; b &= b - 1 {
			p := uint16(i<<6 | bits.TrailingZeros64(b))
			for _, k := range x.build[p] {
				x.words = append(x.words, k)
				x.heads = append(x.heads, uint64(k.mask)<<32|uint64(k.head))
			}
			x.groups = append(x.groups, uint16(len(x.words)))
			n++
		}
	}
	x.build = nil
}

// pairOf is the index of the folded bytes a, b.
func pairOf(a, b byte) uint16 { return uint16(foldByte[a])<<8 | uint16(foldByte[b]) }

// group returns where the keywords that start with pair p, which is in
// long, are in words and heads.
func (x *keywordIndex) group(p uint16) (from, to int) {
	i := int(x.rank[p>>6]) + bits.OnesCount64(x.long[p>>6]&(1<<(p&63)-1))
	return int(x.groups[i]), int(x.groups[i+1])
}

// scan returns the rules (as bits) that have a keyword in s, looking only
// for the rules in want. Bits of rules not in want may be set too.
func (x *keywordIndex) scan(s string, want *ruleBits) ruleBits {
	var found ruleBits
	if len(s) == 0 {
		return found
	}
	p := uint16(foldByte[s[0]])
	for i := 1; i < len(s); i++ {
		p = p<<8 | uint16(foldByte[s[i]]) // the pair at i-1, each byte folded once
		if x.pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		if o := x.one[s[i-1]]; o != 0 {
			found.add(&x.single[o-1])
		}
		if x.long[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		q := uint32(p) << 16 // the four bytes at i-1, folded, 0 past the end
		if i+1 < len(s) {
			q |= uint32(foldByte[s[i+1]]) << 8
			if i+2 < len(s) {
				q |= uint32(foldByte[s[i+2]])
			}
		}
		from, to := x.group(p)
		for j, h := range x.heads[from:to] {
			if q&uint32(h>>32) != uint32(h) {
				continue
			}
			k := &x.words[from+j]
			if len(s)-i+1 >= len(k.word) && k.rules.anyNew(want, &found) &&
				(len(k.word) <= 4 || hasFoldedPrefix(s[i+3:], k.word[4:])) {
				found.add(&k.rules)
			}
		}
	}
	if o := x.one[s[len(s)-1]]; o != 0 {
		found.add(&x.single[o-1])
	}
	return found
}
