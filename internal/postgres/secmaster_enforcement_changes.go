package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// enforcementLogKeep is how many rows of the SecMaster enforcement change
// log are kept; a reader whose cursor is older reloads every row.
const enforcementLogKeep = 100_000

// EnforcementCursor returns the position of the latest committed write to
// the SecMaster enforcement rows in the change log (0: none): a reader
// that loads every row after reading it passes it to EnforcementChanges
// next. The log's seq is commit-ordered (see 0004_secmaster.sql), so no
// row below the cursor can commit later.
func (db *DB) EnforcementCursor(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT COALESCE(max(seq), 0) FROM secmaster_enforcement_changes`).Scan(&n)
	return n, formatError(err)
}

// EnforcementChanges reads, in one snapshot, the enforcement rows of the
// target project written (inserted, updated or deleted) after the cursor:
// current holds the rows that exist (expired or not), gone the keys of
// those that no longer do (only DefenseID and Object are set). It returns
// the cursor to pass next; complete is false when the log has been trimmed
// past the cursor, and the caller must then reload every row.
func (db *DB) EnforcementChanges(ctx context.Context, targetProjectID string, after int64) (current, gone []secmaster.Enforcement, cursor int64, complete bool, err error) {
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		var oldest int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(min(seq), 0), COALESCE(max(seq), 0) FROM secmaster_enforcement_changes`).
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
			rows, _ := tx.Query(ctx, smChangedRows(bulk), targetProjectID, after, cursor)
			for rows.Next() {
				var en secmaster.Enforcement
				var pol, proj, layer, cat, typ *string
				var exp *time.Time
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
				if pol == nil {
					gone = append(gone, en)
					continue
				}
				en.PolicyID, en.ProjectID, en.TargetProjectID, en.Layer, en.Category, en.ObjectType = *pol, *proj,
					targetProjectID, *layer, *cat, *typ
				en.ExpiresAt = unstamp(exp)
				current = append(current, en)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return current, gone, cursor, complete, err
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
				WHERE target_project_id = $1 AND seq > $2 AND seq <= $3 AND object = '') c
			JOIN secmaster_enforcement e ON e.defense_id = c.defense_id AND e.target_project_id = $1`
	}
	return `SELECT c.defense_id, c.object, e.policy_id, e.project_id, e.layer, e.category, e.object_type, e.expires_at
		FROM (SELECT DISTINCT defense_id, object FROM secmaster_enforcement_changes
			WHERE target_project_id = $1 AND seq > $2 AND seq <= $3 AND object <> '') c
		LEFT JOIN secmaster_enforcement e ON e.defense_id = c.defense_id AND e.object = c.object AND e.target_project_id = $1`
}

// enforcementTx runs fn in a write transaction holding the change log's
// lock (lockEnforcementLog, taken first so that the log's seq follows
// commit order), then bumps the SecMaster revision of every target project
// whose enforcement rows fn changed and trims the log. A policy is managed
// in one project and enforced in the target projects of its entries,
// which may be others: the decision engine of a target project polls its
// own revision. Every write that changes enforcement rows goes through
// here.
func (db *SecMasterStore) enforcementTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL, lockEnforcementLog); err != nil {
			return err
		}
		var since int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(max(seq), 0) FROM secmaster_enforcement_changes`).Scan(&since); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		fam := string(rampart.FamilySecMaster)
		// The targets are the projects of this transaction's log rows (the
		// trim below runs after, so none of them is gone yet).
		rows, _ := tx.Query(ctx, `INSERT INTO project_revisions AS r (project_id, family, revision)
			SELECT DISTINCT target_project_id, $1, 1 FROM secmaster_enforcement_changes WHERE seq > $2
			ORDER BY 1
			ON CONFLICT (project_id, family) DO UPDATE SET revision = r.revision + 1
			RETURNING project_id, revision`, fam, since)
		var project string
		var rev int64
		if _, err := pgx.ForEachRow(rows, []any{&project, &rev}, func() error {
			noteBumped(tx, project, rampart.FamilySecMaster, rev)
			return nil
		}); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM secmaster_enforcement_changes
			WHERE seq <= (SELECT max(seq) FROM secmaster_enforcement_changes) - $1`, enforcementLogKeep)
		return err
	})
}
