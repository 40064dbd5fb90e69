package cc

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzMatchPath: matching on the fly agrees with decoding the path first,
// and decoding agrees with the standard library on paths it accepts.
func FuzzMatchPath(f *testing.F) {
	f.Add("/login", "/login", false)
	f.Add("/%6cogin/x", "/login", true)
	f.Add("/a%2", "/a%2", false)
	f.Add("/%zz%", "/%zz", true)
	f.Add("%41%4a%4A", "AJJ", false)
	f.Fuzz(func(t *testing.T, raw, want string, prefix bool) {
		decoded := decodePath(raw)
		expect := decoded == want || prefix && strings.HasPrefix(decoded, want)
		if got := matchPath(raw, want, prefix); got != expect {
			t.Fatalf("matchPath(%q, %q, %v) = %v, decoded %q", raw, want, prefix, got, decoded)
		}
		if std, err := url.PathUnescape(raw); err == nil && std != decoded {
			t.Fatalf("decodePath(%q) = %q, net/url %q", raw, decoded, std)
		}
	})
}
