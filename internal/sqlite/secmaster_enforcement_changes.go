package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// EnforcementCursor returns the position of the latest write to the
// SecMaster enforcement rows in the change log (0: none): a reader that
// loads every row after reading it passes it to EnforcementChanges next.
func (db *DB) EnforcementCursor(ctx context.Context) (int64, error) {
	var n int64
	err := db.rdb.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM secmaster_enforcement_changes`).Scan(&n)
	return n, formatError(err)
}

// EnforcementChanges reads, in one snapshot, the enforcement rows of the
// target project written (inserted, updated or deleted) after the cursor:
// current holds the rows that exist (expired or not), gone the keys of
// those that no longer do (only DefenseID and Object are set). It returns
// the cursor to pass next; complete is false when the log has been trimmed
// past the cursor, and the caller must then reload every row.
func (db *DB) EnforcementChanges(ctx context.Context, targetProjectID string, after int64) (current, gone []secmaster.Enforcement, cursor int64, complete bool, err error) {
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		var oldest int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(seq) FROM secmaster_enforcement_changes), 0), COALESCE((SELECT MAX(seq) FROM secmaster_enforcement_changes), 0)`).
			Scan(&oldest, &cursor); err != nil {
			return err
		}
		complete = oldest == 0 || after >= oldest-1
		if !complete {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT c.defense_id, c.object, e.policy_id, e.project_id, e.layer, e.category,
			e.object_type, e.expires_at
			FROM (SELECT DISTINCT defense_id, object FROM secmaster_enforcement_changes
				WHERE target_project_id = ? AND seq > ? AND seq <= ?) c
			LEFT JOIN secmaster_enforcement e ON e.defense_id = c.defense_id AND e.object = c.object AND e.target_project_id = ?`,
			targetProjectID, after, cursor, targetProjectID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var en secmaster.Enforcement
			var pol, proj, layer, cat, typ sql.NullString
			var exp sql.NullInt64
			if err := rows.Scan(&en.DefenseID, &en.Object, &pol, &proj, &layer, &cat, &typ, &exp); err != nil {
				return err
			}
			if !pol.Valid {
				gone = append(gone, en)
				continue
			}
			en.PolicyID, en.ProjectID, en.TargetProjectID, en.Layer, en.Category, en.ObjectType = pol.String, proj.String,
				targetProjectID, layer.String, cat.String, typ.String
			en.ExpiresAt = fromMillis(exp.Int64)
			current = append(current, en)
		}
		return rows.Err()
	})
	return current, gone, cursor, complete, formatError(err)
}
