package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Observer is told how long the store's work takes and when a project's
// revision of a family is committed, for metrics (Options.Observer).
type Observer = rampart.StoreObserver

// Operation kinds of ObserveStoreLatency.
const (
	OpReadTx     = rampart.StoreOpReadTx
	OpWriteTx    = rampart.StoreOpWriteTx
	OpGroupWrite = rampart.StoreOpGroupWrite
	OpQuery      = rampart.StoreOpQuery
)

// nopObserver observes nothing.
type nopObserver = rampart.NopStoreObserver

// bumpedRevisions holds, per write transaction under way, the revisions
// bumped in it, to be reported once it commits. A transaction is
// registered only when an observer is set.
var bumpedRevisions sync.Map // *sql.Tx → *[]rampart.Revision

// trackRevisions starts recording the revisions bumped in tx; the
// returned func reports them once committed is true, and forgets them.
func (db *DB) trackRevisions(tx *sql.Tx) func(committed bool) {
	if _, ok := db.observer.(nopObserver); ok {
		return func(bool) {}
	}
	revs := &[]rampart.Revision{}
	bumpedRevisions.Store(tx, revs)
	return func(committed bool) {
		bumpedRevisions.Delete(tx)
		if !committed {
			return
		}
		at := time.Now()
		for _, r := range *revs {
			db.observer.RevisionCommitted(r.ProjectID, r.Family, r.Revision, at)
		}
	}
}

// noteBumped records a revision bumped in tx, if tx is tracked.
func noteBumped(tx *sql.Tx, projectID string, family rampart.Family, rev int64) {
	if v, ok := bumpedRevisions.Load(tx); ok {
		revs := v.(*[]rampart.Revision)
		*revs = append(*revs, rampart.Revision{ProjectID: projectID, Family: family, Revision: rev})
	}
}

// readPool is the read-only pool: database/sql's, with reads outside a
// transaction timed for the observer.
type readPool struct {
	*sql.DB
	observer Observer
}

// QueryContext is sql.DB's, timed to the first row.
func (p readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	start := time.Now()
	rows, err := p.DB.QueryContext(ctx, query, args...)
	p.observer.ObserveStoreLatency(OpQuery, time.Since(start))
	return rows, err
}

// QueryRowContext is sql.DB's, timed to the row.
func (p readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	start := time.Now()
	row := p.DB.QueryRowContext(ctx, query, args...)
	p.observer.ObserveStoreLatency(OpQuery, time.Since(start))
	return row
}
