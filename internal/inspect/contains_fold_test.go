package inspect

import (
	"strings"
	"testing"
)

// asciiLower lower-cases A-Z only, as containsFold folds.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

// FuzzContainsFold checks containsFold, which jumps between the places of
// the word's first byte, against a search in the lower-cased value.
func FuzzContainsFold(f *testing.F) {
	for _, seed := range [][2]string{
		{"SELECT a AS b FROM t", "from"}, {"fro from", "from"}, {"FfFrOm", "from"}, {"", "from"},
		{"from", "from"}, {"frOM", "from"}, {"xfro", "from"}, {"a;b", ";"}, {"2147483", "2147483"}, {"ab", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, s, w string) {
		w = asciiLower(w)
		if got, want := containsFold(s, w), strings.Contains(asciiLower(s), w); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, w, got, want)
		}
	})
}
