package precise

import (
	"net/netip"
	"strings"
	"unsafe"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// index files each rule under the literals one of its conditions requires,
// so that a request is matched only against the rules it can satisfy. A
// rule is filed under one kind of key, the most selective its conditions
// offer, or in rest. Every list holds rule positions in ascending order.
type index struct {
	byPath    map[string][]int32 // url equal / equal_any: the exact path
	byNet     map[netKey][]int32 // ip, ipv6 equal / equal_any: the /16 (IPv4) or /32 (IPv6) of every block
	byField   map[string][]int32 // params, cookie, header: the field's name and value, or its name only
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
	kind    int
	strs    []string // path, field, segment or method keys
	nets    []netKey
	field   int      // gram field
	needles []string // gram needles
}

func buildIndex(conds [][]waf.CustomCondition, lists map[string]*waf.ValueList) index {
	ix := index{byPath: map[string][]int32{}, byNet: map[netKey][]int32{}, byField: map[string][]int32{},
		bySegment: map[string][]int32{}, byMethod: map[string][]int32{}}
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

// choose picks the most selective key the conditions of a rule offer:
// every condition must hold, so any condition that fails on a request
// without the key can file the rule.
func choose(conds []waf.CustomCondition, lists map[string]*waf.ValueList) choice {
	best := choice{kind: keyNone}
	for _, c := range conds {
		if k := keyOf(c, lists); k.kind < best.kind {
			best = k
		}
	}
	return best
}

// keyOf returns the key a condition offers; kind keyNone when the
// condition can hold on a request whatever its literals.
func keyOf(c waf.CustomCondition, lists map[string]*waf.ValueList) choice {
	none := choice{kind: keyNone}
	op := c.LogicOperation
	values := c.Contents
	if strings.HasSuffix(op, "_any") {
		l := lists[c.ValueListID]
		if l == nil {
			return none
		}
		values, op = l.Values, strings.TrimSuffix(op, "_any")
	}
	if strings.HasPrefix(op, "not_") || strings.HasSuffix(op, "_all") {
		return none // negations hold on a request without the literal
	}
	switch c.Category {
	case "url":
		switch op {
		case "equal":
			return choice{kind: keyPath, strs: values}
		case "prefix":
			if segs, ok := segments(values); ok {
				return choice{kind: keySegment, strs: segs}
			}
		case "contain":
			return gramChoice(gramURL, values)
		}
	case "ip", "ipv6":
		if keys, ok := netKeys(c.Category == "ipv6", values); ok && op == "equal" {
			return choice{kind: keyNet, nets: keys}
		}
	case "method":
		if op == "equal" {
			return choice{kind: keyMethod, strs: values}
		}
	case "user-agent", "referer":
		switch op {
		case "equal":
			return fieldChoice(keyFieldValue, 'h', c.Category, values)
		case "contain":
			field := gramUserAgent
			if c.Category == "referer" {
				field = gramReferer
			}
			return gramChoice(field, values)
		case "prefix", "suffix":
			return fieldChoice(keyFieldName, 'h', c.Category, nil)
		}
	case "params", "cookie", "header":
		part := c.Category[0] // p, c, h
		name := c.Index
		if part == 'h' {
			name = lowerASCII(name)
		}
		switch {
		case op == "equal":
			return fieldChoice(keyFieldValue, part, name, values)
		case op == "contain" || op == "prefix" || op == "suffix" || op == "exist" || strings.HasPrefix(op, "num_"):
			// These fail on a request without the field.
			return fieldChoice(keyFieldName, part, name, nil)
		}
	}
	return none
}

// fieldChoice files a rule under the field's name and, with values, one of
// its values.
func fieldChoice(kind int, part byte, name string, values []string) choice {
	if kind == keyFieldName {
		return choice{kind: kind, strs: []string{string(part) + name}}
	}
	keys := make([]string, len(values))
	for i, v := range values {
		keys[i] = string(part) + name + "\x00" + v
	}
	return choice{kind: kind, strs: keys}
}

// gramChoice files a rule under its needles when every needle is long
// enough to hold a gram.
func gramChoice(field int, needles []string) choice {
	for _, n := range needles {
		if len(n) < 4 {
			return choice{kind: keyNone}
		}
	}
	return choice{kind: keyGram, field: field, needles: needles}
}

func gram(s string, i int) uint32 {
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

func gramHash(g uint32) uint32 { return (g * 0x9E3779B1) >> 16 }

func distinctGrams(s string) []uint32 {
	seen := map[uint32]bool{}
	var out []uint32
	for i := 0; i+4 <= len(s); i++ {
		if g := gram(s, i); !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// rarest returns the gram of the needle that the fewest needles share.
func rarest(needle string, counts map[uint32]int) uint32 {
	best, bestN := gram(needle, 0), -1
	for i := 0; i+4 <= len(needle); i++ {
		g := gram(needle, i)
		if n := counts[g]; bestN < 0 || n < bestN {
			best, bestN = g, n
		}
	}
	return best
}

// netKeys returns the keys of the address blocks an ip (IPv4) or ipv6
// condition compares with; ok is false when one block is wider than a key
// (/16, /32) and the condition selects no key. Blocks of the other family
// never match the condition and give no key.
func netKeys(v6 bool, values []string) (keys []netKey, ok bool) {
	for _, v := range values {
		p, err := parsePrefix(v)
		if err != nil {
			return nil, false
		}
		if p.Addr().Is6() != v6 {
			continue
		}
		if !v6 && p.Bits() < 16 || v6 && p.Bits() < 32 {
			return nil, false
		}
		keys = append(keys, addrKey(p.Addr()))
	}
	return keys, len(keys) > 0
}

// parsePrefix reads an address or CIDR block as package condition does:
// masked, IPv4-mapped IPv6 read as IPv4.
func parsePrefix(v string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(v); err == nil {
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func addrKey(a netip.Addr) netKey {
	if a.Is4() {
		b := a.As4()
		return netKey{hi: uint32(b[0])<<8 | uint32(b[1])}
	}
	b := a.As16()
	return netKey{v6: true, hi: uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])}
}

// segments returns the first path segment ("/api/") every prefix begins
// with; ok is false when a prefix does not hold a whole first segment.
func segments(prefixes []string) ([]string, bool) {
	out := make([]string, 0, len(prefixes))
	for _, p := range prefixes {
		s, ok := firstSegment(p)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// firstSegment returns the path up to and including its second '/'.
func firstSegment(path string) (string, bool) {
	if !strings.HasPrefix(path, "/") {
		return "", false
	}
	i := strings.IndexByte(path[1:], '/')
	if i < 0 {
		return "", false
	}
	return path[:i+2], true
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// selection gathers the lists one request selects.
type selection struct {
	lists *[maxLists][]int32
	n     int
	full  bool // more than maxLists: match every rule
}

func (s *selection) add(l []int32) {
	if len(l) == 0 {
		return
	}
	for i := range s.n { // the same list found twice (a gram repeated in a value)
		if unsafe.SliceData(s.lists[i]) == unsafe.SliceData(l) {
			return
		}
	}
	if s.n == maxLists {
		s.full = true
		return
	}
	s.lists[s.n] = l
	s.n++
}

// candidates fills out with the lists of the rules req can satisfy and
// returns how many; ok is false when the request selects too many lists
// (or too long a value for the gram index) and every rule must be tried.
func (ix *index) candidates(req *inspect.Request, out *[maxLists][]int32) (n int, ok bool) {
	sel := selection{lists: out}
	sel.add(ix.byPath[req.Path])
	if a := req.Client.Unmap(); a.IsValid() && len(ix.byNet) > 0 {
		sel.add(ix.byNet[addrKey(a)])
	}
	if seg, ok := firstSegment(req.Path); ok && len(ix.bySegment) > 0 {
		sel.add(ix.bySegment[seg])
	}
	if len(ix.byField) > 0 {
		ix.fieldLists(req, &sel)
	}
	if ix.grams[gramURL].lists != nil {
		ix.grams[gramURL].scan(req.Path, &sel)
	}
	if ix.grams[gramUserAgent].lists != nil {
		if v, ok := condition.Header(req, "User-Agent"); ok {
			ix.grams[gramUserAgent].scan(v, &sel)
		}
	}
	if ix.grams[gramReferer].lists != nil {
		if v, ok := condition.Header(req, "Referer"); ok {
			ix.grams[gramReferer].scan(v, &sel)
		}
	}
	sel.add(ix.byMethod[req.Method])
	sel.add(ix.rest)
	return sel.n, !sel.full
}

// scan adds the lists of every gram of v.
func (g *grams) scan(v string, sel *selection) {
	if len(v) > maxGramScan {
		sel.full = true
		return
	}
	for i := 0; i+4 <= len(v); i++ {
		k := gram(v, i)
		if h := gramHash(k); g.bloom[h>>6]&(1<<(h&63)) != 0 {
			sel.add(g.lists[k])
		}
	}
}

// maxFieldKey bounds the field keys looked up; a longer field selects
// every rule.
const maxFieldKey = 512

// fieldLists adds the lists of the name, and of the name and value, of
// every parameter, cookie and header of req.
func (ix *index) fieldLists(req *inspect.Request, sel *selection) {
	var buf [maxFieldKey]byte
	look := func(part byte, name, value string, fold bool) bool {
		if 1+len(name)+1+len(value) > maxFieldKey {
			sel.full = true
			return false
		}
		buf[0] = part
		n := 1 + copy(buf[1:], name)
		if fold {
			for i := 1; i < n; i++ {
				if c := buf[i]; 'A' <= c && c <= 'Z' {
					buf[i] = c + 'a' - 'A'
				}
			}
		}
		sel.add(ix.byField[string(buf[:n])])
		buf[n] = 0
		n += 1 + copy(buf[n+1:], value)
		sel.add(ix.byField[string(buf[:n])])
		return !sel.full
	}
	condition.EachField(req, condition.Params, func(name, value string) bool { return look('p', name, value, false) })
	for _, c := range req.Cookies {
		if !look('c', c.Name, c.Value, false) {
			return
		}
	}
	for _, h := range req.Headers {
		if !look('h', h.Name, h.Value, true) {
			return
		}
	}
}
