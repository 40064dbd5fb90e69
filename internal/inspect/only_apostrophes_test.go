package inspect

import "testing"

// onlyApostrophesByCase is onlyApostrophes as first written (a switch on
// the bytes and a map lookup for every word next to an apostrophe): the
// table-driven version must agree with it.
func onlyApostrophesByCase(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '=', '(', ')', ';', '#', '-', '*', '/', '|', '&', '<', '>', '"', '`', '@', '\\', '^', '%', '+', '!', '~':
			return false
		case '\'':
			if i == 0 || i+1 == len(s) || !isLetter(s[i-1]) || !isLetter(s[i+1]) {
				return false
			}
			k := i
			for k > 0 && isLetter(s[k-1]) {
				k--
			}
			j := i + 1
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			if sqlOperatorWords.has(s[k:i]) || sqlOperatorWords.has(s[i+1:j]) {
				return false
			}
		}
	}
	return true
}

func FuzzOnlyApostrophes(f *testing.F) {
	for _, s := range []string{"", "O'Neil", "Lyon's old town", "a'or'1", "x'union", "I'd", "'", "a'", "rock'n'roll",
		"it's=1", "l'Or", "d'In", "O'Neil~", "Jane O'Neil, Lyon", "I like hiking, books and coffee. Ask me about Lyon's old town"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := onlyApostrophes(s), onlyApostrophesByCase(s); got != want {
			t.Fatalf("onlyApostrophes(%q) = %v, by case %v", s, got, want)
		}
	})
}
