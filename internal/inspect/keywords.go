package inspect

import "strings"

// keywordSet finds whether any of a few lower-case ASCII keywords occurs
// in a value, ignoring case, in one pass over the value: the rules use it
// as their literal prefilter (as CRS rules use @pm before a regular
// expression), so a regular expression runs only on values that hold one
// of the words it needs.
type keywordSet struct {
	byFirst [256][]string
}

func newKeywordSet(words []string) *keywordSet {
	if len(words) == 0 {
		return nil
	}
	k := &keywordSet{}
	for _, w := range words {
		w = strings.ToLower(w)
		k.byFirst[w[0]] = append(k.byFirst[w[0]], w)
		if u := strings.ToUpper(w[:1]); u[0] != w[0] {
			k.byFirst[u[0]] = append(k.byFirst[u[0]], w)
		}
	}
	return k
}

// in reports whether s holds one of the keywords. A nil set holds every
// value.
func (k *keywordSet) in(s string) bool {
	if k == nil {
		return true
	}
	for i := 0; i < len(s); i++ {
		for _, w := range k.byFirst[s[i]] {
			if len(s)-i >= len(w) && hasFoldedPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}

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
// instead of each scanning the value again.
type keywordIndex struct {
	byFirst [256][]indexedKeyword
	// second holds, for each first byte, the second bytes (both cases)
	// of its keywords, so most positions are passed over without looking
	// at the list; short marks the first bytes that are a keyword alone.
	second [256][4]uint64
	short  [256]bool
}

// indexedKeyword is a keyword and the rules (bits by position in the
// target's rule list) that list it.
type indexedKeyword struct {
	word  string
	rules uint64
}

// maxIndexedRules is how many rules of a target the index can tell apart;
// rules past it are checked with their own keyword set.
const maxIndexedRules = 64

func (x *keywordIndex) add(word string, rule int) {
	w := strings.ToLower(word)
	for _, first := range []byte{w[0], strings.ToUpper(w[:1])[0]} {
		list := x.byFirst[first]
		found := false
		for i := range list {
			if list[i].word == w {
				list[i].rules |= 1 << rule
				found = true
			}
		}
		if !found {
			x.byFirst[first] = append(list, indexedKeyword{word: w, rules: 1 << rule})
		}
		if len(w) == 1 {
			x.short[first] = true
		} else {
			for _, c := range []byte{w[1], strings.ToUpper(w[1:2])[0]} {
				x.second[first][c>>6] |= 1 << (c & 63)
			}
		}
		if first == w[0] && strings.ToUpper(w[:1])[0] == first {
			break
		}
	}
}

// scan returns the rules (as bits) that have a keyword in s, looking only
// for the rules in want.
func (x *keywordIndex) scan(s string, want uint64) uint64 {
	var found uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !x.short[c] && (i+1 == len(s) || x.second[c][s[i+1]>>6]&(1<<(s[i+1]&63)) == 0) {
			continue
		}
		for _, k := range x.byFirst[c] {
			if k.rules&want&^found != 0 && len(s)-i >= len(k.word) && hasFoldedPrefix(s[i:], k.word) {
				found |= k.rules
				if found&want == want {
					return found
				}
			}
		}
	}
	return found
}
