package inspect_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/inspect"
)

type decoder func(dst []byte, src string) ([]byte, bool)

func urlDecode(dst []byte, src string) ([]byte, bool)  { return inspect.URLDecode(dst, src, false) }
func formDecode(dst []byte, src string) ([]byte, bool) { return inspect.URLDecode(dst, src, true) }

func TestDecoders(t *testing.T) {
	tests := []struct {
		name string
		dec  decoder
		in   string
		want string // equal to in when nothing changes
	}{
		{"url/plain", urlDecode, "hello world", "hello world"},
		{"url/quote", urlDecode, "%27%20OR%201%3D1", "' OR 1=1"},
		{"url/plus kept", urlDecode, "1+1", "1+1"},
		{"url/double once", urlDecode, "%253Cscript%253E", "%3Cscript%3E"},
		{"url/bad escape kept", urlDecode, "100%zz %4", "100%zz %4"},
		{"url/high byte", urlDecode, "caf%C3%A9", "café"},
		{"form/plus", formDecode, "a+b%2Bc", "a b+c"},
		{"unicode/js", inspect.UnicodeEscapeDecode, `\u003cscript\u003e`, "<script>"},
		{"unicode/iis", inspect.UnicodeEscapeDecode, "%u0027 or %U0031", "' or 1"},
		{"unicode/full-width folded", inspect.UnicodeEscapeDecode, "%uff1cscript%uff1e", "<script>"},
		{"unicode/full-width utf-8 folded", inspect.UnicodeEscapeDecode, "\uff1cscript \uff1e", "<script >"},
		{"unicode/short kept", inspect.UnicodeEscapeDecode, `\u12 %u00`, `\u12 %u00`},
		{"unicode/cjk", inspect.UnicodeEscapeDecode, `\u6771`, "東"},
		{"overlong/slash and dot", inspect.OverlongDecode, "..\xc0\xaf\xc0\xae\xc0\xae\xc1\x9c", "../..\\"},
		{"overlong/lone lead kept", inspect.OverlongDecode, "a\xc0b\xc1", "a\xc0b\xc1"},
		{"overlong/valid utf-8 kept", inspect.OverlongDecode, "café 東", "café 東"},
		{"entity/named", inspect.HTMLEntityDecode, "&lt;b&GT;&quot;&apos;&colon;", `<b>"':`},
		{"entity/decimal", inspect.HTMLEntityDecode, "&#60;&#0000062;", "<>"},
		{"entity/hex no semicolon", inspect.HTMLEntityDecode, "&#x3c&#X3E;", "<>"},
		{"entity/unknown kept", inspect.HTMLEntityDecode, "AT&T &copy; &#; &#xZZ;", "AT&T &copy; &#; &#xZZ;"},
		{"entity/out of range kept", inspect.HTMLEntityDecode, "&#99999999;", "&#99999999;"},
		{"base64/std", inspect.Base64Decode, "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "<script>alert(1)</script>"},
		{"base64/url-safe unpadded", inspect.Base64Decode, "JyBPUiAxPTEtLSBhYmM", "' OR 1=1-- abc"},
		{"base64/too short", inspect.Base64Decode, "YWJj", "YWJj"},
		{"base64/binary refused", inspect.Base64Decode, "AAECAwQFBgcICQoL", "AAECAwQFBgcICQoL"},
		{"base64/not base64", inspect.Base64Decode, "hello world!", "hello world!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed := tt.dec(nil, tt.in)
			got := tt.in
			if changed {
				got = string(out)
			} else if len(out) != 0 {
				t.Fatalf("no change reported but %d bytes appended", len(out))
			}
			if got != tt.want {
				t.Fatalf("decode(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if changed != (tt.in != tt.want) {
				t.Fatalf("changed = %v for %q -> %q", changed, tt.in, got)
			}
		})
	}
}

// checkDecoder holds the properties every decoder keeps: output no longer
// than its input, prefix of dst untouched, no change reported when there
// is nothing to decode.
func checkDecoder(t *testing.T, dec decoder, in string, trigger string) {
	prefix := []byte("keep")
	out, changed := dec(append([]byte(nil), prefix...), in)
	if string(out[:len(prefix)]) != "keep" {
		t.Fatalf("dst prefix overwritten: %q", out)
	}
	if len(out)-len(prefix) > len(in) {
		t.Fatalf("output %d bytes longer than input %d", len(out)-len(prefix), len(in))
	}
	if !changed && len(out) != len(prefix) {
		t.Fatalf("no change reported but output appended")
	}
	if trigger != "" && !strings.ContainsAny(in, trigger) && changed {
		t.Fatalf("changed %q although it holds none of %q", in, trigger)
	}
}

func FuzzURLDecode(f *testing.F) {
	for _, s := range []string{"%27", "%2", "a+b", "%%41", "%C3%A9", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkDecoder(t, urlDecode, in, "%")
		checkDecoder(t, formDecode, in, "%+")
		if want, err := url.PathUnescape(in); err == nil {
			out, changed := urlDecode(nil, in)
			got := in
			if changed {
				got = string(out)
			}
			if got != want {
				t.Fatalf("URLDecode(%q) = %q, net/url says %q", in, got, want)
			}
		}
	})
}

func FuzzUnicodeEscapeDecode(f *testing.F) {
	for _, s := range []string{`\u0041`, "%uFF1C", `\u12`, `\\u0041`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkDecoder(t, inspect.UnicodeEscapeDecode, in, `\%`)
		if out, changed := inspect.UnicodeEscapeDecode(nil, in); changed && utf8.ValidString(in) && !utf8.Valid(out) {
			t.Fatalf("valid UTF-8 %q decoded to invalid %q", in, out)
		}
	})
}

func FuzzOverlongDecode(f *testing.F) {
	for _, s := range []string{"\xc0\xaf", "\xc1\x9c", "\xc0", "caf\xc3\xa9", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkDecoder(t, inspect.OverlongDecode, in, "")
		if _, changed := inspect.OverlongDecode(nil, in); changed && utf8.ValidString(in) {
			t.Fatalf("valid UTF-8 %q changed", in)
		}
	})
}

func FuzzHTMLEntityDecode(f *testing.F) {
	for _, s := range []string{"&lt;", "&#60", "&#x3C;", "&#99999999;", "&", "&amp;lt;", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkDecoder(t, inspect.HTMLEntityDecode, in, "&")
	})
}

func FuzzBase64Decode(f *testing.F) {
	for _, s := range []string{"PHNjcmlwdD4=", "JyBPUiAxPTEtLSBhYmM", "====", "a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkDecoder(t, inspect.Base64Decode, in, "")
	})
}
