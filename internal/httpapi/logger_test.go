package httpapi

import (
	"log/slog"
	"testing"
)

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.tb.Log(string(p)); return len(p), nil }

func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{tb}, nil))
}

// testPasswordIterations keeps password hashing cheap in tests, which
// bootstrap a fresh account per server; the hashing itself is tested at the
// production cost in package iam.
const testPasswordIterations = 1000
