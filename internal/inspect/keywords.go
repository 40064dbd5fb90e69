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
// instead of each scanning the value again. One index tells apart 64
// rules (bits by position in a block of the target's rule list); a target
// with more rules has one index per block of 64.
//
// Keywords of two bytes or more are filed by their first two bytes in
// lower case: a bitmap of those pairs passes over most positions of a
// value with one lookup, and a position whose pair is in it is compared
// only with the keywords that start with that pair.
type keywordIndex struct {
	single [256]uint64                 // rules with a one-byte keyword, by byte (both cases)
	pairs  [1 << 16 / 64]uint64        // the folded first two bytes of the longer keywords, and every pair starting with a one-byte keyword
	slots  []pairSlot                  // those keywords by pair, open addressing
	shift  uint                        // 32 - log2(len(slots))
	build  map[uint16][]indexedKeyword // while compiling only
}

// indexedKeyword is a keyword (lower case) and the rules of the block
// (bits) that list it.
type indexedKeyword struct {
	word  string
	rules uint64
}

// pairSlot holds the keywords that start with one pair of bytes.
type pairSlot struct {
	pair  uint16
	used  bool
	words []indexedKeyword
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

// add files word as a keyword of rule (its position in the block).
func (x *keywordIndex) add(word string, rule int) {
	w := strings.ToLower(word)
	if len(w) == 1 {
		x.single[w[0]] |= 1 << rule
		x.single[strings.ToUpper(w)[0]] |= 1 << rule
		for b := 0; b < 256; b++ { // a position holding it is looked at whatever follows
			p := pairOf(w[0], byte(b))
			x.pairs[p>>6] |= 1 << (p & 63)
		}
		return
	}
	p := pairOf(w[0], w[1])
	if x.build == nil {
		x.build = make(map[uint16][]indexedKeyword)
	}
	list := x.build[p]
	for i := range list {
		if list[i].word == w {
			list[i].rules |= 1 << rule
			return
		}
	}
	x.build[p] = append(list, indexedKeyword{word: w, rules: 1 << rule})
	x.pairs[p>>6] |= 1 << (p & 63)
}

// finish lays the keywords filed by add out for scan.
func (x *keywordIndex) finish() {
	size := 1
	for size < 2*len(x.build) {
		size *= 2
	}
	x.slots = make([]pairSlot, size)
	x.shift = 32 - uint(bits.TrailingZeros(uint(size)))
	for p, words := range x.build {
		j := x.slot(p)
		for x.slots[j].used {
			j = (j + 1) & (len(x.slots) - 1)
		}
		x.slots[j] = pairSlot{pair: p, used: true, words: words}
	}
	x.build = nil
}

// pairOf is the index of the folded bytes a, b.
func pairOf(a, b byte) uint16 { return uint16(foldByte[a])<<8 | uint16(foldByte[b]) }

// slot is where the probe for pair p starts.
func (x *keywordIndex) slot(p uint16) int {
	return int((uint32(p) * 0x9e3779b1) >> x.shift)
}

// lookup returns the keywords that start with pair p (none when the
// pair is in the bitmap for a one-byte keyword alone).
func (x *keywordIndex) lookup(p uint16) []indexedKeyword {
	for j := x.slot(p); ; j = (j + 1) & (len(x.slots) - 1) {
		if sl := &x.slots[j]; !sl.used || sl.pair == p {
			return sl.words
		}
	}
}

// scan returns the rules (as bits) that have a keyword in s, looking only
// for the rules in want. Bits of rules not in want may be set too.
func (x *keywordIndex) scan(s string, want uint64) uint64 {
	var found uint64
	if len(s) == 0 {
		return 0
	}
	p := uint16(foldByte[s[0]])
	for i := 1; i < len(s); i++ {
		p = p<<8 | uint16(foldByte[s[i]]) // the pair at i-1, each byte folded once
		if x.pairs[p>>6]&(1<<(p&63)) == 0 {
			continue
		}
		found |= x.single[s[i-1]]
		for _, k := range x.lookup(p) {
			if k.rules&want&^found != 0 && len(s)-i+1 >= len(k.word) && hasFoldedPrefix(s[i+1:], k.word[2:]) {
				found |= k.rules
			}
		}
		if found&want == want {
			return found
		}
	}
	return found | x.single[s[len(s)-1]]
}
