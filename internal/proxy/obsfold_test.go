package proxy

import (
	"strings"
	"testing"
)

func TestHasObsFold(t *testing.T) {
	cases := []struct {
		raw  string
		want bool
	}{
		{"", false},
		{"Host: a\r\n\r\n", false},
		{"Host: a\r\nX-A: b\r\n\r\n", false},
		{"Host: a\r\nX-A: b\r\n c\r\n\r\n", true},
		{"Host: a\r\nX-A: b\r\n\tc\r\n\r\n", true},
		{" Host: a\r\n\r\n", true},
		{"\tHost: a\r\n\r\n", true},
		{"X-A: a b\r\n\r\n", false}, // white space inside a line
		{"X-A: a\n b\n\n", true},    // bare LF lines
		{"X-A: a\r\n", false},
	}
	for _, c := range cases {
		if got := hasObsFold([]byte(c.raw)); got != c.want {
			t.Errorf("hasObsFold(%q) = %v, want %v", c.raw, got, c.want)
		}
	}
}

// FuzzHasObsFold checks hasObsFold against its definition: some line of
// the block starts with a space or a tab.
func FuzzHasObsFold(f *testing.F) {
	for _, s := range []string{"Host: a\r\n\r\n", "X-A: b\r\n c\r\n", " a", "a\n\tb", "\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		want := false
		for _, line := range strings.Split(raw, "\n") {
			if line != "" && (line[0] == ' ' || line[0] == '\t') {
				want = true
			}
		}
		if got := hasObsFold([]byte(raw)); got != want {
			t.Fatalf("hasObsFold(%q) = %v, want %v", raw, got, want)
		}
	})
}
