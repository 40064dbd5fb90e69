package inspect

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

// add puts the rules of c in b.
func (b *ruleBits) add(c *ruleBits) {
	for w := range b {
		b[w] |= c[w]
	}
}

// anyNew reports whether b holds a rule of want that is not in found.
func (b *ruleBits) anyNew(want, found *ruleBits) bool {
	var x uint64
	for w := range b {
		x |= b[w] & want[w] &^ found[w]
	}
	return x != 0
}

// prefilter is the class prefilter of a target's rules as bit sets, so
// the rules a value's classes let through are found with a table lookup
// per group of classesPerChunk classes, instead of a test per rule.
type prefilter struct {
	free ruleBits // rules with no needsAny
	// anyOf[k][x] are the rules whose needsAny holds one of the classes
	// of chunk k set in x; allOf[k][x] those whose needsAll does.
	anyOf [numChunks][1 << classesPerChunk]ruleBits
	allOf [numChunks][1 << classesPerChunk]ruleBits
	bare  ruleBits // rules without any class prefilter
	keyed ruleBits // rules with keywords
	words int      // the words of a ruleBits that hold rules
}

// classesPerChunk is how many classes one table of the prefilter covers.
const (
	classesPerChunk = 5
	numChunks       = (numClasses + classesPerChunk - 1) / classesPerChunk
)

// add records the prefilter of rule r at position i.
func (p *prefilter) add(r *rule, i int) {
	p.words = max(p.words, i/64+1)
	if r.needsAny == 0 {
		p.free.set(i)
	}
	if r.needsAny == 0 && r.needsAll == 0 {
		p.bare.set(i)
	}
	if len(r.keywords) > 0 {
		p.keyed.set(i)
	}
	for c := 0; c < numClasses; c++ {
		k, b := c/classesPerChunk, c%classesPerChunk
		for x := 0; x < 1<<classesPerChunk; x++ {
			if x&(1<<b) == 0 {
				continue
			}
			if r.needsAny&(1<<c) != 0 {
				p.anyOf[k][x].set(i)
			}
			if r.needsAll&(1<<c) != 0 {
				p.allOf[k][x].set(i)
			}
		}
	}
}

// candidates returns the rules whose class prefilter a value of classes m
// passes: one of needsAny (or no needsAny) and all of needsAll.
func (p *prefilter) candidates(m class) ruleBits {
	c := p.free
	var missing ruleBits // rules that need a class m lacks
	n := min(p.words, ruleWords)
	for k := 0; k < numChunks; k++ {
		any := &p.anyOf[k][m>>(k*classesPerChunk)&(1<<classesPerChunk-1)]
		all := &p.allOf[k][^m>>(k*classesPerChunk)&(1<<classesPerChunk-1)]
		for w := 0; w < n; w++ {
			c[w] |= any[w]
			missing[w] |= all[w]
		}
	}
	for w := 0; w < n; w++ {
		c[w] &^= missing[w]
	}
	return c
}
