package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

const smPolicyCols = `id, project_id, workspace_id, block_target, policy_type, policy_category, region_id, description, labels,
	policy_direction, account_scope, eps_scope, region_scope, is_ageing, ageing_at, state, task_id, creator_id, creator_name,
	modifier_id, modifier_name, created_at, updated_at`

const smDefenseCols = `id, policy_id, connection_id, connection_name, connection_region_id, connection_region_name, defense_type,
	target_enterprise_id, target_enterprise_name, target_project_id, target_project_name, block_status, sync_status, failure,
	pending_task_id, updated_at, delivered_at`

func insertSMPolicy(ctx context.Context, tx pgx.Tx, p *secmaster.Policy) error {
	_, err := tx.Exec(ctx, `INSERT INTO secmaster_policies (`+smPolicyCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		p.ID, p.ProjectID, p.WorkspaceID, p.BlockTarget, p.Type, p.Category, p.RegionID, p.Description, p.Labels,
		p.Direction, p.AccountScope, p.EPSScope, p.RegionScope, p.Ageing, stamp(p.AgeingAt), p.State, p.TaskID,
		p.CreatorID, p.CreatorName, p.ModifierID, p.ModifierName, stamp(p.CreatedAt), stamp(p.UpdatedAt))
	return err
}

func upsertSMDefense(ctx context.Context, tx pgx.Tx, policyID string, seq int, d *secmaster.DefenseEntry) error {
	_, err := tx.Exec(ctx, `INSERT INTO secmaster_defenses (seq, `+smDefenseCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, connection_name = excluded.connection_name,
			connection_region_id = excluded.connection_region_id, connection_region_name = excluded.connection_region_name,
			target_enterprise_id = excluded.target_enterprise_id, target_enterprise_name = excluded.target_enterprise_name,
			target_project_name = excluded.target_project_name, block_status = excluded.block_status,
			sync_status = excluded.sync_status, failure = excluded.failure, pending_task_id = excluded.pending_task_id,
			updated_at = excluded.updated_at`,
		seq, d.ID, policyID, d.ConnectionID, d.ConnectionName, d.ConnectionRegionID, d.ConnectionRegionName, d.DefenseType,
		d.TargetEnterpriseID, d.TargetEnterpriseName, d.TargetProjectID, d.TargetProjectName, d.BlockStatus, d.SyncStatus,
		d.FailureDescription, d.PendingTaskID, stamp(d.UpdatedAt), stamp(d.DeliveredAt))
	return err
}

func insertSMTask(ctx context.Context, tx pgx.Tx, t *secmaster.Task) error {
	ids := t.PolicyIDs
	if ids == nil {
		ids = []string{} // a task of no policy: an empty array, not NULL
	}
	_, err := tx.Exec(ctx, `INSERT INTO secmaster_tasks (id, project_id, workspace_id, action, state, policy_ids, created_at, done_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, t.ID, t.ProjectID, t.WorkspaceID, t.Action, t.State, ids,
		stamp(t.CreatedAt), stamp(t.DoneAt))
	return err
}

// insertSMRecord writes a history record with a snapshot of p (the policy
// as JSON).
func insertSMRecord(ctx context.Context, tx pgx.Tx, p *secmaster.Policy, action, taskID, detail string, at time.Time) error {
	snap, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO secmaster_records (project_id, workspace_id, policy_id, action, task_id,
		block_target, policy_category, policy_type, detail, snapshot, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ProjectID, p.WorkspaceID, p.ID, action, taskID, p.BlockTarget, p.Category, p.Type, detail, string(snap), stamp(at))
	return err
}

// smAdjustCounts changes a workspace's policy counters and checks the
// quota when they grow. The upsert locks the counters' row until the
// transaction ends, so concurrent creates check the quota in turn.
func smAdjustCounts(ctx context.Context, tx pgx.Tx, workspaceID string, dPolicies, dAgeing int, q secmaster.Quota) error {
	var n, a int
	err := tx.QueryRow(ctx, `INSERT INTO secmaster_counts AS c (workspace_id, policies, ageing) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET policies = c.policies + excluded.policies, ageing = c.ageing + excluded.ageing
		RETURNING policies, ageing`, workspaceID, dPolicies, dAgeing).Scan(&n, &a)
	if err != nil {
		return err
	}
	return q.Check(dPolicies, dAgeing, n, a)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreatePolicies implements secmaster.Store. Each workspace is share-locked
// (DeleteWorkspace waits for the create, or the create finds it gone), then
// its counters are raised and checked against the quota.
func (db *SecMasterStore) CreatePolicies(ctx context.Context, ps []*secmaster.Policy, t *secmaster.Task, q secmaster.Quota) error {
	ctx = context.WithoutCancel(ctx) // once asked, a create is never withdrawn
	type added struct{ policies, ageing int }
	want := map[string]added{}
	var order []string
	for _, p := range ps {
		a, ok := want[p.WorkspaceID]
		if !ok {
			order = append(order, p.WorkspaceID)
		}
		a.policies++
		a.ageing += boolInt(p.Ageing)
		want[p.WorkspaceID] = a
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		for _, ws := range order {
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM secmaster_workspaces WHERE id = $1 AND project_id = $2 FOR SHARE`, ws, t.ProjectID).Scan(&one)
			if err == pgx.ErrNoRows {
				return rampart.Errorf(rampart.KindNotFound, "The workspace %s does not exist.", ws)
			}
			if err != nil {
				return err
			}
			if err := smAdjustCounts(ctx, tx, ws, want[ws].policies, want[ws].ageing, q); err != nil {
				return err
			}
		}
		for _, p := range ps {
			if err := insertSMPolicy(ctx, tx, p); err != nil {
				return err
			}
			for i := range p.Defenses {
				if err := upsertSMDefense(ctx, tx, p.ID, i, &p.Defenses[i]); err != nil {
					return err
				}
			}
			if err := insertSMRecord(ctx, tx, p, secmaster.RecordCreate, t.ID, "Policy created; delivery queued.", p.CreatedAt); err != nil {
				return err
			}
		}
		if err := insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, t.ProjectID, rampart.FamilySecMaster)
		return err
	})
}

func scanSMPolicy(row pgx.Row) (*secmaster.Policy, error) {
	var p secmaster.Policy
	var ageingAt, created, updated *time.Time
	err := row.Scan(&p.ID, &p.ProjectID, &p.WorkspaceID, &p.BlockTarget, &p.Type, &p.Category, &p.RegionID, &p.Description,
		&p.Labels, &p.Direction, &p.AccountScope, &p.EPSScope, &p.RegionScope, &p.Ageing, &ageingAt, &p.State, &p.TaskID,
		&p.CreatorID, &p.CreatorName, &p.ModifierID, &p.ModifierName, &created, &updated)
	if err != nil {
		return nil, err
	}
	p.AgeingAt, p.CreatedAt, p.UpdatedAt = unstamp(ageingAt), unstamp(created), unstamp(updated)
	p.Defenses = []secmaster.DefenseEntry{}
	return &p, nil
}

func scanSMDefense(row pgx.Row) (policyID string, e secmaster.DefenseEntry, err error) {
	var updated, delivered *time.Time
	err = row.Scan(&e.ID, &policyID, &e.ConnectionID, &e.ConnectionName, &e.ConnectionRegionID, &e.ConnectionRegionName,
		&e.DefenseType, &e.TargetEnterpriseID, &e.TargetEnterpriseName, &e.TargetProjectID, &e.TargetProjectName,
		&e.BlockStatus, &e.SyncStatus, &e.FailureDescription, &e.PendingTaskID, &updated, &delivered)
	e.UpdatedAt, e.DeliveredAt = unstamp(updated), unstamp(delivered)
	return policyID, e, err
}

// smLoadDefenses fills the defense lists of ps.
func smLoadDefenses(ctx context.Context, q querier, ps []*secmaster.Policy) error {
	return attach(ctx, q, ps, func(p *secmaster.Policy) string { return p.ID },
		func(p *secmaster.Policy, d secmaster.DefenseEntry) { p.Defenses = append(p.Defenses, d) },
		scanSMDefense, `SELECT `+smDefenseCols+` FROM secmaster_defenses WHERE policy_id = ANY ($1) ORDER BY policy_id, seq`)
}

// smFindPolicy loads one policy with its entries; lock adds FOR UPDATE.
func smFindPolicy(ctx context.Context, q querier, projectID, workspaceID, id string, lock bool) (*secmaster.Policy, error) {
	sql := `SELECT ` + smPolicyCols + ` FROM secmaster_policies WHERE project_id = $1 AND workspace_id = $2 AND id = $3`
	if lock {
		sql += ` FOR UPDATE`
	}
	p, err := scanSMPolicy(q.QueryRow(ctx, sql, projectID, workspaceID, id))
	if err == pgx.ErrNoRows {
		return nil, rampart.Errorf(rampart.KindNotFound, "The policy %s does not exist.", id)
	}
	if err != nil {
		return nil, err
	}
	return p, smLoadDefenses(ctx, q, []*secmaster.Policy{p})
}

// FindPolicy implements secmaster.Store.
func (db *SecMasterStore) FindPolicy(ctx context.Context, projectID, workspaceID, id string) (*secmaster.Policy, error) {
	var p *secmaster.Policy
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		p, err = smFindPolicy(ctx, tx, projectID, workspaceID, id, false)
		return err
	})
	return p, err
}

// smField is a searchable field: the expression its sort uses and, when
// it differs, the one its conditions compare with (time fields compare as
// Unix milliseconds in text, the form the API gives them in).
type smField struct{ sort, cond string }

// smMillis is a time column as the text of its Unix milliseconds (0 when
// unset).
func smMillis(col string) smField {
	return smField{sort: col, cond: `COALESCE(floor(extract(epoch FROM ` + col + `) * 1000)::bigint, 0)::text`}
}

func smPlain(col string) smField { return smField{sort: col, cond: col} }

// smPolicyFields maps search fields to SQL over alias p.
var smPolicyFields = map[string]smField{
	"id": smPlain("p.id"), "block_target": smPlain("p.block_target"), "policy_category": smPlain("p.policy_category"),
	"policy_type": smPlain("p.policy_type"), "region_id": smPlain("p.region_id"), "description": smPlain("p.description"),
	"labels": smPlain("p.labels"), "policy_direction": smPlain("p.policy_direction"), "status": smPlain("p.state"),
	"task_id": smPlain("p.task_id"), "create_time": smMillis("p.created_at"), "update_time": smMillis("p.updated_at"),
	"block_ageing": smMillis("p.ageing_at"), "policy_name": smPlain("''"),
	// Sort only (conditions on defense_type match any entry, see smWhere):
	// the policy's first layer in alphabetical order.
	"defense_type": smPlain("(SELECT min(d.defense_type) FROM secmaster_defenses d WHERE d.policy_id = p.id)"),
}

var smRecordFields = map[string]smField{
	"id": smField{sort: "p.id", cond: "p.id::text"}, "policy_id": smPlain("p.policy_id"), "action": smPlain("p.action"),
	"task_id": smPlain("p.task_id"), "block_target": smPlain("p.block_target"), "policy_category": smPlain("p.policy_category"),
	"policy_type": smPlain("p.policy_type"), "create_time": smMillis("p.created_at"),
}

// smWhere renders conditions joined left to right by logics, adding their
// arguments to a.
func smWhere(q secmaster.Query, fields map[string]smField, a *sqlArgs) (string, error) {
	var sb strings.Builder
	for i, c := range q.Conditions {
		if i > 0 {
			logic := strings.ToUpper(q.Logics[i-1])
			if logic != "AND" && logic != "OR" {
				return "", rampart.Invalid("condition.logics", "Unknown logic %s.", q.Logics[i-1])
			}
			sb.WriteString(" " + logic + " ")
		}
		sb.WriteString("(")
		if c.Field == "defense_type" {
			if c.Op == secmaster.OpLike {
				return "", rampart.Invalid("condition.conditions", "The field defense_type does not support like.")
			}
			not := ""
			if c.Op == secmaster.OpNe {
				not = "NOT "
			}
			sb.WriteString(`EXISTS (SELECT 1 FROM secmaster_defenses d WHERE d.policy_id = p.id AND ` + not +
				`d.defense_type = ANY (` + a.add(c.Values) + `)))`)
			continue
		}
		f, ok := fields[c.Field]
		if !ok {
			return "", rampart.Invalid("condition.conditions", "Unknown field %s.", c.Field)
		}
		switch c.Op {
		case secmaster.OpEq:
			sb.WriteString(f.cond + " = ANY (" + a.add(c.Values) + ")")
		case secmaster.OpNe:
			sb.WriteString("NOT (" + f.cond + " = ANY (" + a.add(c.Values) + "))")
		case secmaster.OpLike:
			for j, v := range c.Values {
				if j > 0 {
					sb.WriteString(" OR ")
				}
				sb.WriteString(f.cond + " LIKE " + a.add("%"+likeEscape(v)+"%"))
			}
		default:
			return "", rampart.Invalid("condition.conditions", "Unknown operator %s.", c.Op)
		}
		sb.WriteString(")")
	}
	return sb.String(), nil
}

// smOrder renders the sort; ties are broken by tie (insertion order), in
// the direction of the first sort, or def without a sort.
func smOrder(q secmaster.Query, fields map[string]smField, tie, def string) string {
	var parts []string
	if len(q.Sort) > 0 {
		def = tie
		if q.Sort[0].Desc {
			def += " DESC"
		}
	}
	for _, s := range q.Sort {
		f, ok := fields[s.Field]
		if !ok {
			continue
		}
		col := f.sort
		if s.Desc {
			col += " DESC"
		}
		parts = append(parts, col)
	}
	return strings.Join(append(parts, def), ", ")
}

// SearchPolicies implements secmaster.Store.
func (db *SecMasterStore) SearchPolicies(ctx context.Context, q secmaster.Query) ([]*secmaster.Policy, int, error) {
	var a sqlArgs
	where := "p.project_id = " + a.add(q.ProjectID) + " AND p.workspace_id = " + a.add(q.WorkspaceID)
	cond, err := smWhere(q, smPolicyFields, &a)
	if err != nil {
		return nil, 0, err
	}
	if cond != "" {
		where += " AND (" + cond + ")"
	}
	var out []*secmaster.Policy
	var total int
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM secmaster_policies p WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		if q.Offset >= total {
			return nil
		}
		order := smOrder(q, smPolicyFields, "p.seq", "p.created_at DESC, p.seq DESC")
		page := a
		var err error
		out, err = collect(ctx, tx, scanSMPolicy, `SELECT `+smPrefixed("p.", smPolicyCols)+` FROM secmaster_policies p
			WHERE `+where+` ORDER BY `+order+` LIMIT `+page.add(limitOrAll(q.Limit))+` OFFSET `+page.add(q.Offset), page...)
		if err != nil {
			return err
		}
		return smLoadDefenses(ctx, tx, out)
	})
	return out, total, err
}

// smPrefixed qualifies a column list with an alias.
func smPrefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// UpdatePolicies implements secmaster.Store.
func (db *SecMasterStore) UpdatePolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *secmaster.Task, q secmaster.Quota, fn func(*secmaster.Policy) error) error {
	return db.enforcementTx(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			p, err := smFindPolicy(ctx, tx, projectID, workspaceID, id, true)
			if err != nil {
				return err
			}
			if p.State != secmaster.StateActive {
				return rampart.Invalid("batch_ids", "The policy %s is %s and can no longer be updated.", id, strings.ToLower(p.State))
			}
			oldAgeing := p.Ageing
			old := map[string]bool{}
			for _, d := range p.Defenses {
				old[d.ID] = true
			}
			if err := fn(p); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE secmaster_policies SET policy_category = $1, description = $2, labels = $3,
				is_ageing = $4, ageing_at = $5, task_id = $6, modifier_id = $7, modifier_name = $8, updated_at = $9 WHERE id = $10`,
				p.Category, p.Description, p.Labels, p.Ageing, stamp(p.AgeingAt), p.TaskID, p.ModifierID, p.ModifierName,
				stamp(p.UpdatedAt), p.ID); err != nil {
				return err
			}
			for i := range p.Defenses {
				delete(old, p.Defenses[i].ID)
				if err := upsertSMDefense(ctx, tx, p.ID, i, &p.Defenses[i]); err != nil {
					return err
				}
			}
			if len(old) > 0 { // entries dropped from the list: lifted now
				dropped := make([]string, 0, len(old))
				for id := range old {
					dropped = append(dropped, id)
				}
				if _, err := tx.Exec(ctx, `DELETE FROM secmaster_enforcement WHERE defense_id = ANY ($1)`, dropped); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `DELETE FROM secmaster_defenses WHERE id = ANY ($1)`, dropped); err != nil {
					return err
				}
			}
			if d := boolInt(p.Ageing) - boolInt(oldAgeing); d != 0 {
				if err := smAdjustCounts(ctx, tx, workspaceID, 0, d, q); err != nil {
					return err
				}
			}
			if err := insertSMRecord(ctx, tx, p, secmaster.RecordUpdate, t.ID, "Policy updated.", p.UpdatedAt); err != nil {
				return err
			}
		}
		if err := insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// RetryPolicies implements secmaster.Store.
func (db *SecMasterStore) RetryPolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *secmaster.Task) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			p, err := smFindPolicy(ctx, tx, projectID, workspaceID, id, true)
			if err != nil {
				return err
			}
			var n int64
			if p.State == secmaster.StateActive { // an expired policy stays lifted
				tag, err := tx.Exec(ctx, `UPDATE secmaster_defenses SET block_status = $1, sync_status = $2, failure = '',
					pending_task_id = $3, updated_at = $4 WHERE policy_id = $5 AND block_status = $6`,
					secmaster.BlockPending, secmaster.SyncPending, t.ID, stamp(t.CreatedAt), id, secmaster.BlockFailed)
				if err != nil {
					return err
				}
				n = tag.RowsAffected()
			}
			p.Defenses = []secmaster.DefenseEntry{}
			if err := smLoadDefenses(ctx, tx, []*secmaster.Policy{p}); err != nil {
				return err
			}
			detail := fmt.Sprintf("Retry: %d failed entries queued for delivery.", n)
			if err := insertSMRecord(ctx, tx, p, secmaster.RecordRetry, t.ID, detail, t.CreatedAt); err != nil {
				return err
			}
		}
		if err := insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// DeletePolicies implements secmaster.Store.
