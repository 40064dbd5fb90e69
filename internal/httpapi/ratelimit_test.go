package httpapi

import (
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
