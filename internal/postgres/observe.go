package postgres

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Observer is told how long the store's work takes and when a project's
// revision of a family is committed, for metrics (Options.Observer). A
// write transaction is timed from its start to its commit, retries
// included, and a statement that writes outside one counts as one
// (rampart.StoreOpWriteTx).
type Observer = rampart.StoreObserver

// nopObserver observes nothing.
type nopObserver = rampart.NopStoreObserver

// bumpedRevisions holds, per write transaction under way, the revisions
// bumped in it, to be reported once it commits. A transaction is
// registered only when an observer is set.
var bumpedRevisions sync.Map // pgx.Tx → *[]rampart.Revision

// trackRevisions wraps fn so that the revisions it bumps in its
// transaction are recorded in revs (only when an observer is set).
func (db *DB) trackRevisions(revs *[]rampart.Revision, fn func(tx pgx.Tx) error) func(tx pgx.Tx) error {
	if _, ok := db.observer.(nopObserver); ok {
		return fn
	}
	return func(tx pgx.Tx) error {
		*revs = (*revs)[:0] // a retried transaction starts over
		bumpedRevisions.Store(tx, revs)
		defer bumpedRevisions.Delete(tx)
		return fn(tx)
	}
}

// noteBumped records a revision bumped in tx, if tx is tracked.
func noteBumped(tx pgx.Tx, projectID string, family rampart.Family, rev int64) {
	if v, ok := bumpedRevisions.Load(tx); ok {
		revs := v.(*[]rampart.Revision)
		*revs = append(*revs, rampart.Revision{ProjectID: projectID, Family: family, Revision: rev})
	}
}

// timedPool is the connection pool, with statements run outside a
// transaction timed for the observer.
type timedPool struct {
	*pgxpool.Pool
	observer Observer
}

// Query is pgxpool's, timed to the first row (rampart.StoreOpQuery).
func (p timedPool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	start := time.Now()
	rows, err := p.Pool.Query(ctx, sql, args...)
	p.observer.ObserveStoreLatency(rampart.StoreOpQuery, time.Since(start))
	return rows, err
}

// QueryRow is pgxpool's, timed to the row (rampart.StoreOpQuery).
func (p timedPool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	start := time.Now()
	row := p.Pool.QueryRow(ctx, sql, args...)
	p.observer.ObserveStoreLatency(rampart.StoreOpQuery, time.Since(start))
	return row
}

// Exec is pgxpool's, timed as a write of its own (rampart.StoreOpWriteTx).
func (p timedPool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	start := time.Now()
	tag, err := p.Pool.Exec(ctx, sql, args...)
	p.observer.ObserveStoreLatency(rampart.StoreOpWriteTx, time.Since(start))
	return tag, err
}
