package geodata

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/rampartsec/rampart/internal/origin"
)

// SourceKind says what a Source maps addresses to.
type SourceKind uint8

// Source kinds.
const (
	// KindGeo sources map addresses to an ISO country code and, for China, a
	// province ("US", "CN", "CN-GD").
	KindGeo SourceKind = 1
	// KindASN sources map addresses to an autonomous system number; only
	// ASNs that carry an IDC tag (origin.TagsForASN) are kept.
	KindASN SourceKind = 2
)

// String returns "geo" or "asn".
func (k SourceKind) String() string {
	switch k {
	case KindGeo:
		return "geo"
	case KindASN:
		return "asn"
	default:
		return "unknown"
	}
}

// Source is address data read from one or more files, before compilation:
// sorted, non-overlapping address ranges for IPv4 and IPv6, each labelled
// with a key (an ISO location for geo sources, an ASN for ASN sources).
// Keys are kept as ISO strings and numbers, not as origin codes, so a source
// written to disk stays valid when the origin tables change.
//
// A Source is immutable once returned and safe for concurrent use. Combine
// sources into a lookup table with Compile.
type Source struct {
	kind   SourceKind
	desc   string
	keys   []string
	v4, v6 []span // val = index into keys + 1
}

// Kind returns what the source maps addresses to.
func (s *Source) Kind() SourceKind { return s.kind }

// Description names where the data came from (a file name, a package and
// version).
func (s *Source) Description() string { return s.desc }

// Ranges returns the number of IPv4 and IPv6 ranges in the source.
func (s *Source) Ranges() (v4, v6 int) { return len(s.v4), len(s.v6) }

// sourceBuilder collects labelled prefixes or ranges into a Source.
type sourceBuilder struct {
	kind   SourceKind
	desc   string
	keys   []string
	index  map[string]uint32
	v4, v6 []span
}

func newSourceBuilder(kind SourceKind, desc string) *sourceBuilder {
	return &sourceBuilder{kind: kind, desc: desc, index: map[string]uint32{}}
}

// key returns the value that stands for k in spans.
func (b *sourceBuilder) key(k string) uint32 {
	if v, ok := b.index[k]; ok {
		return v
	}
	b.keys = append(b.keys, k)
	v := uint32(len(b.keys))
	b.index[k] = v
	return v
}

// addRange adds the inclusive range [lo, hi] of one family with key value v.
func (b *sourceBuilder) addRange(lo, hi netip.Addr, v uint32) {
	s := span{lo: u128From(lo), hi: u128From(hi), val: v}
	if lo.Is4() {
		b.v4 = appendSpan(b.v4, s)
	} else {
		b.v6 = appendSpan(b.v6, s)
	}
}

// addPrefix adds a prefix with key value v. IPv4-mapped IPv6 prefixes are
// stored as IPv4.
func (b *sourceBuilder) addPrefix(p netip.Prefix, v uint32) {
	p = unmapPrefix(p).Masked()
	lo := p.Addr()
	hi := lastAddr(p)
	b.addRange(lo, hi, v)
}

func (b *sourceBuilder) build() *Source {
	return &Source{kind: b.kind, desc: b.desc, keys: b.keys, v4: normalize(b.v4), v6: normalize(b.v6)}
}

func unmapPrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}

func lastAddr(p netip.Prefix) netip.Addr {
	v4 := p.Addr().Is4()
	width := 128
	if v4 {
		width = 32
	}
	x, _ := u128From(p.Addr()).add(mask(width - p.Bits()))
	return x.addr(v4)
}

// Merge combines sources of the same kind into one, for example the IPv4
// and IPv6 files of one database. Where sources overlap, the earlier
// argument wins. The description lists the parts.
func Merge(srcs ...*Source) (*Source, error) {
	if len(srcs) == 0 {
		return nil, errors.New("geodata: merge of no sources")
	}
	b := newSourceBuilder(srcs[0].kind, "")
	var descs []string
	for i, s := range srcs {
		if s.kind != b.kind {
			return nil, fmt.Errorf("geodata: merge of a %s source with a %s source", b.kind, s.kind)
		}
		descs = append(descs, s.desc)
		remap := make([]uint32, len(s.keys)+1)
		for k, key := range s.keys {
			remap[k+1] = b.key(key)
		}
		v4, v6 := remapSpans(s.v4, remap), remapSpans(s.v6, remap)
		if i == 0 {
			b.v4, b.v6 = v4, v6
			continue
		}
		b.v4 = overlay(b.v4, v4, firstWins)
		b.v6 = overlay(b.v6, v6, firstWins)
	}
	b.desc = strings.Join(descs, " + ")
	return &Source{kind: b.kind, desc: b.desc, keys: b.keys, v4: b.v4, v6: b.v6}, nil
}

func remapSpans(list []span, remap []uint32) []span {
	out := make([]span, 0, len(list))
	for _, s := range list {
		if s.val = remap[s.val]; s.val != 0 {
			out = appendSpan(out, s)
		}
	}
	return out
}

// entries returns, for each key of s (by index + 1), the packed DB entry it
// contributes; zero for keys that map to nothing (a country Huawei does not
// list, an ASN with no tag).
func (s *Source) entries() []uint32 {
	out := make([]uint32, len(s.keys)+1)
	for i, k := range s.keys {
		switch s.kind {
		case KindGeo:
			country, sub, _ := strings.Cut(k, "-")
			c, p := origin.FromISO(country, sub)
			out[i+1] = pack(c, p, 0)
		case KindASN:
			asn, err := strconv.ParseUint(k, 10, 32)
			if err == nil {
				out[i+1] = pack(0, 0, origin.TagsForASN(uint32(asn)))
			}
		}
	}
	return out
}

// WithDescription returns a copy of s with another description, for example
// the package and version the data came from.
func (s *Source) WithDescription(desc string) *Source {
	c := *s
	c.desc = desc
	return &c
}
