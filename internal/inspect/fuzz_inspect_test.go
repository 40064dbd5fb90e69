package inspect_test

import (
	"testing"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/inspect"
)

// FuzzInspectBody feeds arbitrary bodies of each content type through the
// form, JSON, multipart and raw parsers: no panic, and a verdict always has
// a 6-digit rule, a known location and a bounded, printable excerpt.
func FuzzInspectBody(f *testing.F) {
	f.Add("application/json", `{"a":"b\"c","d":["\u003c"]}`)
	f.Add("application/x-www-form-urlencoded", "a=1&b=%27+or+1%3D1&&=")
	f.Add("multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--X--")
	f.Add("multipart/form-data; boundary=X", "--X\r\n\r\n--X")
	f.Add("text/xml", "<!DOCTYPE a [<!ENTITY b SYSTEM \"x\">]>")
	in := mustCompile(f, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 3, DeepDecode: true, CheckAllHeaders: true})
	f.Fuzz(func(t *testing.T, contentType, b string) {
		v := in.Inspect(&inspect.Request{Method: "POST", Path: "/", BodyType: contentType, Body: []byte(b)})
		if !v.Detected() {
			return
		}
		if len(v.RuleID) != 6 || v.Location != inspect.LocationBody && v.Location != inspect.LocationHeader {
			t.Fatalf("verdict %+v", v)
		}
		if len(v.Excerpt) > 4*inspect.MaxExcerptBytes+16 || !utf8.ValidString(v.Excerpt) {
			t.Fatalf("excerpt %q", v.Excerpt)
		}
		for _, r := range v.Excerpt {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("unescaped %q in excerpt %q", r, v.Excerpt)
			}
		}
	})
}
