package inspect

import (
	"math/rand/v2"
	"testing"
)

// TestNumClassesCoversEveryClass: the prefilter's tables have a row for
// every byte class, and for no bit that is not one.
func TestNumClassesCoversEveryClass(t *testing.T) {
	var all class
	for _, c := range byteClass {
		all |= c
	}
	if all != 1<<numClasses-1 {
		t.Fatalf("byte classes %b, numClasses %d", all, numClasses)
	}
}

// TestPrefilterCandidatesAgreeWithRules: the rules the bit sets let
// through for a set of classes are exactly those whose needsAny and
// needsAll the classes satisfy, at every level and target.
func TestPrefilterCandidatesAgreeWithRules(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for level := 1; level <= 3; level++ {
		in, err := Compile(Config{Enabled: true, Common: true, Webshell: true, Level: level, CheckAllHeaders: true})
		if err != nil {
			t.Fatal(err)
		}
		for bit := 0; bit < numTargets; bit++ {
			for n := 0; n < 3000; n++ {
				m := class(rnd.Uint32()) & (1<<numClasses - 1)
				if n%3 == 0 {
					m &= class(rnd.Uint32()) // fewer classes, as real values have
				}
				if n == 0 {
					m = 0
				}
				got := in.pre[bit].candidates(m)
				for i, r := range in.rules[bit] {
					want := (r.needsAny == 0 || m&r.needsAny != 0) && m&r.needsAll == r.needsAll
					if got.has(i) != want {
						t.Fatalf("level %d target %d classes %b rule %s: candidate %v, prefilter says %v", level, bit, m, r.id, got.has(i), want)
					}
				}
				for i := len(in.rules[bit]); i < maxRules; i++ {
					if got.has(i) {
						t.Fatalf("level %d target %d: candidate %d past the %d rules", level, bit, i, len(in.rules[bit]))
					}
				}
			}
			if in.pre[bit].bare != in.pre[bit].candidates(0) {
				t.Fatalf("level %d target %d: the bare rules are not the candidates of a value of no class", level, bit)
			}
		}
	}
}