func (db *SecMasterStore) DeletePolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *secmaster.Task) error {
	return db.enforcementTx(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			p, err := smFindPolicy(ctx, tx, projectID, workspaceID, id, true)
			if err != nil {
				return err
			}
			for _, q := range []string{`DELETE FROM secmaster_enforcement WHERE policy_id = $1`,
				`DELETE FROM secmaster_defenses WHERE policy_id = $1`, `DELETE FROM secmaster_policies WHERE id = $1`} {
				if _, err := tx.Exec(ctx, q, id); err != nil {
					return err
				}
			}
			ageing := 0
			if p.Ageing && p.State == secmaster.StateActive {
				ageing = -1
			}
			if err := smAdjustCounts(ctx, tx, workspaceID, -1, ageing, secmaster.Quota{}); err != nil {
				return err
			}
			p.Deleted(t.CreatedAt)
			if err := insertSMRecord(ctx, tx, p, secmaster.RecordDelete, t.ID, "Policy deleted and lifted from every layer.", t.CreatedAt); err != nil {
				return err
			}
		}
		if err := insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// SearchRecords implements secmaster.Store.
func (db *SecMasterStore) SearchRecords(ctx context.Context, q secmaster.Query) ([]*secmaster.Record, int, error) {
	var a sqlArgs
	where := "p.project_id = " + a.add(q.ProjectID) + " AND p.workspace_id = " + a.add(q.WorkspaceID)
	if q.PolicyID != "" {
		where += " AND p.policy_id = " + a.add(q.PolicyID)
	}
	cond, err := smWhere(q, smRecordFields, &a)
	if err != nil {
		return nil, 0, err
	}
	if cond != "" {
		where += " AND (" + cond + ")"
	}
	var out []*secmaster.Record
	var total int
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM secmaster_records p WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		if q.Offset >= total {
			return nil
		}
		page := a
		// An EXPIRE record stores no snapshot (the expiry ends thousands of
		// policies at once): it shows the policy of the policy's previous
		// record with a snapshot, expired (Policy.Expired).
		recs, err := collect(ctx, tx, scanSMRecord, `SELECT p.id, p.project_id, p.workspace_id, p.policy_id, p.action, p.task_id,
			p.block_target, p.policy_category, p.policy_type, p.detail, p.created_at,
			COALESCE(p.snapshot, (SELECT r.snapshot FROM secmaster_records r WHERE p.action = 'EXPIRE'
				AND r.project_id = p.project_id AND r.policy_id = p.policy_id AND r.id < p.id AND r.snapshot IS NOT NULL
				ORDER BY r.id DESC LIMIT 1)), p.snapshot IS NULL
			FROM secmaster_records p WHERE `+where+` ORDER BY `+smOrder(q, smRecordFields, "p.id", "p.id DESC")+
			` LIMIT `+page.add(limitOrAll(q.Limit))+` OFFSET `+page.add(q.Offset), page...)
		out = recs
		return err
	})
	return out, total, err
}

