package inspect

import "strings"

// maxRules bounds the catalogue: keywordHits has one bit per rule.
const maxRules = 256

// keywordHits says which rules of the catalogue (by index) have one of
// their keywords in a value.
type keywordHits [maxRules / 64]uint64

func (h *keywordHits) has(i int) bool { return h[i/64]&(1<<(i%64)) != 0 }

func (h *keywordHits) set(i int) { h[i/64] |= 1 << (i % 64) }

func (h *keywordHits) or(o *keywordHits) {
	for i := range h {
		h[i] |= o[i]
	}
}

// keywordIndex finds, in one pass over a value, which rules have one of
// their lower-case ASCII keywords in it, ignoring case: the rules use it
// as their literal prefilter (as CRS rules use @pm before a regular
// expression), so a regular expression runs only on values that hold one
// of the words it needs. It is an Aho-Corasick automaton over the
// keywords of the whole catalogue, built once, with its transitions
// completed (one table lookup per byte) over an alphabet of the bytes the
// keywords use (every other byte is one symbol).
type keywordIndex struct {
	symbol [256]uint8    // byte (either case) -> symbol; 0 for bytes no keyword has
	nsym   int           // symbols, 0 included
	next   []uint16      // state*nsym + symbol -> state
	out    []int32       // state -> index in hits, or -1
	hits   []keywordHits // the rules whose keyword ends at a state
}

// newKeywordIndex builds the index of the keywords of rules, rule i
// setting bit i.
func newKeywordIndex(rules []rule) *keywordIndex {
	if len(rules) > maxRules {
		panic("inspect: more rules than keywordHits holds")
	}
	k := &keywordIndex{nsym: 1}
	for _, r := range rules {
		for _, w := range r.keywords {
			for i := 0; i < len(w); i++ {
				c := lower(w[i])
				if k.symbol[c] == 0 {
					k.symbol[c] = uint8(k.nsym)
					if u := strings.ToUpper(string(c)); len(u) == 1 {
						k.symbol[u[0]] = uint8(k.nsym)
					}
					k.nsym++
				}
			}
		}
	}
	// The trie, with -1 for a missing edge.
	trie := [][]int32{make([]int32, k.nsym)}
	for i := range trie[0] {
		trie[0][i] = -1
	}
	outs := []keywordHits{{}}
	for ri, r := range rules {
		for _, w := range r.keywords {
			st := int32(0)
			for i := 0; i < len(w); i++ {
				sym := k.symbol[lower(w[i])]
				if trie[st][sym] < 0 {
					edges := make([]int32, k.nsym)
					for j := range edges {
						edges[j] = -1
					}
					trie = append(trie, edges)
					outs = append(outs, keywordHits{})
					trie[st][sym] = int32(len(trie) - 1)
				}
				st = trie[st][sym]
			}
			outs[st].set(ri)
		}
	}
	// Breadth first: complete each state's transitions with its failure
	// state's, and add the failure state's rules to its own.
	n := len(trie)
	k.next = make([]uint16, n*k.nsym)
	fail := make([]int32, n)
	queue := []int32{}
	for sym := 0; sym < k.nsym; sym++ {
		if t := trie[0][sym]; t > 0 {
			k.next[sym] = uint16(t)
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		outs[st].or(&outs[fail[st]])
		for sym := 0; sym < k.nsym; sym++ {
			f := k.next[int(fail[st])*k.nsym+sym]
			if t := trie[st][sym]; t >= 0 {
				k.next[int(st)*k.nsym+sym] = uint16(t)
				fail[t] = int32(f)
				queue = append(queue, t)
			} else {
				k.next[int(st)*k.nsym+sym] = f
			}
		}
	}
	if n > 1<<16 {
		panic("inspect: too many keyword states")
	}
	k.out = make([]int32, n)
	for st := range outs {
		k.out[st] = -1
		if outs[st] != (keywordHits{}) {
			k.out[st] = int32(len(k.hits))
			k.hits = append(k.hits, outs[st])
		}
	}
	return k
}

// scan returns the rules with a keyword in s.
func (k *keywordIndex) scan(s string) keywordHits {
	var h keywordHits
	st := 0
	for i := 0; i < len(s); i++ {
		st = int(k.next[st*k.nsym+int(k.symbol[s[i]])])
		if o := k.out[st]; o >= 0 {
			h.or(&k.hits[o])
		}
	}
	return h
}
