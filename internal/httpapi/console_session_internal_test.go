package httpapi

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The console's origin check accepts the API's own origin and the public
// URL's, and nothing that only resembles them.
func TestConsoleSameOrigin(t *testing.T) {
	s := &server{cfg: Config{PublicURL: "https://waf.example.com/"}}
	r := httptest.NewRequest("GET", "http://rampart.internal:8080/v3/projects", nil)
	for origin, want := range map[string]bool{
		"http://rampart.internal:8080":         true,
		"HTTP://RAMPART.INTERNAL:8080":         true,
		"https://waf.example.com":              true,
		"https://rampart.internal:8080":        false,
		"http://rampart.internal":              false,
		"http://rampart.internal:8080.evil.io": false,
		"http://evil.io/rampart.internal:8080": false,
		"http://waf.example.com":               false,
		"https://waf.example.com.evil.io":      false,
		"null":                                 false,
		"":                                     false,
		"http://user@rampart.internal:8080":    true, // the host is the same; a browser never sends user info
	} {
		if got := s.sameOrigin(r, origin); got != want {
			t.Errorf("sameOrigin(%q) = %v, want %v", origin, got, want)
		}
	}
}

// FuzzConsoleSameOrigin: whatever the Origin header, the check accepts
// only an origin whose scheme and host are the request's or the public
// URL's.
func FuzzConsoleSameOrigin(f *testing.F) {
	for _, seed := range []string{"http://rampart.internal:8080", "https://waf.example.com", "null", "http://[::1]:80", "http://a@b", "//rampart.internal:8080", "http:rampart.internal:8080"} {
		f.Add(seed)
	}
	s := &server{cfg: Config{PublicURL: "https://waf.example.com"}}
	r := httptest.NewRequest("GET", "http://rampart.internal:8080/", nil)
	f.Fuzz(func(t *testing.T, origin string) {
		if !s.sameOrigin(r, origin) {
			return
		}
		u, err := url.Parse(origin)
		if err != nil {
			t.Fatalf("accepted an unparsable origin %q", origin)
		}
		own := strings.EqualFold(u.Scheme, "http") && strings.EqualFold(u.Host, "rampart.internal:8080")
		public := strings.EqualFold(u.Scheme, "https") && strings.EqualFold(u.Host, "waf.example.com")
		if !own && !public {
			t.Fatalf("accepted the foreign origin %q (scheme %q, host %q)", origin, u.Scheme, u.Host)
		}
	})
}
