package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/postgres"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// store is everything the server needs from a storage backend.
type store interface {
	rampart.IdentityStore
	rampart.RevisionStore
	rampart.RevisionLister
	waf.Store
	waf.EventStore
	waf.DashboardStore
	workspace.Store
	bouncer.Store
	SecMaster() secmaster.Store
	Ping(ctx context.Context) error
	// WriteMetrics writes the store's counters (rows skipped because they
	// cannot be decoded) in the Prometheus text format.
	WriteMetrics(w io.Writer) error
	Close() error
}

// storeOptions are the settings of each backend; the Logger of each
// receives the stored rows reads skip because they cannot be decoded (nil:
// slog.Default()).
type storeOptions struct {
	SQLite   sqlite.Options
	Postgres postgres.Options
}

// openStore opens the backend a DSN names: empty for a SQLite file in the
// data directory, "sqlite:PATH" / "file:PATH" / a plain path for SQLite,
// "postgres://…" (or "postgresql://…") for PostgreSQL. It also returns
// where the store is, for the logs (a PostgreSQL password hidden).
func openStore(ctx context.Context, dsn, dataDir string, opts storeOptions) (store, string, error) {
	if err := checkStoreDSN(dsn); err != nil {
		return nil, "", err
	}
	if isPostgresDSN(dsn) {
		db, err := postgres.Open(ctx, dsn, opts.Postgres)
		if err != nil {
			return nil, "", fmt.Errorf("PostgreSQL store %s: %w", redactDSN(dsn), err)
		}
		return db, redactDSN(dsn), nil
	}
	path := sqlitePath(dsn, dataDir)
	if dsn == "" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, "", fmt.Errorf("data dir: %w", err)
		}
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, "", fmt.Errorf("store dir: %w", err)
	}
	db, err := sqlite.Open(ctx, path, opts.SQLite)
	if err != nil {
		return nil, "", err
	}
	return db, "sqlite:" + path, nil
}

// checkStoreDSN refuses a DSN naming a backend this build cannot open.
func checkStoreDSN(dsn string) error {
	switch {
	case isPostgresDSN(dsn):
		return nil
	case strings.Contains(dsn, "://") && !strings.HasPrefix(dsn, "sqlite://"):
		return fmt.Errorf("unsupported store %q: use a SQLite file path or a postgres:// DSN", redactDSN(dsn))
	}
	return nil
}

// isPostgresDSN reports whether dsn names a PostgreSQL server.
func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePath is the SQLite file a non-PostgreSQL DSN names: the DSN without
// its scheme, or rampart.db in the data directory when the DSN is empty.
func sqlitePath(dsn, dataDir string) string {
	path := dsn
	for _, p := range []string{"sqlite://", "sqlite:", "file:"} {
		path = strings.TrimPrefix(path, p)
	}
	if path == "" {
		return filepath.Join(dataDir, "rampart.db")
	}
	return path
}

// redactDSN hides a password in a DSN before it is shown or logged.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":******"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}
