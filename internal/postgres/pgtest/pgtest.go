// Package pgtest gives tests a schema of their own on the PostgreSQL
// server named by RAMPART_TEST_POSTGRES (scripts/pg-test-server.sh starts
// one), so that each test opens an empty store on one shared server.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// DSNEnv names the environment variable holding the test server's DSN.
const DSNEnv = "RAMPART_TEST_POSTGRES"

// Schema creates an empty schema on the test server, drops it when the test
// ends, and returns a DSN whose search_path is that schema. The test skips,
// saying why, when DSNEnv is not set.
func Schema(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		tb.Skipf("%s is not set: no PostgreSQL server to test against (scripts/pg-test-server.sh start prints one)", DSNEnv)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to %s: %v", DSNEnv, err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Error(err)
		}
		admin.Close(ctx)
	})
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatal(err)
	}
	return WithSearchPath(tb, dsn, schema)
}

// WithSearchPath returns dsn (a URL or a key=value string) with its
// search_path set to schema.
func WithSearchPath(tb testing.TB, dsn, schema string) string {
	tb.Helper()
	if !strings.Contains(dsn, "://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
