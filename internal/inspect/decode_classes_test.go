package inspect

import "testing"

// FuzzURLDecodeClasses checks that the classes urlDecode returns with a
// decoded value are those of the value, which value uses instead of
// reading the value again.
func FuzzURLDecodeClasses(f *testing.F) {
	for _, seed := range []string{"I+like+hiking%2C+books", "%27%20OR%201%3D1", "%zz+%4", "plain", "%C0%AE%2e", ""} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, s string, plusSpace bool) {
		out, c, ok := urlDecode(make([]byte, 0, len(s)), s, plusSpace)
		if ok && c != classesOf(string(out)) {
			t.Fatalf("urlDecode(%q): classes %b, the output has %b", s, c, classesOf(string(out)))
		}
	})
}
