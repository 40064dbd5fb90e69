package inspect

import "testing"

// FuzzDecoderNeeds: a decoder never changes a value that holds none of
// the bytes decoderNeeds says it decodes from, so value may skip it.
func FuzzDecoderNeeds(f *testing.F) {
	for _, s := range []string{"", "plain text", "O'Neil", "a%27b", "%u0041", "\\u0041", "&lt;", "&#60;", "\xc0\xae",
		"\xef\xbc\x8e", "a+b", "x&y=1", "%", "&", "\\", "\xc0", "I like hiking, books and coffee."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > MaxValueBytes {
			return
		}
		m := classesOf(s)
		buf := make([]byte, 0, len(s))
		for step, decode := range []func() bool{
			func() bool { _, ok := URLDecode(buf, s, false); return ok },
			func() bool { _, ok := UnicodeEscapeDecode(buf, s); return ok },
			func() bool { _, ok := HTMLEntityDecode(buf, s); return ok },
			func() bool { _, ok := OverlongDecode(buf, s); return ok },
		} {
			if m&decoderNeeds[step] == 0 && decode() {
				t.Fatalf("step %d decoded %q, which holds none of its classes (%b of %b)", step, s, m, decoderNeeds[step])
			}
		}
	})
}
