package cc_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// policyRules is a policy with n CC rules of the usual kinds, each limiting
// its own path prefix by one tag type, and a last one on every path by
// address.
func policyRules(n int) []*waf.CCRule {
	kinds := []func(*waf.CCRule){
		func(r *waf.CCRule) {},
		func(r *waf.CCRule) { r.TagType, r.TagIndex = "cookie", "sid" },
		func(r *waf.CCRule) { r.TagType, r.TagIndex = "header", "X-Api-Key" },
		func(r *waf.CCRule) { r.TagType = "url" },
		func(r *waf.CCRule) { r.TagType = "domain" },
	}
	var rules []*waf.CCRule
	for i := range n - 1 {
		rules = append(rules, ccRule(fmt.Sprint("r", i), kinds[i%len(kinds)], func(r *waf.CCRule) {
			r.URL, r.LimitNum, r.CCPriority = fmt.Sprintf("/p%d/", i), 1000, intp(i)
		}))
	}
	return append(rules, ccRule("all", func(r *waf.CCRule) { r.LimitNum = 1 << 30 }))
}

func browser() *inspect.Request {
	return req("/p0/index.html", withCookie("sid", "s1"), withHeader("X-Api-Key", "k1"),
		withHeader("User-Agent", "Mozilla/5.0"), withHeader("Referer", "https://www.example.com/"))
}

func TestCheckDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	s := mustCompile(t, newTable(t, 1000), policyRules(10)...)
	r := browser()
	if n := testing.AllocsPerRun(100, func() { s.Check(r, t0) }); n != 0 {
		t.Errorf("Check of a request under its limits: %v allocations, want 0", n)
	}
	hdr := mustCompile(t, newTable(t, 1000), ccRule("h", func(r *waf.CCRule) { r.TagType, r.TagIndex = "header", "X-Api-Key" }))
	hdr.Check(r, t0)
	if n := testing.AllocsPerRun(100, func() {
		if _, acted := hdr.Check(r, t0); !acted {
			t.Fatal("not acting")
		}
	}); n != 0 {
		t.Errorf("Check acting on a header key: %v allocations, want 0", n)
	}
}

// BenchmarkCheck decides a browser request against a policy of 10 CC
// rules, two of which count it, with clients drawn from 131,072 addresses.
func BenchmarkCheck(b *testing.B) {
	s := mustCompile(b, newTable(b, 1<<20), policyRules(10)...)
	r := browser()
	b.ReportAllocs()
	i := uint32(0)
	for b.Loop() {
		i++
		r.Client = netip.AddrFrom4([4]byte{10, byte((i >> 16) % 2), byte(i >> 8), byte(i)})
		s.Check(r, t0)
	}
}