// scanSMRecord reads a record and the snapshot it shows.
func scanSMRecord(row pgx.Row) (*secmaster.Record, error) {
	var r secmaster.Record
	var id int64
	var created *time.Time
	var target, category, typ string
	var snap []byte
	var borrowed bool
	if err := row.Scan(&id, &r.ProjectID, &r.WorkspaceID, &r.PolicyID, &r.Action, &r.TaskID, &target, &category, &typ,
		&r.Detail, &created, &snap, &borrowed); err != nil {
		return nil, err
	}
	r.ID, r.CreatedAt = strconv.FormatInt(id, 10), unstamp(created)
	var p secmaster.Policy
	if snap == nil || json.Unmarshal(snap, &p) != nil {
		r.Policy = &secmaster.Policy{ID: r.PolicyID, ProjectID: r.ProjectID, WorkspaceID: r.WorkspaceID,
			BlockTarget: target, Category: category, Type: typ, Defenses: []secmaster.DefenseEntry{}}
		return &r, nil
	}
	if p.Defenses == nil {
		p.Defenses = []secmaster.DefenseEntry{}
	}
	if borrowed {
		p.Expired(r.CreatedAt)
	}
	r.Policy = &p
	return &r, nil
}

// FindTask implements secmaster.Store.
func (db *SecMasterStore) FindTask(ctx context.Context, projectID, id string) (*secmaster.Task, error) {
	t, err := scanSMTask(db.pool.QueryRow(ctx, `SELECT id, project_id, workspace_id, action, state, policy_ids, created_at, done_at
		FROM secmaster_tasks WHERE project_id = $1 AND id = $2`, projectID, id))
	if err != nil {
		return nil, notFound(err, "Task not found.")
	}
	return t, nil
}

func scanSMTask(row pgx.Row) (*secmaster.Task, error) {
	var t secmaster.Task
	var created, done *time.Time
	if err := row.Scan(&t.ID, &t.ProjectID, &t.WorkspaceID, &t.Action, &t.State, &t.PolicyIDs, &created, &done); err != nil {
		return nil, err
	}
	t.CreatedAt, t.DoneAt = unstamp(created), unstamp(done)
	return &t, nil
}
