package proxy

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/waf"
)

func TestSmoothSequence(t *testing.T) {
	seq := smoothSequence([]int{5, 1, 1})
	if len(seq) != 7 {
		t.Fatalf("len %d", len(seq))
	}
	count := map[uint8]int{}
	for _, i := range seq {
		count[i]++
	}
	if count[0] != 5 || count[1] != 1 || count[2] != 1 {
		t.Fatalf("counts %v", count)
	}
	// nginx's smooth order for 5,1,1: a a b a c a a.
	want := []uint8{0, 0, 1, 0, 2, 0, 0}
	for i := range want {
		if seq[i] != want[i] {
			t.Fatalf("order %v, want %v", seq, want)
		}
	}
	if seq := smoothSequence([]int{50, 100}); len(seq) != 3 {
		t.Fatalf("weights not reduced: %v", seq)
	}
}

func servers(n int) []waf.Server {
	out := make([]waf.Server, n)
	for i := range out {
		out[i] = waf.Server{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 8000 + i, Type: "ipv4", Weight: 1}
	}
	return out
}

// ip_hash keeps a client on one server; session_hash keeps a session
// cookie on one server and falls back to the client address.
func TestHashBalancing(t *testing.T) {
	r, _ := http.NewRequest("GET", "/", nil)
	ipPool := newPool(servers(4), "ip_hash", &hostMetrics{})
	seen := map[string]bool{}
	for i := range 64 {
		a := netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
		first := ipPool.pick(sessionOf(ipPool, r), a, 0)
		for range 3 {
			if ipPool.pick(sessionOf(ipPool, r), a, 0) != first {
				t.Fatal("ip_hash moved a client")
			}
		}
		seen[first.host] = true
	}
	if len(seen) < 3 {
		t.Fatalf("ip_hash spread clients over %d of 4 servers", len(seen))
	}

	sp := newPool(servers(4), "session_hash", &hostMetrics{})
	seen = map[string]bool{}
	for i := range 64 {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", "a=b; "+SessionCookie+"=s"+string(rune('A'+i))+"; c=d")
		first := sp.pick(sessionOf(sp, r), netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), 0)
		if sp.pick(sessionOf(sp, r), netip.AddrFrom4([4]byte{203, 0, 113, 1}), 0) != first {
			t.Fatal("session_hash moved a session to another server when its address changed")
		}
		seen[first.host] = true
	}
	if len(seen) < 3 {
		t.Fatalf("session_hash spread sessions over %d of 4 servers", len(seen))
	}
	a := netip.MustParseAddr("198.51.100.7")
	if sp.pick(sessionOf(sp, r), a, 0).host != ipPool.pick(sessionOf(ipPool, r), a, 0).host {
		t.Fatal("session_hash without the cookie does not fall back to the address hash")
	}

	// A server marked down is skipped, unless all are.
	rr := newPool(servers(2), "round_robin", &hostMetrics{})
	rr.servers[0].downUntil.Store(100)
	for range 4 {
		if rr.pick("", a, 50) != rr.servers[1] {
			t.Fatal("down server picked")
		}
	}
	rr.servers[1].downUntil.Store(100)
	if rr.pick("", a, 50) == nil {
		t.Fatal("nothing picked with all servers down")
	}
	if rr.pick("", a, 200) == nil {
		t.Fatal("nothing picked")
	}
}

func TestCookieValue(t *testing.T) {
	for _, c := range []struct {
		h, want string
		ok      bool
	}{
		{"HWWAFSESID=abc", "abc", true},
		{"x=1; HWWAFSESID=\"q\"; y=2", "q", true},
		{"xHWWAFSESID=1", "", false},
		{"", "", false},
	} {
		if v, ok := cookieValue(c.h, SessionCookie); v != c.want || ok != c.ok {
			t.Errorf("%q: %q %v", c.h, v, ok)
		}
	}
}
