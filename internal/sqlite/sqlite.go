// Package sqlite stores Rampart's state in an embedded SQLite database
// (pure Go driver, no cgo). It implements the storage interfaces the domain
// packages define.
//
// Concurrency model: one writer connection (transactions begin IMMEDIATE and
// are serialised in Go, so writers never spin on SQLITE_BUSY) and a pool of
// read-only connections; WAL lets readers proceed while a write commits. A
// call returns only after its transaction has committed, so an acknowledged
// write survives a crash of the process.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storeform"
	sqlite3 "modernc.org/sqlite"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open Rampart database. It is safe for concurrent use.
type DB struct {
	path string
	wdb  *sql.DB  // single connection, IMMEDIATE transactions
	rdb  readPool // read-only pool
	wmu  sync.Mutex

	sm         smCache    // SecMaster's prepared write statements (secmaster_stmt.go)
	writeQueue writeQueue // writes waiting for a group commit (group.go), guarded by writeMu
	writeMu    sync.Mutex
	stmts      sync.Map // prepared statements (group.go): query → *sql.Stmt on the writer connection, "read " + query on the read pool

	unreadable storeform.UnreadableRows // rows reads skipped (unreadable.go)
	observer   Observer                 // Options.Observer, or nopObserver (observe.go)

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Logger is Options.Logger.
	Logger *slog.Logger
}

// Options tune an opened database.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "NORMAL" (default; durable
	// across process crashes, may lose the last commits on power loss) or
	// "FULL" (fsync on every commit).
	Synchronous string
	// CacheMiB is the writer connection's page cache in MiB (default
	// DefaultCacheMiB). The cache fills as writes touch pages and then
	// stays: it is the largest share of the memory a busy server grows
	// into. Each read connection keeps SQLite's default of 2 MiB.
	CacheMiB int
	// Logger receives the rows reads skip because they cannot be decoded
	// (nil: slog.Default()).
	Logger *slog.Logger
	// Observer is told how long transactions and reads take and when
	// revisions are committed (nil: nobody).
	Observer Observer
}

// DefaultCacheMiB is the writer's page cache when Options.CacheMiB is 0.
const DefaultCacheMiB = 16

// Open opens (creating if needed) the database file at path and applies any
// pending migrations.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	sync := strings.ToUpper(opts.Synchronous)
	if sync == "" {
		sync = "NORMAL"
	}
	if sync != "NORMAL" && sync != "FULL" {
		return nil, fmt.Errorf("sqlite: synchronous must be NORMAL or FULL, not %q", opts.Synchronous)
	}
	// The database holds secret keys: create it readable by its owner only.
	// SQLite gives the -wal and -shm files the same permissions.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	} else {
		f.Close()
	}
	// busy_timeout comes first: switching a new file to WAL takes a lock
	// that another process opening it at the same time may hold.
	pragmas := []string{
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"synchronous(" + sync + ")",
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode()
	}
	cache := opts.CacheMiB
	if cache == 0 {
		cache = DefaultCacheMiB
	}
	if cache < 1 || cache > 1<<16 {
		return nil, fmt.Errorf("sqlite: a page cache of %d MiB is out of range (1 to 65536)", cache)
	}
	wdb, err := sql.Open("sqlite", dsn(fmt.Sprintf("cache_size(%d)", -cache*1024))+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	db := &DB{path: path, wdb: wdb, Now: time.Now, Logger: opts.Logger, observer: opts.Observer}
	if db.observer == nil {
		db.observer = nopObserver{}
	}
	if err := pingUntilFree(ctx, wdb); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		wdb.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", dsn("query_only(1)"))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	db.rdb = readPool{DB: rdb, observer: db.observer}
	return db, nil
}

// pingUntilFree opens the writer connection, retrying while the file is
// busy. Processes opening one new database together (a proxy or admin
// started beside the first server) contend for the lock that switches it
// to WAL, and SQLite answers some of those attempts SQLITE_BUSY without
// waiting on busy_timeout; a connection that failed so is discarded by
// database/sql, and the next attempt opens a new one.
func pingUntilFree(ctx context.Context, wdb *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		err := wdb.PingContext(ctx)
		var se *sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
	}
}

// sqliteBusy is SQLite's primary result code SQLITE_BUSY.
const sqliteBusy = 5

// Close closes both connection pools. The WAL is checkpointed by SQLite when
// the last connection closes.
func (db *DB) Close() error {
	var errs []error
	if db.rdb.DB != nil {
		errs = append(errs, db.rdb.Close())
	}
	errs = append(errs, db.wdb.Close())
	return errors.Join(errs...)
}

// Ping reports whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// now returns the current time truncated to milliseconds, the precision of
// every stored timestamp.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Millisecond) }

// writeTx runs fn inside one IMMEDIATE transaction and commits it. Writers
// are serialised in Go so that none waits inside SQLite's busy handler.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now()
	defer func() { db.observer.ObserveStoreLatency(OpWriteTx, time.Since(start)) }()
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		return formatError(err)
	}
	defer tx.Rollback()
	report := db.trackRevisions(tx)
	if err := fn(tx); err != nil {
		report(false)
		return formatError(err)
	}
	err = tx.Commit()
	report(err == nil)
	return formatError(err)
}

// readTx runs fn inside a read-only transaction, so it sees one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now()
	defer func() { db.observer.ObserveStoreLatency(OpReadTx, time.Since(start)) }()
	tx, err := db.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return formatError(err)
	}
	defer tx.Rollback()
	return formatError(fn(tx))
}

// migrate applies the embedded migrations not yet recorded, in lexical order,
// each in its own IMMEDIATE transaction. Whether a migration is applied is
// read again inside that transaction, under SQLite's write lock, so that
// processes opening the same new file at once apply each migration once
// and the others skip it.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
		applied := func(q interface {
			QueryRowContext(context.Context, string, ...any) *sql.Row
		}) (bool, error) {
			var n int
			err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n)
			return n > 0, err
		}
		// Without the write lock first: an up-to-date database is opened
		// without writing.
		if done, err := applied(db.wdb); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", version, err)
		} else if done {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.writeTx(ctx, func(tx *sql.Tx) error {
			if done, err := applied(tx); err != nil || done {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, db.now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", version, err)
		}
	}
	return nil
}

// SQLite extended result codes that map to domain errors.
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

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
	if errors.Is(err, sql.ErrNoRows) {
		return rampart.Errorf(rampart.KindNotFound, "Resource not found.")
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return rampart.Errorf(rampart.KindConflict, "Resource already exists.")
		case sqliteConstraintForeignKey:
			return rampart.Errorf(rampart.KindNotFound, "Referenced resource not found.")
		}
	}
	return err
}

// millis converts a time to the stored representation (Unix milliseconds).
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis converts a stored timestamp back to UTC time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
