package inspect

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestKeywordIndexAgreesWithContains checks the one-pass keyword index
// against a plain case-insensitive search, rule by rule, on values built
// from pieces of the catalogue's keywords (so that near misses, overlaps
// and keywords inside keywords occur) in mixed case.
func TestKeywordIndexAgreesWithContains(t *testing.T) {
	var pieces []string
	for _, r := range catalogue {
		for _, w := range r.keywords {
			pieces = append(pieces, w, w[:len(w)/2], w[len(w)/2:])
		}
	}
	pieces = append(pieces, " ", "a", "é", "\x00", "Z")
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for range 1 + rnd.IntN(6) {
			p := pieces[rnd.IntN(len(pieces))]
			if rnd.IntN(2) == 0 {
				p = strings.ToUpper(p)
			}
			b.WriteString(p)
		}
		s := b.String()
		hits := catalogueKeywords.scan(s)
		for _, r := range catalogue {
			want := false
			for _, w := range r.keywords {
				want = want || strings.Contains(strings.ToLower(s), w)
			}
			if got := hits.has(r.index); len(r.keywords) > 0 && got != want {
				t.Fatalf("rule %s on %q: index says %v, search says %v", r.id, s, got, want)
			}
		}
	}
}
