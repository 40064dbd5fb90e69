package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/rampart"
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
		// Rows changed one by one, then every row of the defense entries a
		// bulk import logged as a whole (object ''), but those already read.
		seen := map[emRef]bool{}
		for _, bulk := range []bool{false, true} {
			rows, err := tx.QueryContext(ctx, smChangedRows(bulk), targetProjectID, after, cursor, targetProjectID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var en secmaster.Enforcement
				var pol, proj, layer, cat, typ sql.NullString
				var exp sql.NullInt64
				if err := rows.Scan(&en.DefenseID, &en.Object, &pol, &proj, &layer, &cat, &typ, &exp); err != nil {
					rows.Close()
					return err
				}
				ref := emRef{en.DefenseID, en.Object}
				if bulk && seen[ref] {
					continue
				}
				if !bulk {
					seen[ref] = true
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
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return current, gone, cursor, complete, formatError(err)
}

// emRef names an enforcement row (its primary key).
type emRef struct{ defense, object string }

// smChangedRows reads the target project's enforcement rows named by the
// change log between two positions. With bulk false, the rows logged one by
// one: those that no longer exist come back with NULL columns. With bulk
// true, every existing row of the defense entries logged as a whole by a
// bulk import (object ”); rows of such an entry that were deleted since
// were logged one by one by the delete trigger.
func smChangedRows(bulk bool) string {
	if bulk {
		return `SELECT e.defense_id, e.object, e.policy_id, e.project_id, e.layer, e.category, e.object_type, e.expires_at
			FROM (SELECT DISTINCT defense_id FROM secmaster_enforcement_changes
				WHERE target_project_id = ? AND seq > ? AND seq <= ? AND object = '') c
			JOIN secmaster_enforcement e ON e.defense_id = c.defense_id AND e.target_project_id = ?`
	}
	return `SELECT c.defense_id, c.object, e.policy_id, e.project_id, e.layer, e.category, e.object_type, e.expires_at
		FROM (SELECT DISTINCT defense_id, object FROM secmaster_enforcement_changes
			WHERE target_project_id = ? AND seq > ? AND seq <= ? AND object <> '') c
		LEFT JOIN secmaster_enforcement e ON e.defense_id = c.defense_id AND e.object = c.object AND e.target_project_id = ?`
}

// enforcementTx runs fn in a write transaction and then bumps the
// SecMaster revision of every target project whose enforcement rows fn
// changed. A policy is managed in one project and enforced in the target
// projects of its entries, which may be others: the decision engine of a
// target project polls its own revision, so bumping only the managing
// project's would leave the target's engine stale. Every write that
// changes enforcement rows goes through here.
func (db *SecMasterStore) enforcementTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		var since int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM secmaster_enforcement_changes`).Scan(&since); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return bumpEnforcementTargets(ctx, tx, since)
	})
}

// smTargetsSince lists the target projects of the change-log rows after a
// seq. NOT INDEXED: it reads those rows by their seq (the rowid); the
// planner would otherwise scan the whole (target_project_id, seq) index,
// up to 100,000 entries, in every transaction that writes enforcement rows.
const smTargetsSince = `SELECT DISTINCT target_project_id FROM secmaster_enforcement_changes NOT INDEXED WHERE seq > ?`

// bumpEnforcementTargets bumps the SecMaster revision of the target
// projects of the change-log rows after since (written by the current
// transaction). When the log's trimming removed some of them, the targets
// are not known: every project with a SecMaster revision, a defense entry
// or a row left in the log is bumped instead (a needless bump costs a reload, a missed one a
// stale engine).
func bumpEnforcementTargets(ctx context.Context, tx *sql.Tx, since int64) error {
	var oldest int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) FROM secmaster_enforcement_changes`).Scan(&oldest); err != nil {
		return err
	}
	fam := string(rampart.FamilySecMaster)
	if oldest > since+1 {
		if _, err := tx.ExecContext(ctx, `UPDATE project_revisions SET revision = revision + 1 WHERE family = ?`, fam); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO project_revisions (project_id, family, revision)
			SELECT target_project_id, ?, 1 FROM secmaster_defenses
			UNION SELECT target_project_id, ?, 1 FROM secmaster_enforcement_changes NOT INDEXED WHERE seq > ?
			ON CONFLICT (project_id, family) DO UPDATE SET revision = revision + 1`, fam, fam, since)
		return err
	}
	rows, err := tx.QueryContext(ctx, smTargetsSince, since)
	if err != nil {
		return err
	}
	var targets []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return err
		}
		targets = append(targets, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range targets {
		if _, err := bumpRevision(ctx, tx, p, rampart.FamilySecMaster); err != nil {
			return err
		}
	}
	return nil
}
