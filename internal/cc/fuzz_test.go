package cc_test

import (
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/cc"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

type always struct{}

func (always) Match(*inspect.Request) bool { return true }

// FuzzKey: for any request and any tag type, a rule of limit 1 acts on the
// second identical request exactly when the request has the field the
// tag type keys on, and its verdict names that field's value, cut to
// MaxKeyBytes at a character boundary.
func FuzzKey(f *testing.F) {
	f.Add(uint8(0), "sid", "sid", "v", "X-Key", "k", "https://r.example/", "www.example.com", "/a", []byte{1, 2, 3, 4})
	f.Add(uint8(1), "sid", "SID", "v", "x-key", "", "", "", "/", []byte{})
	f.Add(uint8(2), "X-Key", "a", "b", "x-KEY", strings.Repeat("é", 100), "", "h", "/%41", make([]byte, 16))
	f.Add(uint8(3), "", "a", "b", "Referer", "", "", "h", "", []byte{9, 9, 9, 9})
	f.Add(uint8(6), "", "a", "b", "c", "d", "ref", "h", "/p/q", []byte{})
	f.Fuzz(func(t *testing.T, tagN uint8, index, cookieName, cookieValue, headerName, headerValue, referer, host, path string, addr []byte) {
		tagTypes := []string{"ip", "cookie", "header", "other", "policy", "domain", "url"}
		tagType := tagTypes[int(tagN)%len(tagTypes)]
		if (tagType == "cookie" || tagType == "header") && index == "" {
			return
		}
		rule := &waf.CCRule{
			ID: "r", PolicyID: "pol", Mode: 1, Conditions: []waf.CustomCondition{{Category: "url"}},
			Action: waf.CCAction{Category: "block"}, TagType: tagType, TagIndex: index,
			LimitNum: 1, LimitPeriod: 60, Status: 1,
		}
		s, errs := cc.Compile([]*waf.CCRule{rule}, newTable(t, 100),
			func([]waf.CustomCondition) (cc.Matcher, error) { return always{}, nil })
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		r := &inspect.Request{
			Host: host, Path: path, Method: "GET",
			Cookies: []inspect.Pair{{Name: cookieName, Value: cookieValue}},
			Headers: []inspect.Pair{{Name: headerName, Value: headerValue}},
		}
		if referer != "" {
			r.Headers = append(r.Headers, inspect.Pair{Name: "Referer", Value: referer})
		}
		if a, ok := netip.AddrFromSlice(addr); ok {
			r.Client = a
		}
		var want string
		present := true
		switch tagType {
		case "ip":
			present, want = r.Client.IsValid(), r.Client.Unmap().String()
		case "cookie":
			present = cookieName == index && cookieValue != ""
			want = cookieValue
		case "header":
			if strings.EqualFold(headerName, index) {
				want = headerValue
			} else if strings.EqualFold(index, "Referer") {
				want = referer
			}
			present = want != ""
		case "other":
			want = referer
			if strings.EqualFold(headerName, "Referer") {
				want = headerValue
			}
			present = want != ""
		case "policy":
			want = "pol"
		case "domain":
			want = host
		case "url":
			present, want = path != "", path
		}
		s.Check(r, t0)
		v, acted := s.Check(r, t0)
		if acted != present {
			t.Fatalf("tag %s: acted %v, want %v (%+v)", tagType, acted, present, r)
		}
		if !acted {
			return
		}
		if len(v.Key) > cc.MaxKeyBytes || !strings.HasPrefix(want, v.Key) {
			t.Fatalf("tag %s: key %q, want a prefix of %q of at most %d bytes", tagType, v.Key, want, cc.MaxKeyBytes)
		}
		if len(want) <= cc.MaxKeyBytes && v.Key != want {
			t.Fatalf("tag %s: key %q, want %q", tagType, v.Key, want)
		}
		if len(want) > cc.MaxKeyBytes && (len(v.Key) <= cc.MaxKeyBytes-utf8.UTFMax ||
			len(v.Key) < cc.MaxKeyBytes && !utf8.RuneStart(want[len(v.Key)])) {
			t.Fatalf("tag %s: key cut at %d bytes of %q", tagType, len(v.Key), want)
		}
	})
}
