// Package postgres stores Rampart's state in a PostgreSQL server through a
// pgx connection pool, so that several nodes can share one store. It
// implements the storage interfaces the domain packages define and passes
// the same conformance suites (package storetest) as the SQLite backend.
//
// Concurrency model: every write is one READ COMMITTED transaction that
// takes the row locks it needs (a revision counter is bumped with an
// upsert, which serialises the writers of one project's family in commit
// order); reads that must see one snapshot run in a REPEATABLE READ,
// read-only transaction. A call returns only after its transaction has
// committed, so an acknowledged write survives a crash of the process.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storeform"
)

// DB is an open Rampart store on a PostgreSQL server. It is safe for
// concurrent use.
type DB struct {
	pool       timedPool
	observer   Observer                 // Options.Observer, or one observing nothing
	unreadable storeform.UnreadableRows // rows reads skipped (unreadable.go)
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Logger is Options.Logger.
	Logger *slog.Logger
}

// Options tune an opened store. Zero values keep pgx's defaults.
type Options struct {
	// MaxConns bounds the connections the pool opens (pgx's default: the
	// larger of 4 and the number of CPUs).
	MaxConns int32
	// MinConns is the number of connections the pool keeps open when idle.
	MinConns int32
	// MaxConnLifetime closes a connection after it has been open this long.
	MaxConnLifetime time.Duration
	// Logger receives the rows reads skip because they cannot be decoded
	// (nil: slog.Default()).
	Logger *slog.Logger
	// Observer is told of the store's latency and commits (nil: none).
	Observer Observer
}

// Open connects to the PostgreSQL server named by dsn (a postgres:// URL or
// a key=value connection string; its search_path, if given, picks the
// schema Rampart's tables live in) and applies any pending migrations.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if opts.MaxConns < 0 || opts.MinConns < 0 || opts.MaxConnLifetime < 0 {
		return nil, errors.New("postgres: pool sizes and lifetimes cannot be negative")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = opts.MinConns
	}
	if cfg.MinConns > cfg.MaxConns {
		return nil, fmt.Errorf("postgres: min connections %d exceed max connections %d", cfg.MinConns, cfg.MaxConns)
	}
	if opts.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = opts.MaxConnLifetime
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	obs := opts.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	db := &DB{pool: timedPool{Pool: pool, observer: obs}, observer: obs, Now: time.Now, Logger: opts.Logger}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes every connection of the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping reports whether the server answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// now returns the current time truncated to milliseconds, the precision of
// every stored timestamp (the same as the SQLite backend's).
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Millisecond) }

// querier is what a pool and a transaction have in common.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// maxAttempts bounds how often a write transaction is retried after the
// server aborted it as a deadlock victim or a serialization failure.
const maxAttempts = 5

// writeTx runs fn inside one READ COMMITTED transaction and commits it. A
// transaction the server aborts as a deadlock victim or a serialization
// failure is run again, up to maxAttempts times; fn must therefore have no
// effect outside the transaction that a second run would repeat wrongly.
func (db *DB) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	var revs []rampart.Revision
	tracked := db.trackRevisions(&revs, fn)
	start := time.Now()
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, tracked)
		if !retryable(err) {
			break
		}
	}
	db.observer.ObserveStoreLatency(rampart.StoreOpWriteTx, time.Since(start))
	if err == nil {
		at := time.Now()
		for _, r := range revs {
			db.observer.RevisionCommitted(r.ProjectID, r.Family, r.Revision, at)
		}
	}
	return formatError(err)
}

// readTx runs fn inside a read-only REPEATABLE READ transaction, so every
// query of fn sees one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	start := time.Now()
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
	db.observer.ObserveStoreLatency(rampart.StoreOpReadTx, time.Since(start))
	return formatError(err)
}

// PostgreSQL error codes (SQLSTATE) that map to domain errors or retries.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// retryable reports whether err is a transaction the server aborted so that
// running it again may succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == pgSerializationFailure || pe.Code == pgDeadlockDetected)
}

// formatError translates driver errors into domain errors. It leaves
// application errors and nil untouched.
func formatError(err error) error {
	if err == nil {
		return nil
	}
	var ae *rampart.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return rampart.Errorf(rampart.KindNotFound, "Resource not found.")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			return rampart.Errorf(rampart.KindConflict, "Resource already exists.")
		case pgForeignKeyViolation:
			return rampart.Errorf(rampart.KindNotFound, "Referenced resource not found.")
		}
	}
	return fmt.Errorf("postgres: %w", err)
}

// notFound turns pgx.ErrNoRows into a KindNotFound error with msg and
// formats other errors.
func notFound(err error, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return rampart.Errorf(rampart.KindNotFound, "%s", msg)
	}
	return formatError(err)
}

// mustAffect turns an UPDATE or DELETE that touched no row into KindNotFound.
func mustAffect(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return rampart.Errorf(rampart.KindNotFound, "Resource not found.")
	}
	return nil
}

// affected returns the number of rows a statement touched.
func affected(tag pgconn.CommandTag, err error) (int64, error) {
	return tag.RowsAffected(), err
}

// stamp is the stored form of a time: NULL for the zero time, otherwise the
// time in UTC to the millisecond.
func stamp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Millisecond)
	return &u
}

// unstamp converts a stored time back: the zero time for NULL, UTC
// otherwise.
func unstamp(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
