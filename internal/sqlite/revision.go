package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/rampart"
)

var _ rampart.RevisionStore = (*DB)(nil)

// bumpRevision increments the change counter of a project's family inside
// the caller's transaction and returns the new value.
func bumpRevision(ctx context.Context, tx *sql.Tx, projectID string, family rampart.Family) (int64, error) {
	var rev int64
	err := tx.QueryRowContext(ctx, `INSERT INTO project_revisions (project_id, family, revision) VALUES (?, ?, 1)
		ON CONFLICT (project_id, family) DO UPDATE SET revision = revision + 1
		RETURNING revision`, projectID, string(family)).Scan(&rev)
	if err == nil {
		noteBumped(tx, projectID, family, rev)
	}
	return rev, err
}

// Revision implements rampart.RevisionStore.
func (db *DB) Revision(ctx context.Context, projectID string, family rampart.Family) (int64, error) {
	var rev int64
	err := db.rdb.QueryRowContext(ctx, `SELECT revision FROM project_revisions WHERE project_id = ? AND family = ?`,
		projectID, string(family)).Scan(&rev)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return rev, formatError(err)
}

var _ rampart.RevisionLister = (*DB)(nil)

// Revisions implements rampart.RevisionLister.
func (db *DB) Revisions(ctx context.Context) ([]rampart.Revision, error) {
	// The data plane and the decision registry poll this every 50 ms:
	// prepared once per read connection, not parsed on every call.
	st, err := db.readPrepared(ctx, `SELECT project_id, family, revision FROM project_revisions`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []rampart.Revision
	for rows.Next() {
		var r rampart.Revision
		var fam string
		if err := rows.Scan(&r.ProjectID, &fam, &r.Revision); err != nil {
			return nil, formatError(err)
		}
		r.Family = rampart.Family(fam)
		out = append(out, r)
	}
	return out, formatError(rows.Err())
}
