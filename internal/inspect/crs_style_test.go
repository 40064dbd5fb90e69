package inspect_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestCRSStyleAttacks holds each level to attacks shaped like the Core
// Rule Set's SQL injection and XSS regression cases of its paranoia
// level: query fragments without a full injection context (a function
// call, a schema name, a statement after a quote), which tokenizing alone
// does not flag.
func TestCRSStyleAttacks(t *testing.T) {
	for level, file := range map[int]string{1: "attacks_level1_crs_style.txt", 2: "attacks_level2_crs_style.txt", 3: "attacks_level3_crs_style.txt"} {
		in := mustCompile(t, levelConfig(level))
		for _, it := range loadCorpus(t, file, true) {
			v := in.Inspect(requestFor(it))
			if !v.Detected() {
				t.Errorf("level %d misses %s %s %q", level, it.Attack, it.Where, it.Payload)
				continue
			}
			if v.Attack != it.Attack {
				t.Errorf("level %d flags %s %q as %s (rule %s)", level, it.Where, it.Payload, v.Attack, v.RuleID)
			}
		}
	}
}

// TestBrowserAcceptHeadersAreClean: at level 3 with check_all_headers, the
// media ranges of the Accept headers browsers and tools send (*/*,
// image/*) are not SQL comments.
func TestBrowserAcceptHeadersAreClean(t *testing.T) {
	in := mustCompile(t, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 3, CheckAllHeaders: true})
	for _, accept := range []string{
		"*/*",
		"text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5",
		"image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
		"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
	} {
		r := &inspect.Request{Method: "GET", Path: "/", Headers: []inspect.Pair{{Name: "Accept", Value: accept}}}
		if v := in.Inspect(r); v.Detected() {
			t.Errorf("Accept %q flagged: rule %s %q", accept, v.RuleID, v.Excerpt)
		}
	}
}

// TestCookieNamesAreInspected: a cookie's name is attacker input as much
// as its value; a header without '=' reaches the detector as a name.
func TestCookieNamesAreInspected(t *testing.T) {
	in := mustCompile(t, levelConfig(1))
	for _, name := range []string{"<script>alert(1)</script>", "x' union select password from users--"} {
		r := &inspect.Request{Method: "GET", Path: "/", Cookies: []inspect.Pair{{Name: name, Value: "1"}}}
		if v := in.Inspect(r); !v.Detected() || v.Location != inspect.LocationCookie {
			t.Errorf("cookie name %q: verdict %+v, want an attack in the cookie", name, v)
		}
	}
	for _, name := range []string{"_ga", "__Secure-next-auth.session-token", "_gid", "PHPSESSID", "cf_clearance"} {
		r := &inspect.Request{Method: "GET", Path: "/", Cookies: []inspect.Pair{{Name: name, Value: "GA1.2.123456789.1700000000"}}}
		if v := in.Inspect(r); v.Detected() {
			t.Errorf("cookie %q flagged: %+v", name, v)
		}
	}
}
