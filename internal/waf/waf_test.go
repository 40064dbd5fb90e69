package waf_test

import (
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := err.(*rampart.Error)
	if !ok || e.Kind != rampart.KindInvalid || e.Code != code || e.Message == "" {
		t.Fatalf("error %#v, want KindInvalid %s", err, code)
	}
}

func TestParseGeoip(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"CN", "CN|US|GD", "SH|Afghanistan", "South Africa|BJ", "UK|HK|MO|TW"} {
		codes, err := waf.ParseGeoip(ok)
		if err != nil {
			t.Errorf("%q: %v", ok, err)
			continue
		}
		if strings.Join(codes, "|") != ok {
			t.Errorf("%q parsed as %v", ok, codes)
		}
	}
	for _, bad := range []string{"", "|", "CN|", "CN||US", "CN|CN", "cn", "XX", "GB", " CN", "Atlantis"} {
		_, err := waf.ParseGeoip(bad)
		wantCode(t, err, waf.CodeBody)
		if bad != "" && !strings.Contains(err.Error(), "geoip") {
			t.Errorf("%q: message does not name the field: %v", bad, err)
		}
	}
}

func TestParseAddr(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"192.0.2.1", "42.123.120.0/16", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32", "1.2.3.4/32", "::1"} {
		if _, err := waf.ParseAddr(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0.0.0.0/0", "::/0", "1.2.3.4/0", "1.2.3.4/33", "2001:db8::/129", "fe80::1%eth0", "1.2.3", "example.com", "1.2.3.4/", "1.2.3.4 "} {
		_, err := waf.ParseAddr(bad)
		wantCode(t, err, waf.CodeIP)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	p, err := waf.PageBySize("", "", 10, 100, false, waf.CodePaging)
	if err != nil || p != (waf.Page{Offset: 0, Limit: 10}) {
		t.Fatalf("defaults: %v %v", p, err)
	}
	p, err = waf.PageBySize("3", "20", 10, 100, false, waf.CodePaging)
	if err != nil || p != (waf.Page{Offset: 40, Limit: 20}) {
		t.Fatalf("page 3: %v %v", p, err)
	}
	p, err = waf.PageBySize("1", "-1", 10, 100, true, waf.CodePageSize)
	if err != nil || p.Limit != -1 {
		t.Fatalf("all: %v %v", p, err)
	}
	for _, tc := range [][2]string{{"0", "10"}, {"-1", "10"}, {"1", "0"}, {"1", "101"}, {"x", "10"}, {"1", "-1"}, {"1", "99999999999"}} {
		_, err := waf.PageBySize(tc[0], tc[1], 10, 100, false, waf.CodePaging)
		wantCode(t, err, waf.CodePaging)
	}
	p, err = waf.PageByOffset("200", "200", 10)
	if err != nil || p != (waf.Page{Offset: 200, Limit: 200}) {
		t.Fatalf("offset: %v %v", p, err)
	}
	for _, tc := range [][2]string{{"-1", "10"}, {"65536", "10"}, {"0", "0"}, {"0", "65536"}} {
		_, err := waf.PageByOffset(tc[0], tc[1], 10)
		wantCode(t, err, waf.CodePaging)
	}
}

func TestEnterpriseProject(t *testing.T) {
	t.Parallel()
	if ep, err := waf.ParseEnterpriseProject("", true); err != nil || ep != "0" {
		t.Fatalf("default: %q %v", ep, err)
	}
	if _, err := waf.ParseEnterpriseProject("all_granted_eps", false); err != nil {
		t.Fatal(err)
	}
	_, err := waf.ParseEnterpriseProject("all_granted_eps", true)
	wantCode(t, err, waf.CodeEPSAllForWrites)
	_, err = waf.ParseEnterpriseProject("../x", false)
	wantCode(t, err, waf.CodeURLParam)
}

// FuzzParseGeoip checks that the geoip parser either refuses a value with
// the WAF body code or returns unique codes that rebuild the value exactly.
func FuzzParseGeoip(f *testing.F) {
	for _, s := range []string{"CN|US|GD", "SH|Afghanistan", "", "|", "CN|CN", "Congo, Democratic Republic|Cote D'Ivoire (Ivory Coast)", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		codes, err := waf.ParseGeoip(s)
		if err != nil {
			if e, ok := err.(*rampart.Error); !ok || e.Code != waf.CodeBody || e.Field != "geoip" {
				t.Fatalf("%q: error %#v", s, err)
			}
			return
		}
		if strings.Join(codes, "|") != s {
			t.Fatalf("%q parsed as %q", s, codes)
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if c == "" || seen[c] {
				t.Fatalf("%q: empty or repeated code %q", s, c)
			}
			seen[c] = true
		}
	})
}

// FuzzParseAddr checks that the address parser refuses with the IP code or
// returns a prefix that is not the whole address space and contains the
// given address.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "42.123.120.0/16", "::/0", "0.0.0.0/0", "2001:db8::/32", "::ffff:1.2.3.4", "1.2.3.4/0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := waf.ParseAddr(s)
		if err != nil {
			if e, ok := err.(*rampart.Error); !ok || e.Code != waf.CodeIP {
				t.Fatalf("%q: error %#v", s, err)
			}
			return
		}
		if p.Bits() <= 0 || !p.IsValid() || !p.Contains(p.Addr()) {
			t.Fatalf("%q gave %v", s, p)
		}
		again, err := waf.ParseAddr(p.String())
		if err != nil || again != p {
			t.Fatalf("%q: %v does not parse back (%v, %v)", s, p, again, err)
		}
	})
}
