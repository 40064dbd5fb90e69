package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Advisory lock keys. PostgreSQL's two-key advisory locks take the purpose
// as the first key and the hash of the schema Rampart's tables live in as
// the second, so that stores in different schemas of one database do not
// wait for each other.
const (
	lockMigrate   = 0x52414d01 // applying migrations
	lockBootstrap = 0x52414d02 // the first start's bootstrap
	// lockEnforcementLog orders the writers of the SecMaster enforcement
	// change log (0004_secmaster.sql's trigger takes it too).
	lockEnforcementLog = 0x52414d03
	// lockWhiteBlackIPLog orders the writers of the whiteblackip change
	// log (0005_waf.sql's trigger takes it).
	lockWhiteBlackIPLog = 0x52414d04
	// lockValueLists serialises the quota checks of one project's
	// reference tables (its second key hashes the schema and the project).
	lockValueLists = 0x52414d05
)

// lockSQL takes the transaction-scoped advisory lock of a purpose (its
// first argument) in the current schema.
const lockSQL = `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`

// migrate applies the embedded migrations not yet recorded, in lexical
// order, each in its own transaction, while holding the session advisory
// lock lockMigrate: nodes that start together wait for each other, and the
// ones that come second find every migration applied and skip them.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Release()
	var schema *string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	if schema == nil {
		return errors.New("postgres: the search_path names no existing schema to keep Rampart's tables in")
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, lockMigrate); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer func() {
		// A failed unlock (the connection broke) releases the lock anyway:
		// session locks end with their session.
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, lockMigrate)
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, version).Scan(&done); err != nil || done {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, version)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", version, err)
		}
	}
	return nil
}
