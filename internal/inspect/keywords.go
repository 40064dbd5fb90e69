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
