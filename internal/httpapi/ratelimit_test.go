package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A bucket that takes longer than the sweep interval to refill is not
// dropped (and so refilled at once) while it is still refilling.
func TestLimiterSetSlowRefill(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiterSet(0.01, 2) // 2 requests, then one per 100 s
	l.now = func() time.Time { return now }
	if !l.allow("k") || !l.allow("k") || l.allow("k") {
		t.Fatal("the first two requests pass, the third does not")
	}
	now = now.Add(61 * time.Second) // past the sweep, 0.61 tokens refilled
	if l.allow("k") {
		t.Fatal("a request 61 s after the burst passed: the bucket was dropped and came back full")
	}
	now = now.Add(40 * time.Second) // 1 token since the last request
	if !l.allow("k") {
		t.Fatal("a request after the refill was refused")
	}
}

// The password-token limit counts an IPv6 client by its /64, which one
// host can fill with addresses; IPv4 clients (also IPv4-mapped) by their
// address.
func TestTokenLimitPerIPv6Slash64(t *testing.T) {
	s := &server{cfg: DefaultConfig(), log: testLogger(t), tokenIPs: newLimiterSet(0.001, 2)}
	h := s.handleTokenCreate()
	status := func(remote string) int {
		r := httptest.NewRequest("POST", "/v3/auth/tokens", strings.NewReader("{}"))
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i, remote := range []string{"[2001:db8:1:2::1]:40000", "[2001:db8:1:2::2]:40001"} {
		if st := status(remote); st == http.StatusTooManyRequests {
			t.Fatalf("request %d from %s: 429 within the burst", i, remote)
		}
	}
	if st := status("[2001:db8:1:2:ffff::3]:40002"); st != http.StatusTooManyRequests {
		t.Fatalf("third request from the same /64: %d, want 429", st)
	}
	if st := status("[2001:db8:1:3::1]:40003"); st == http.StatusTooManyRequests {
		t.Fatal("another /64 was throttled")
	}
	for _, remote := range []string{"192.0.2.1:1", "192.0.2.1:2", "192.0.2.2:3", "[::ffff:192.0.2.2]:4"} {
		if st := status(remote); st == http.StatusTooManyRequests {
			t.Fatalf("%s throttled within its burst", remote)
		}
	}
	if st := status("[::ffff:192.0.2.2]:5"); st != http.StatusTooManyRequests {
		t.Fatalf("third request from 192.0.2.2 (IPv4-mapped): %d, want 429", st)
	}
}
