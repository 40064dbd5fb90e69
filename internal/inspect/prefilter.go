package inspect

import "math/bits"

// maxRules is how many rules one target can hold: the rule sets of the
// prefilter are fixed-size bit sets, so finding a value's candidate rules
// allocates nothing.
const maxRules = 64 * ruleWords

const ruleWords = 4

// numClasses is the number of byte classes (see class).
const numClasses = 19

// ruleBits is a set of rules of a target, by position in its rule list.
type ruleBits [ruleWords]uint64

func (b *ruleBits) set(i int) { b[i>>6] |= 1 << (i & 63) }

func (b *ruleBits) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// prefilter is the class prefilter of a target's rules as bit sets, so
// the rules a value's classes let through are found with a few word
// operations per class the value holds, instead of a test per rule.
type prefilter struct {
	free     ruleBits             // rules with no needsAny
	any      [numClasses]ruleBits // rules whose needsAny holds the class
	all      [numClasses]ruleBits // rules whose needsAll holds the class
	anyUnion class                // the classes some rule's needsAny holds
	allUnion class                // the classes some rule's needsAll holds
	bare     ruleBits             // rules without any class prefilter
	keyed    ruleBits             // rules with keywords
	words    int                  // how many words of the sets are in use
}

// add records the prefilter of rule r at position i.
func (p *prefilter) add(r *rule, i int) {
	if r.needsAny == 0 {
		p.free.set(i)
	}
	if r.needsAny == 0 && r.needsAll == 0 {
		p.bare.set(i)
	}
	if r.kwset != nil {
		p.keyed.set(i)
	}
	for c := 0; c < numClasses; c++ {
		if r.needsAny&(1<<c) != 0 {
			p.any[c].set(i)
		}
		if r.needsAll&(1<<c) != 0 {
			p.all[c].set(i)
		}
	}
	p.anyUnion |= r.needsAny
	p.allUnion |= r.needsAll
	p.words = i>>6 + 1
}

// candidates returns the rules whose class prefilter a value of classes m
// passes: one of needsAny (or no needsAny) and all of needsAll.
func (p *prefilter) candidates(m class) ruleBits {
	c := p.free
	for a := m & p.anyUnion; a != 0; a &= a - 1 {
		any := &p.any[bits.TrailingZeros32(uint32(a))]
		for w := 0; w < p.words; w++ {
			c[w] |= any[w]
		}
	}
	for a := p.allUnion &^ m; a != 0; a &= a - 1 {
		all := &p.all[bits.TrailingZeros32(uint32(a))]
		for w := 0; w < p.words; w++ {
			c[w] &^= all[w]
		}
	}
	return c
}
