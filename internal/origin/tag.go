package origin

import (
	"slices"
	"strings"
)

// Tag is a Huawei WAF data-centre (IDC) tag, as used in the tags of an
// IP-reputation rule of type "idc". The zero Tag is not a tag.
type Tag uint8

// The nine IDC tags, in the order Huawei documents them.
const (
	TagDrPeng    Tag = iota + 1 // "Dr.Peng": Dr. Peng Telecom & Media Group (鹏博士) IDC
	TagAliCloud                 // "AliCloud": Alibaba Cloud
	TagVNET                     // "VNET": 21Vianet (VNET Group)
	TagMicrosoft                // "Microsoft"
	TagGoogle                   // "Google"
	TagTencent                  // "Tencent"
	TagAmazon                   // "Amazon"
	TagHW                       // "HW": Huawei Cloud
	TagMeiTuan                  // "MeiTuan": Meituan
)

// NumTags is the number of IDC tags. Every valid Tag t satisfies
// 1 <= t <= NumTags.
const NumTags = 9

// TagBits is the width of a TagSet bitmask; packed encodings may rely on it.
const TagBits = NumTags

var tagNames = [NumTags + 1]string{"", "Dr.Peng", "AliCloud", "VNET", "Microsoft", "Google", "Tencent", "Amazon", "HW", "MeiTuan"}

// String returns the tag exactly as the WAF API spells it, or "" for an
// invalid Tag.
func (t Tag) String() string {
	if t > NumTags {
		return ""
	}
	return tagNames[t]
}

// Valid reports whether t is one of the nine tags.
func (t Tag) Valid() bool { return t >= 1 && t <= NumTags }

// Tags returns the nine tags in documentation order.
func Tags() []Tag {
	out := make([]Tag, 0, NumTags)
	for t := Tag(1); t <= NumTags; t++ {
		out = append(out, t)
	}
	return out
}

// ParseTag returns the Tag for its exact API spelling ("Dr.Peng",
// "MeiTuan"; case matters, as it does for the WAF API).
func ParseTag(s string) (Tag, bool) {
	for t := Tag(1); t <= NumTags; t++ {
		if tagNames[t] == s {
			return t, true
		}
	}
	return 0, false
}

// ValidTag reports whether s is one of the nine IDC tag names.
func ValidTag(s string) bool {
	_, ok := ParseTag(s)
	return ok
}

// MarshalText implements encoding.TextMarshaler.
func (t Tag) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, &ParseError{Item: t.String(), Reason: "unknown idc tag"}
	}
	return []byte(t.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Tag) UnmarshalText(b []byte) error {
	v, ok := ParseTag(string(b))
	if !ok {
		return &ParseError{Item: string(b), Reason: "unknown idc tag"}
	}
	*t = v
	return nil
}

// TagSet is a set of IDC tags as a bitmask: bit t-1 is set when Tag t is in
// the set. The zero value is the empty set. A TagSet is a plain integer;
// every operation is a few instructions and allocates nothing.
type TagSet uint16

// TagSetOf returns the set of the given tags. Invalid tags are ignored.
func TagSetOf(tags ...Tag) TagSet {
	var s TagSet
	for _, t := range tags {
		s = s.With(t)
	}
	return s
}

// Has reports whether t is in s.
func (s TagSet) Has(t Tag) bool { return t.Valid() && s&(1<<(t-1)) != 0 }

// With returns s with t added. Invalid tags leave s unchanged.
func (s TagSet) With(t Tag) TagSet {
	if !t.Valid() {
		return s
	}
	return s | 1<<(t-1)
}

// Union returns the tags in s or o.
func (s TagSet) Union(o TagSet) TagSet { return s | o }

// Intersects reports whether s and o share a tag.
func (s TagSet) Intersects(o TagSet) bool { return s&o != 0 }

// Empty reports whether s has no tags.
func (s TagSet) Empty() bool { return s&allTags == 0 }

// Tags returns the tags in s in documentation order.
func (s TagSet) Tags() []Tag {
	var out []Tag
	for t := Tag(1); t <= NumTags; t++ {
		if s.Has(t) {
			out = append(out, t)
		}
	}
	return out
}

// First returns the first tag of s in documentation order, or zero when s is
// empty. It is meant for naming the tag that made a rule match.
func (s TagSet) First() Tag {
	for t := Tag(1); t <= NumTags; t++ {
		if s.Has(t) {
			return t
		}
	}
	return 0
}

// String returns the tag names joined by "|" ("" for the empty set).
func (s TagSet) String() string {
	var b strings.Builder
	for _, t := range s.Tags() {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString(t.String())
	}
	return b.String()
}

const allTags = TagSet(1<<NumTags - 1)

// ParseTags returns the set of the named tags, as an IP-reputation rule's
// tags array gives them. An unknown or repeated name is a *ParseError.
func ParseTags(names []string) (TagSet, error) {
	var s TagSet
	for _, n := range names {
		t, ok := ParseTag(n)
		if !ok {
			return 0, &ParseError{Item: n, Reason: "unknown idc tag"}
		}
		if s.Has(t) {
			return 0, &ParseError{Item: n, Reason: "duplicate idc tag"}
		}
		s = s.With(t)
	}
	return s, nil
}

// ASNs returns the autonomous system numbers whose announced address space
// carries tag t (a fresh copy; see asns.go for the list and its sources).
func (t Tag) ASNs() []uint32 {
	if !t.Valid() {
		return nil
	}
	return slices.Clone(tagASNs[t])
}

// TagsForASN returns the tags of an autonomous system, or the empty set.
func TagsForASN(asn uint32) TagSet { return asnTags[asn] }

// TaggedASNs returns every ASN that carries at least one tag, ascending.
func TaggedASNs() []uint32 {
	out := make([]uint32, 0, len(asnTags))
	for a := range asnTags {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

var asnTags = func() map[uint32]TagSet {
	m := map[uint32]TagSet{}
	for t := Tag(1); t <= NumTags; t++ {
		for _, a := range tagASNs[t] {
			m[a] = m[a].With(t)
		}
	}
	return m
}()
