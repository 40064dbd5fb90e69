// Package storetest is the conformance suite every storage backend must
// pass. A backend's tests call the Run functions with a constructor that
// returns a fresh, empty store; the suite exercises the domain storage
// interfaces only, never backend-specific behaviour.
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
)

// newID returns a random 32-hex-character identifier.
func newID(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// wantKind fails the test unless err has the given application error kind.
func wantKind(tb testing.TB, err error, kind rampart.Kind) {
	tb.Helper()
	if got := rampart.ErrorKind(err); got != kind {
		tb.Fatalf("error kind = %q (%v), want %q", got, err, kind)
	}
}

// must fails the test on a non-nil error.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
