package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// smImportRowsPerInsert is how many enforcement rows one INSERT of an
// import writes: one statement per row would cost the driver's call
// overhead a million times.
const smImportRowsPerInsert = 100

// smInsertEnforcementRows returns an INSERT of n enforcement rows.
func smInsertEnforcementRows(n int) string {
	return `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id, target_project_id, layer, category,
		object_type, object, expires_at) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?),", n), ",")
}

// ImportPolicies implements secmaster.Store. The enforcement rows are
// written with the change log's insert trigger quiet (migration 0049): one
// log row per defense entry, with an empty object, tells readers to read
// every row of that entry.
func (db *SecMasterStore) ImportPolicies(ctx context.Context, ps []*secmaster.Policy, t *secmaster.Task, q secmaster.Quota) error {
	db.smPrepare(ctx)
	ctx = context.WithoutCancel(ctx) // a batch is stored whole or not at all
	return db.enforcementTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := db.smQueryRow(ctx, tx, smWorkspaceExists, t.WorkspaceID, t.ProjectID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return rampart.Errorf(rampart.KindNotFound, "The workspace %s does not exist.", t.WorkspaceID)
		}
		ageing := 0
		for _, p := range ps {
			ageing += boolInt(p.Ageing)
		}
		if err := db.smAdjustCounts(ctx, tx, t.WorkspaceID, len(ps), ageing, q); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO secmaster_enforcement_quiet (holder) VALUES ('import')`); err != nil {
			return err
		}
		rows := &smRowWriter{ctx: ctx, tx: tx}
		for _, p := range ps {
			if err := db.insertSMPolicy(ctx, tx, p); err != nil {
				return err
			}
			layers := make([]string, len(p.Defenses))
			for i := range p.Defenses {
				d := &p.Defenses[i]
				layers[i] = d.DefenseType
				if err := db.upsertSMDefense(ctx, tx, p.ID, i, d); err != nil {
					return err
				}
				for _, e := range secmaster.Enforcements(p, d) {
					if err := rows.add(e); err != nil {
						return err
					}
				}
			}
			detail := "Policy imported from a blocklist; in force on " + strings.Join(layers, ", ") + "."
			if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordCreate, t.ID, detail, p.CreatedAt); err != nil {
				return err
			}
		}
		if err := rows.flush(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_enforcement_quiet`); err != nil {
			return err
		}
		for _, p := range ps {
			for i := range p.Defenses {
				if _, err := tx.ExecContext(ctx, `INSERT INTO secmaster_enforcement_changes (target_project_id, defense_id, object)
					VALUES (?, ?, '')`, p.Defenses[i].TargetProjectID, p.Defenses[i].ID); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_enforcement_changes
			WHERE seq <= (SELECT MAX(seq) FROM secmaster_enforcement_changes) - 100000`); err != nil {
			return err
		}
		return db.insertSMTask(ctx, tx, t)
	})
}

// smRowWriter writes enforcement rows smImportRowsPerInsert at a time.
type smRowWriter struct {
	ctx  context.Context
	tx   *sql.Tx
	full *sql.Stmt
	args []any
}

// add queues one row, writing a full statement's worth when there is one.
func (w *smRowWriter) add(e secmaster.Enforcement) error {
	w.args = append(w.args, e.DefenseID, e.PolicyID, e.ProjectID, e.TargetProjectID, e.Layer, e.Category, e.ObjectType,
		e.Object, millis(e.ExpiresAt))
	if len(w.args) < 9*smImportRowsPerInsert {
		return nil
	}
	if w.full == nil {
		st, err := w.tx.PrepareContext(w.ctx, smInsertEnforcementRows(smImportRowsPerInsert))
		if err != nil {
			return err
		}
		w.full = st
	}
	_, err := w.full.ExecContext(w.ctx, w.args...)
	w.args = w.args[:0]
	return err
}

// flush writes the rows left and releases the statement.
func (w *smRowWriter) flush() error {
	if w.full != nil {
		defer w.full.Close()
	}
	if len(w.args) == 0 {
		return nil
	}
	_, err := w.tx.ExecContext(w.ctx, smInsertEnforcementRows(len(w.args)/9), w.args...)
	w.args = w.args[:0]
	return err
}
