package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
)

var (
	_ rampart.RevisionStore  = (*DB)(nil)
	_ rampart.RevisionLister = (*DB)(nil)
)

// bumpRevision increments the change counter of a project's family inside
// the caller's transaction and returns the new value. The upsert locks the
// counter's row until the transaction ends, so a concurrent writer of the
// same counter waits and takes the next value only once this one has
// committed (or rolled back): counters become visible in increasing order,
// and a reader never sees revision n+1 before n.
func bumpRevision(ctx context.Context, tx pgx.Tx, projectID string, family rampart.Family) (int64, error) {
	var rev int64
	err := tx.QueryRow(ctx, `INSERT INTO project_revisions AS r (project_id, family, revision) VALUES ($1, $2, 1)
		ON CONFLICT (project_id, family) DO UPDATE SET revision = r.revision + 1
		RETURNING revision`, projectID, string(family)).Scan(&rev)
	if err == nil {
		noteBumped(tx, projectID, family, rev)
	}
	return rev, err
}

// readRevision reads a counter through q; 0 if it was never bumped.
func readRevision(ctx context.Context, q querier, projectID string, family rampart.Family) (int64, error) {
	var rev int64
	err := q.QueryRow(ctx, `SELECT revision FROM project_revisions WHERE project_id = $1 AND family = $2`,
		projectID, string(family)).Scan(&rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return rev, err
}

// Revision implements rampart.RevisionStore.
func (db *DB) Revision(ctx context.Context, projectID string, family rampart.Family) (int64, error) {
	rev, err := readRevision(ctx, db.pool, projectID, family)
	return rev, formatError(err)
}

// Revisions implements rampart.RevisionLister.
func (db *DB) Revisions(ctx context.Context) ([]rampart.Revision, error) {
	return collect(ctx, db.pool, func(row pgx.Row) (rampart.Revision, error) {
		var r rampart.Revision
		err := row.Scan(&r.ProjectID, &r.Family, &r.Revision)
		return r, err
	}, `SELECT project_id, family, revision FROM project_revisions`)
}
