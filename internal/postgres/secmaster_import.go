package postgres

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// ImportPolicies implements secmaster.Store. The policies, entries, records
// and enforcement rows go in with COPY. The enforcement rows are written
// with the change log's insert trigger quiet (migration 0006): one log row
// per defense entry, with an empty object, tells readers to read every row
// of that entry. enforcementTx holds the log's lock from the start, so the
// seq of those rows stays commit-ordered.
func (db *SecMasterStore) ImportPolicies(ctx context.Context, ps []*secmaster.Policy, t *secmaster.Task, q secmaster.Quota) error {
	ctx = context.WithoutCancel(ctx) // a batch is stored whole or not at all
	rows, err := smImportRows(ps, t)
	if err != nil {
		return err
	}
	return db.enforcementTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM secmaster_workspaces WHERE id = $1 AND project_id = $2 FOR SHARE`,
			t.WorkspaceID, t.ProjectID).Scan(&one)
		if err == pgx.ErrNoRows {
			return rampart.Errorf(rampart.KindNotFound, "The workspace %s does not exist.", t.WorkspaceID)
		}
		if err != nil {
			return err
		}
		ageing := 0
		for _, p := range ps {
			ageing += boolInt(p.Ageing)
		}
		if err := smAdjustCounts(ctx, tx, t.WorkspaceID, len(ps), ageing, q); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, "secmaster_policies", smPolicyCols, rows.policies); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, "secmaster_defenses", "seq, "+smDefenseCols, rows.defenses); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, "secmaster_records", smImportRecordCols, rows.records); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('rampart.enforcement_quiet', 'on', true)`); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, "secmaster_enforcement", smImportEnforcementCols, rows.enforcement); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('rampart.enforcement_quiet', 'off', true)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO secmaster_enforcement_changes (target_project_id, defense_id, object)
			SELECT t, d, '' FROM unnest($1::text[], $2::text[]) AS r (t, d)`, rows.logTargets, rows.logDefenses); err != nil {
			return err
		}
		if err := insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err = bumpRevision(ctx, tx, t.ProjectID, rampart.FamilySecMaster)
		return err
	})
}

const smImportRecordCols = `project_id, workspace_id, policy_id, action, task_id, block_target, policy_category, policy_type,
	detail, snapshot, created_at`

const smImportEnforcementCols = `defense_id, policy_id, project_id, target_project_id, layer, category, object_type, object,
	expires_at`

// smImport holds the rows an import copies in, table by table, and the
// defense entries it logs as a whole.
type smImport struct {
	policies, defenses, records, enforcement [][]any
	logTargets, logDefenses                  []string
}

// smImportRows lays out the rows of an import's policies.
func smImportRows(ps []*secmaster.Policy, t *secmaster.Task) (*smImport, error) {
	r := &smImport{}
	for _, p := range ps {
		r.policies = append(r.policies, []any{p.ID, p.ProjectID, p.WorkspaceID, p.BlockTarget, p.Type, p.Category,
			p.RegionID, p.Description, p.Labels, p.Direction, p.AccountScope, p.EPSScope, p.RegionScope, p.Ageing,
			stamp(p.AgeingAt), p.State, p.TaskID, p.CreatorID, p.CreatorName, p.ModifierID, p.ModifierName,
			stamp(p.CreatedAt), stamp(p.UpdatedAt)})
		layers := make([]string, len(p.Defenses))
		objects := dedupe(p.Targets())
		for i := range p.Defenses {
			d := &p.Defenses[i]
			layers[i] = d.DefenseType
			r.defenses = append(r.defenses, []any{i, d.ID, p.ID, d.ConnectionID, d.ConnectionName, d.ConnectionRegionID,
				d.ConnectionRegionName, d.DefenseType, d.TargetEnterpriseID, d.TargetEnterpriseName, d.TargetProjectID,
				d.TargetProjectName, d.BlockStatus, d.SyncStatus, d.FailureDescription, d.PendingTaskID,
				stamp(d.UpdatedAt), stamp(d.DeliveredAt)})
			for _, o := range objects {
				r.enforcement = append(r.enforcement, []any{d.ID, p.ID, p.ProjectID, d.TargetProjectID, d.DefenseType,
					p.Category, p.Type, o, stamp(p.AgeingAt)})
			}
			r.logTargets = append(r.logTargets, d.TargetProjectID)
			r.logDefenses = append(r.logDefenses, d.ID)
		}
		snap, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		detail := "Policy imported from a blocklist; in force on " + strings.Join(layers, ", ") + "."
		r.records = append(r.records, []any{p.ProjectID, p.WorkspaceID, p.ID, secmaster.RecordCreate, t.ID, p.BlockTarget,
			p.Category, p.Type, detail, string(snap), stamp(p.CreatedAt)})
	}
	return r, nil
}

// dedupe returns ss without repeats, in first-seen order.
func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// copyRows writes rows into table's columns (a comma-separated list) with
// COPY.
func copyRows(ctx context.Context, tx pgx.Tx, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	names := strings.Split(cols, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, names, pgx.CopyFromRows(rows))
	return err
}
