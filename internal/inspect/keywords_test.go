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
	in, err := Compile(Config{Enabled: true, Common: true, Webshell: true, Level: 3, CheckAllHeaders: true, DeepDecode: true})
	if err != nil {
		t.Fatal(err)
	}
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
		low := strings.ToLower(s)
		for tg := range numTargets {
			rules := in.rules[tg]
			if in.kw[tg] == nil {
				continue
			}
			var every ruleBits
			for i := range rules {
				every.set(i)
			}
			all := in.kw[tg].scan(s, &every)
			for i, r := range rules {
				if len(r.keywords) == 0 {
					continue
				}
				var one ruleBits
				one.set(i)
				alone := in.kw[tg].scan(s, &one)
				if all.has(i) != alone.has(i) {
					t.Fatalf("rule %s (target %d) on %q: the scan for every rule and the scan for it alone disagree", r.id, tg, s)
				}
				want := false
				for _, w := range r.keywords {
					want = want || strings.Contains(low, w)
				}
				if got := all.has(i); got != want {
					t.Fatalf("rule %s (target %d) on %q: index says %v, search says %v", r.id, tg, s, got, want)
				}
			}
		}
	}
}

// TestKeywordIndexFindsOneByteKeywordsAnywhere: a keyword of one byte is
// found alone, first, last and in the middle of a value.
func TestKeywordIndexFindsOneByteKeywordsAnywhere(t *testing.T) {
	in, err := Compile(Config{Enabled: true, Common: true, Webshell: true, Level: 3, CheckAllHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for tg := range numTargets {
		for i, r := range in.rules[tg] {
			for _, w := range r.keywords {
				if len(w) != 1 {
					continue
				}
				var one ruleBits
				one.set(i)
				for _, s := range []string{w, w + "zz", "zz" + w, "zz" + w + "zz"} {
					if found := in.kw[tg].scan(s, &one); !found.has(i) {
						t.Errorf("rule %s (target %d): keyword %q not found in %q", r.id, tg, w, s)
					}
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no one-byte keyword in the catalogue")
	}
}
