package precise

import (
	"net/netip"
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// index files each rule under the literals one of its conditions
// requires, so that a request is matched only against the rules it can
// satisfy. A rule is filed under one kind of key, the most selective its
// conditions allow, or in rest. Every list holds rule positions in
// ascending order.
type index struct {
	byPath    map[string][]int32 // url equal / equal_any: the exact path
	byNet     map[netKey][]int32 // ip, ipv6 equal / equal_any: the /16 (IPv4) or /32 (IPv6) of every block
	bySegment map[string][]int32 // url prefix / prefix_any: the path's first segment, "/api/"
	byMethod  map[string][]int32 // method equal
	rest      []int32            // the rules no literal selects
}

// netKey is the top 16 bits of an IPv4 address or the top 32 bits of an
// IPv6 one.
type netKey struct {
	v6 bool
	hi uint32
}

// Kinds of keys, most selective first.
const (
	keyPath = iota
	keyNet
	keySegment
	keyMethod
	keyKinds
)

func newIndex() index {
	return index{byPath: map[string][]int32{}, byNet: map[netKey][]int32{}, bySegment: map[string][]int32{},
		byMethod: map[string][]int32{}}
}

// add files the rule at position pos (rules are added in order).
func (ix *index) add(pos int32, conds []waf.CustomCondition, lists map[string]*waf.ValueList) {
	var best [keyKinds][]string
	var nets []netKey
	for _, c := range conds {
		values := c.Contents
		switch c.LogicOperation {
		case "equal", "prefix":
		case "equal_any", "prefix_any":
			if l := lists[c.ValueListID]; l != nil {
				values = l.Values
			}
		default:
			continue // a negated or non-literal operation selects nothing
		}
		if len(values) == 0 {
			continue
		}
		switch {
		case c.Category == "url" && strings.HasPrefix(c.LogicOperation, "equal"):
			best[keyPath] = values
		case (c.Category == "ip" || c.Category == "ipv6") && strings.HasPrefix(c.LogicOperation, "equal"):
			if keys, ok := netKeys(c.Category == "ipv6", values); ok {
				nets = keys
				best[keyNet] = values
			}
		case c.Category == "url" && strings.HasPrefix(c.LogicOperation, "prefix"):
			if segs, ok := segments(values); ok {
				best[keySegment] = segs
			}
		case c.Category == "method" && c.LogicOperation == "equal":
			best[keyMethod] = values
		}
	}
	switch {
	case best[keyPath] != nil:
		for _, p := range best[keyPath] {
			ix.byPath[p] = appendOnce(ix.byPath[p], pos)
		}
	case best[keyNet] != nil:
		for _, k := range nets {
			ix.byNet[k] = appendOnce(ix.byNet[k], pos)
		}
	case best[keySegment] != nil:
		for _, s := range best[keySegment] {
			ix.bySegment[s] = appendOnce(ix.bySegment[s], pos)
		}
	case best[keyMethod] != nil:
		for _, m := range best[keyMethod] {
			ix.byMethod[m] = appendOnce(ix.byMethod[m], pos)
		}
	default:
		ix.rest = append(ix.rest, pos)
	}
}

func appendOnce(list []int32, pos int32) []int32 {
	if n := len(list); n > 0 && list[n-1] == pos {
		return list
	}
	return append(list, pos)
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
		keys = append(keys, keyOf(p.Addr()))
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

func keyOf(a netip.Addr) netKey {
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

// candidates returns the lists of the rules req can satisfy; the rules of
// one request appear in at most one of them.
func (ix *index) candidates(req *inspect.Request, out *[keyKinds + 1][]int32) int {
	n := 0
	add := func(l []int32) {
		if len(l) > 0 {
			out[n] = l
			n++
		}
	}
	add(ix.byPath[req.Path])
	if a := req.Client.Unmap(); a.IsValid() {
		add(ix.byNet[keyOf(a)])
	}
	if seg, ok := firstSegment(req.Path); ok {
		add(ix.bySegment[seg])
	}
	add(ix.byMethod[req.Method])
	add(ix.rest)
	return n
}
