package proxy

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// The client address taken from forwarded headers is the peer, an address
// written in the headers, and never a trusted proxy unless every hop is one.
func FuzzClientIP(f *testing.F) {
	f.Add("203.0.113.9, 10.0.0.1", "")
	f.Add("", "198.51.100.1")
	f.Add("garbage, 10.0.0.2", "x")
	f.Add("::ffff:10.0.0.1,2001:db8::1", "")
	trusted, err := ParseTrustedProxies("10.0.0.0/8,127.0.0.1")
	if err != nil {
		f.Fatal(err)
	}
	p := New(Config{TrustedProxies: trusted}, Deps{})
	f.Fuzz(func(t *testing.T, xff, realIP string) {
		r := &http.Request{RemoteAddr: "127.0.0.1:4000", Header: http.Header{}}
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if realIP != "" {
			r.Header.Set("X-Real-IP", realIP)
		}
		a, ok := p.clientIP(r)
		if !ok || !a.IsValid() {
			t.Fatalf("trusted peer: %v %v", a, ok)
		}
		if a == netip.MustParseAddr("127.0.0.1") {
			return
		}
		written := false
		for _, f := range append(strings.Split(xff, ","), realIP) {
			if b, err := netip.ParseAddr(strings.TrimSpace(f)); err == nil && b.Unmap() == a {
				written = true
			}
		}
		if !written {
			t.Fatalf("client %v is not in the headers %q %q", a, xff, realIP)
		}
		// An untrusted peer's headers are ignored.
		r.RemoteAddr = "192.0.2.1:4000"
		if a, ok := p.clientIP(r); ok || a != netip.MustParseAddr("192.0.2.1") {
			t.Fatalf("untrusted peer: %v %v", a, ok)
		}
	})
}

func FuzzParseTrustedProxies(f *testing.F) {
	f.Add("10.0.0.0/8, 192.0.2.1")
	f.Add("2001:db8::/32,,")
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParseTrustedProxies(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("%q gave %v", s, p)
			}
		}
	})
}

// The identifying parameter of a known-attack-source rule is the raw value
// of the first query item with that exact name, as a plain split finds it;
// finding it allocates nothing.
func FuzzQueryValue(f *testing.F) {
	f.Add("a=1&user=u%2042&user=2", "user")
	f.Add("user", "user")
	f.Add("&&user=&x=1", "user")
	f.Add("u=1;user=2", "user")
	f.Add("a=1", "")
	f.Fuzz(func(t *testing.T, rawQuery, name string) {
		want := ""
		if name != "" {
			for _, item := range strings.Split(rawQuery, "&") {
				if k, v, _ := strings.Cut(item, "="); k == name {
					want = v
					break
				}
			}
		}
		if got := queryValue(rawQuery, name); got != want {
			t.Fatalf("queryValue(%q, %q) = %q, want %q", rawQuery, name, got, want)
		}
		if n := testing.AllocsPerRun(3, func() { queryValue(rawQuery, name) }); n != 0 {
			t.Fatalf("%v allocations", n)
		}
	})
}
