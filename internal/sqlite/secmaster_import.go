package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// smImportRows inserts the enforcement rows of one defense entry: every
// object of the JSON array bound last, one row each (one statement and
// nine bound values per entry rather than per row).
const smImportRows = `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id, target_project_id, layer, category,
	object_type, object, expires_at) SELECT ?, ?, ?, ?, ?, ?, ?, value, ? FROM json_each(?)`

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
		ins, err := tx.PrepareContext(ctx, smImportRows)
		if err != nil {
			return err
		}
		defer ins.Close()
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
				objects, err := json.Marshal(p.Targets())
				if err != nil {
					return err
				}
				if _, err := ins.ExecContext(ctx, d.ID, p.ID, p.ProjectID, d.TargetProjectID, d.DefenseType, p.Category, p.Type,
					millis(p.AgeingAt), string(objects)); err != nil {
					return err
				}
			}
			detail := "Policy imported from a blocklist; in force on " + strings.Join(layers, ", ") + "."
			if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordCreate, t.ID, detail, p.CreatedAt); err != nil {
				return err
			}
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
