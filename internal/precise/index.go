package precise

import "github.com/rampartsec/rampart/internal/waf"

// index files each rule under the literals one of its conditions requires,
// so that a request is matched only against the rules it can satisfy. A
// rule is filed under one kind of key, the most selective its conditions
// offer, or in rest. Every list holds rule positions in ascending order.
type index struct {
	byPath    map[string][]int32 // url equal / equal_any: the exact path
	byNet     map[netKey][]int32 // ip, ipv6 equal / equal_any: the /16 (IPv4) or /32 (IPv6) of every block
	byField   map[string][]int32 // params, cookie, header: the field's name and value, or its name only
	names     map[string]bool    // the field names byField has keys of
	maxValue  int                // the longest value in a byField key
	bySegment map[string][]int32 // url prefix / prefix_any: the first path segment, "/api/"
	grams     [gramFields]grams  // url, user-agent, referer contain / contain_any: a 4-byte piece of the needle
	byMethod  map[string][]int32 // method equal
	rest      []int32            // the rules no literal selects
}

// maxLists bounds the lists one request selects; a request that selects
// more is matched against every rule in order (same result, more work).
const maxLists = 16

// Kinds of keys, most selective first.
const (
	keyPath = iota
	keyNet
	keyFieldValue
	keySegment
	keyGram
	keyFieldName
	keyMethod
	keyNone
)

// Fields the gram index reads.
const (
	gramURL = iota
	gramUserAgent
	gramReferer
	gramFields
)

// maxGramScan bounds the bytes of a value the gram index scans; a longer
// value selects every rule.
const maxGramScan = 2048

// grams maps 4-byte pieces of needles to the rules that need one of them;
// bloom answers most lookups of absent pieces.
type grams struct {
	bloom *[1 << 10]uint64
	lists map[uint32][]int32
}

// netKey is the top 16 bits of an IPv4 address or the top 32 bits of an
// IPv6 one.
type netKey struct {
	v6 bool
	hi uint32
}

// choice is the key kind a rule is filed under and its keys.
type choice struct {
	kind     int
	strs     []string // path, field, segment or method keys
	name     string   // field kinds: the part and name the keys begin with
	maxValue int      // keyFieldValue: the longest value
	nets     []netKey
	field    int      // gram field
	needles  []string // gram needles
}

func buildIndex(conds [][]waf.CustomCondition, lists map[string]*waf.ValueList) index {
	ix := index{byPath: map[string][]int32{}, byNet: map[netKey][]int32{}, byField: map[string][]int32{},
		names: map[string]bool{}, bySegment: map[string][]int32{}, byMethod: map[string][]int32{}}
	choices := make([]choice, len(conds))
	var counts [gramFields]map[uint32]int
	for i := range counts {
		counts[i] = map[uint32]int{}
	}
	for pos, cs := range conds {
		choices[pos] = choose(cs, lists)
		if c := choices[pos]; c.kind == keyGram {
			for _, n := range c.needles {
				for _, g := range distinctGrams(n) {
					counts[c.field][g]++
				}
			}
		}
	}
	for pos, c := range choices {
		p := int32(pos)
		switch c.kind {
		case keyPath:
			fileUnder(ix.byPath, c.strs, p)
		case keyNet:
			for _, k := range c.nets {
				ix.byNet[k] = appendOnce(ix.byNet[k], p)
			}
		case keyFieldValue, keyFieldName:
			fileUnder(ix.byField, c.strs, p)
			ix.names[c.name] = true
			ix.maxValue = max(ix.maxValue, c.maxValue)
		case keySegment:
			fileUnder(ix.bySegment, c.strs, p)
		case keyGram:
			g := &ix.grams[c.field]
			if g.lists == nil {
				g.bloom, g.lists = new([1 << 10]uint64), map[uint32][]int32{}
			}
			for _, n := range c.needles {
				k := rarest(n, counts[c.field])
				g.lists[k] = appendOnce(g.lists[k], p)
				h := gramHash(k)
				g.bloom[h>>6] |= 1 << (h & 63)
			}
		case keyMethod:
			fileUnder(ix.byMethod, c.strs, p)
		default:
			ix.rest = append(ix.rest, p)
		}
	}
	return ix
}

func fileUnder(m map[string][]int32, keys []string, pos int32) {
	for _, k := range keys {
		m[k] = appendOnce(m[k], pos)
	}
}

func appendOnce(list []int32, pos int32) []int32 {
	if n := len(list); n > 0 && list[n-1] == pos {
		return list
	}
	return append(list, pos)
}
