package precise

import (
	"net/netip"
	"strings"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/waf"
)

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
			name = condition.HeaderKey(name)
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
	prefix := string(part) + name
	if kind == keyFieldName {
		return choice{kind: kind, strs: []string{prefix}, name: prefix}
	}
	keys := make([]string, len(values))
	longest := 0
	for i, v := range values {
		keys[i] = prefix + "\x00" + v
		longest = max(longest, len(v))
	}
	return choice{kind: kind, strs: keys, name: prefix, maxValue: longest}
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
		p, err := condition.ParsePrefix(v)
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
