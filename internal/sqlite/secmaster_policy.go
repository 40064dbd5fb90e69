package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// querier is what both *sql.Tx and *sql.DB offer for reads.
type smQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const smPolicyCols = `id, project_id, workspace_id, block_target, policy_type, policy_category, region_id, description, labels,
	policy_direction, account_scope, eps_scope, region_scope, is_ageing, ageing_at, state, task_id, creator_id, creator_name,
	modifier_id, modifier_name, created_at, updated_at`

const smDefenseCols = `id, policy_id, connection_id, connection_name, connection_region_id, connection_region_name, defense_type,
	target_enterprise_id, target_enterprise_name, target_project_id, target_project_name, block_status, sync_status, failure,
	pending_task_id, updated_at, delivered_at`

// Hot statements (prepared once, see secmaster_stmt.go).
const (
	smInsertPolicy = `INSERT INTO secmaster_policies (` + smPolicyCols + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	smUpsertDefense = `INSERT INTO secmaster_defenses (seq, ` + smDefenseCols + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, connection_name = excluded.connection_name,
			connection_region_id = excluded.connection_region_id, connection_region_name = excluded.connection_region_name,
			target_enterprise_id = excluded.target_enterprise_id, target_enterprise_name = excluded.target_enterprise_name,
			target_project_name = excluded.target_project_name, block_status = excluded.block_status,
			sync_status = excluded.sync_status, failure = excluded.failure, pending_task_id = excluded.pending_task_id,
			updated_at = excluded.updated_at`
	smInsertTask = `INSERT INTO secmaster_tasks (id, project_id, workspace_id, action, state, policy_ids, created_at, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	smInsertRecord = `INSERT INTO secmaster_records (project_id, workspace_id, policy_id, action, task_id,
		block_target, policy_category, policy_type, detail, snapshot, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	smWorkspaceExists = `SELECT COUNT(*) FROM secmaster_workspaces WHERE id = ? AND project_id = ?`
	smCounts          = `INSERT INTO secmaster_counts (workspace_id, policies, ageing) VALUES (?, ?, ?)
		ON CONFLICT (workspace_id) DO UPDATE SET policies = policies + excluded.policies, ageing = ageing + excluded.ageing
		RETURNING policies, ageing`
	smSelectPolicy = `SELECT ` + smPolicyCols + ` FROM secmaster_policies WHERE id = ?`
	smLiftDefense  = `DELETE FROM secmaster_enforcement WHERE defense_id = ?`
)

func (db *SecMasterStore) insertSMPolicy(ctx context.Context, tx *sql.Tx, p *secmaster.Policy) error {
	_, err := db.smExec(ctx, tx, smInsertPolicy,
		p.ID, p.ProjectID, p.WorkspaceID, p.BlockTarget, p.Type, p.Category, p.RegionID, p.Description, p.Labels,
		p.Direction, p.AccountScope, p.EPSScope, p.RegionScope, p.Ageing, millis(p.AgeingAt), p.State, p.TaskID,
		p.CreatorID, p.CreatorName, p.ModifierID, p.ModifierName, millis(p.CreatedAt), millis(p.UpdatedAt))
	return err
}

func (db *SecMasterStore) upsertSMDefense(ctx context.Context, tx *sql.Tx, policyID string, seq int, d *secmaster.DefenseEntry) error {
	_, err := db.smExec(ctx, tx, smUpsertDefense,
		seq, d.ID, policyID, d.ConnectionID, d.ConnectionName, d.ConnectionRegionID, d.ConnectionRegionName, d.DefenseType,
		d.TargetEnterpriseID, d.TargetEnterpriseName, d.TargetProjectID, d.TargetProjectName, d.BlockStatus, d.SyncStatus,
		d.FailureDescription, d.PendingTaskID, millis(d.UpdatedAt), millis(d.DeliveredAt))
	return err
}

func (db *SecMasterStore) insertSMTask(ctx context.Context, tx *sql.Tx, t *secmaster.Task) error {
	_, err := db.smExec(ctx, tx, smInsertTask, t.ID, t.ProjectID, t.WorkspaceID, t.Action, t.State, strings.Join(t.PolicyIDs, ","),
		millis(t.CreatedAt), millis(t.DoneAt))
	return err
}

// insertSMRecord writes a history record with a snapshot of p.
func (db *SecMasterStore) insertSMRecord(ctx context.Context, tx *sql.Tx, p *secmaster.Policy, action, taskID, detail string, at time.Time) error {
	snap, err := smEncodeSnap(p)
	if err != nil {
		return err
	}
	_, err = db.smExec(ctx, tx, smInsertRecord,
		p.ProjectID, p.WorkspaceID, p.ID, action, taskID, p.BlockTarget, p.Category, p.Type, detail, string(snap), millis(at))
	return err
}

// smAdjustCounts changes a workspace's policy counters and checks the quota
// when they grow.
func (db *SecMasterStore) smAdjustCounts(ctx context.Context, tx *sql.Tx, workspaceID string, dPolicies, dAgeing int, q secmaster.Quota) error {
	var n, a int
	err := db.smQueryRow(ctx, tx, smCounts, workspaceID, dPolicies, dAgeing).Scan(&n, &a)
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

// CreatePolicies implements secmaster.Store. It is a group-committed write
// (see groupWrite): concurrent calls share one transaction, each in its own
// savepoint, so one call's failure (a quota) does not affect the others,
// and each call's quota check sees the policies of the calls before it.
func (db *SecMasterStore) CreatePolicies(ctx context.Context, ps []*secmaster.Policy, t *secmaster.Task, q secmaster.Quota) error {
	db.smPrepare(ctx)
	ctx = context.WithoutCancel(ctx) // once asked, a create is never withdrawn
	want := map[string][2]int{}      // workspace → {policies, ageing} added
	for _, p := range ps {
		a := want[p.WorkspaceID]
		a[0]++
		a[1] += boolInt(p.Ageing)
		want[p.WorkspaceID] = a
	}
	return db.groupWrite(ctx, rampart.FamilySecMaster, t.ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		for ws, a := range want {
			var n int
			if err := db.smQueryRow(ctx, tx, smWorkspaceExists, ws, t.ProjectID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return rampart.Errorf(rampart.KindNotFound, "The workspace %s does not exist.", ws)
			}
			// Counts and quota in one statement; a refusal is rolled back
			// with the rest of this call.
			if err := db.smAdjustCounts(ctx, tx, ws, a[0], a[1], q); err != nil {
				return err
			}
		}
		return db.smCreateOne(ctx, tx, &smCreateReq{ps: ps, t: t, q: q})
	})
}

func (db *SecMasterStore) smCreateOne(ctx context.Context, tx *sql.Tx, r *smCreateReq) error {
	for _, p := range r.ps {
		if err := db.insertSMPolicy(ctx, tx, p); err != nil {
			return err
		}
		for i := range p.Defenses {
			if err := db.upsertSMDefense(ctx, tx, p.ID, i, &p.Defenses[i]); err != nil {
				return err
			}
		}
		if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordCreate, r.t.ID, "Policy created; delivery queued.", p.CreatedAt); err != nil {
			return err
		}
	}
	return db.insertSMTask(ctx, tx, r.t)
}

func scanSMPolicy(sc interface{ Scan(...any) error }) (*secmaster.Policy, error) {
	var p secmaster.Policy
	var ageingAt, created, updated int64
	err := sc.Scan(&p.ID, &p.ProjectID, &p.WorkspaceID, &p.BlockTarget, &p.Type, &p.Category, &p.RegionID, &p.Description,
		&p.Labels, &p.Direction, &p.AccountScope, &p.EPSScope, &p.RegionScope, &p.Ageing, &ageingAt, &p.State, &p.TaskID,
		&p.CreatorID, &p.CreatorName, &p.ModifierID, &p.ModifierName, &created, &updated)
	if err != nil {
		return nil, err
	}
	p.AgeingAt, p.CreatedAt, p.UpdatedAt = fromMillis(ageingAt), fromMillis(created), fromMillis(updated)
	p.Defenses = []secmaster.DefenseEntry{}
	return &p, nil
}

func scanSMDefense(sc interface{ Scan(...any) error }) (string, secmaster.DefenseEntry, error) {
	var d secmaster.DefenseEntry
	var policyID string
	var updated, delivered int64
	err := sc.Scan(&d.ID, &policyID, &d.ConnectionID, &d.ConnectionName, &d.ConnectionRegionID, &d.ConnectionRegionName,
		&d.DefenseType, &d.TargetEnterpriseID, &d.TargetEnterpriseName, &d.TargetProjectID, &d.TargetProjectName,
		&d.BlockStatus, &d.SyncStatus, &d.FailureDescription, &d.PendingTaskID, &updated, &delivered)
	d.UpdatedAt, d.DeliveredAt = fromMillis(updated), fromMillis(delivered)
	return policyID, d, err
}

// smLoadDefenses fills the defense lists of ps.
func smLoadDefenses(ctx context.Context, q smQuerier, ps []*secmaster.Policy) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[string]*secmaster.Policy, len(ps))
	args := make([]any, len(ps))
	for i, p := range ps {
		byID[p.ID] = p
		args[i] = p.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT `+smDefenseCols+` FROM secmaster_defenses WHERE policy_id IN (`+
		smPlaceholders(len(ps))+`) ORDER BY policy_id, seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		pid, d, err := scanSMDefense(rows)
		if err != nil {
			return err
		}
		if p := byID[pid]; p != nil {
			p.Defenses = append(p.Defenses, d)
		}
	}
	return rows.Err()
}

func smFindPolicy(ctx context.Context, q smQuerier, projectID, workspaceID, id string) (*secmaster.Policy, error) {
	p, err := scanSMPolicy(q.QueryRowContext(ctx, `SELECT `+smPolicyCols+` FROM secmaster_policies
		WHERE project_id = ? AND workspace_id = ? AND id = ?`, projectID, workspaceID, id))
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, rampart.Errorf(rampart.KindNotFound, "The policy %s does not exist.", id)
		}
		return nil, err
	}
	return p, smLoadDefenses(ctx, q, []*secmaster.Policy{p})
}

// FindPolicy implements secmaster.Store.
func (db *SecMasterStore) FindPolicy(ctx context.Context, projectID, workspaceID, id string) (*secmaster.Policy, error) {
	var p *secmaster.Policy
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = smFindPolicy(ctx, tx, projectID, workspaceID, id)
		return err
	})
	return p, err
}

// smPolicyColumns maps search fields to SQL expressions over alias p.
var smPolicyColumns = map[string]string{
	"id": "p.id", "block_target": "p.block_target", "policy_category": "p.policy_category", "policy_type": "p.policy_type",
	"region_id": "p.region_id", "description": "p.description", "labels": "p.labels", "policy_direction": "p.policy_direction",
	"status": "p.state", "task_id": "p.task_id", "create_time": "p.created_at", "update_time": "p.updated_at",
	"block_ageing": "p.ageing_at", "policy_name": "''",
	// Sort only (conditions on defense_type match any entry, see smWhere):
	// the policy's first layer in alphabetical order.
	"defense_type": "(SELECT MIN(d.defense_type) FROM secmaster_defenses d WHERE d.policy_id = p.id)",
}

var smRecordColumns = map[string]string{
	"id": "p.id", "policy_id": "p.policy_id", "action": "p.action", "task_id": "p.task_id", "block_target": "p.block_target",
	"policy_category": "p.policy_category", "policy_type": "p.policy_type", "create_time": "p.created_at",
}

// smWhere renders conditions joined left to right by logics.
func smWhere(q secmaster.Query, cols map[string]string) (string, []any, error) {
	var sb strings.Builder
	var args []any
	for i, c := range q.Conditions {
		if i > 0 {
			sb.WriteString(" " + q.Logics[i-1] + " ")
		}
		sb.WriteString("(")
		vals := make([]any, len(c.Values))
		for j, v := range c.Values {
			vals[j] = v
		}
		if c.Field == "defense_type" {
			op := "IN"
			if c.Op == secmaster.OpNe {
				op = "NOT IN"
			}
			if c.Op == secmaster.OpLike {
				return "", nil, rampart.Invalid("condition.conditions", "The field defense_type does not support like.")
			}
			sb.WriteString(`EXISTS (SELECT 1 FROM secmaster_defenses d WHERE d.policy_id = p.id AND d.defense_type ` + op +
				` (` + smPlaceholders(len(vals)) + `))`)
			args = append(args, vals...)
			sb.WriteString(")")
			continue
		}
		col, ok := cols[c.Field]
		if !ok {
			return "", nil, rampart.Invalid("condition.conditions", "Unknown field %s.", c.Field)
		}
		switch c.Op {
		case secmaster.OpEq:
			sb.WriteString(col + " IN (" + smPlaceholders(len(vals)) + ")")
			args = append(args, vals...)
		case secmaster.OpNe:
			sb.WriteString(col + " NOT IN (" + smPlaceholders(len(vals)) + ")")
			args = append(args, vals...)
		case secmaster.OpLike:
			for j, v := range c.Values {
				if j > 0 {
					sb.WriteString(" OR ")
				}
				sb.WriteString(col + ` LIKE ? ESCAPE '\'`)
				args = append(args, "%"+smLikeEscape(v)+"%")
			}
		}
		sb.WriteString(")")
	}
	return sb.String(), args, nil
}

// smOrder renders the sort; ties are broken by rowid (insertion order), in
// the direction of the first sort.
func smOrder(q secmaster.Query, cols map[string]string, def string) string {
	var parts []string
	if len(q.Sort) > 0 {
		def = "p.rowid"
		if q.Sort[0].Desc {
			def += " DESC"
		}
	}
	for _, s := range q.Sort {
		col, ok := cols[s.Field]
		if !ok {
			continue
		}
		if s.Desc {
			col += " DESC"
		}
		parts = append(parts, col)
	}
	parts = append(parts, def)
	return strings.Join(parts, ", ")
}

// SearchPolicies implements secmaster.Store.
func (db *SecMasterStore) SearchPolicies(ctx context.Context, q secmaster.Query) ([]*secmaster.Policy, int, error) {
	cond, cargs, err := smWhere(q, smPolicyColumns)
	if err != nil {
		return nil, 0, err
	}
	where := "p.project_id = ? AND p.workspace_id = ?"
	args := []any{q.ProjectID, q.WorkspaceID}
	if cond != "" {
		where += " AND (" + cond + ")"
		args = append(args, cargs...)
	}
	var out []*secmaster.Policy
	var total int
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_policies p WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		if q.Offset >= total {
			return nil
		}
		// The page's rows are chosen on the indexes alone (rowid is in every
		// index), then read: deep offsets skip index entries, not rows.
		order := smOrder(q, smPolicyColumns, "p.created_at DESC, p.rowid DESC")
		rows, err := tx.QueryContext(ctx, `SELECT `+smPrefixed("p.", smPolicyCols)+` FROM secmaster_policies p
			WHERE p.rowid IN (SELECT p.rowid FROM secmaster_policies p WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?)
			ORDER BY `+order, append(args, q.Limit, q.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanSMPolicy(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		if err := rows.Err(); err != nil {
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

// smLiftEntry removes the enforcement rows of one entry.
func (db *SecMasterStore) smLiftDefense(ctx context.Context, tx *sql.Tx, defenseID string) error {
	_, err := db.smExec(ctx, tx, smLiftDefense, defenseID)
	return err
}

// UpdatePolicies implements secmaster.Store.
func (db *SecMasterStore) UpdatePolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *secmaster.Task, q secmaster.Quota, fn func(*secmaster.Policy) error) error {
	db.smPrepare(ctx)
	return db.enforcementTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			p, err := smFindPolicy(ctx, tx, projectID, workspaceID, id)
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
			if _, err := tx.ExecContext(ctx, `UPDATE secmaster_policies SET policy_category = ?, description = ?, labels = ?,
				is_ageing = ?, ageing_at = ?, task_id = ?, modifier_id = ?, modifier_name = ?, updated_at = ? WHERE id = ?`,
				p.Category, p.Description, p.Labels, p.Ageing, millis(p.AgeingAt), p.TaskID, p.ModifierID, p.ModifierName,
				millis(p.UpdatedAt), p.ID); err != nil {
				return err
			}
			for i := range p.Defenses {
				delete(old, p.Defenses[i].ID)
				if err := db.upsertSMDefense(ctx, tx, p.ID, i, &p.Defenses[i]); err != nil {
					return err
				}
			}
			for id := range old { // entries dropped from the list: lifted now
				if err := db.smLiftDefense(ctx, tx, id); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_defenses WHERE id = ?`, id); err != nil {
					return err
				}
			}
			if d := boolInt(p.Ageing) - boolInt(oldAgeing); d != 0 {
				if err := db.smAdjustCounts(ctx, tx, workspaceID, 0, d, q); err != nil {
					return err
				}
			}
			if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordUpdate, t.ID, "Policy updated.", p.UpdatedAt); err != nil {
				return err
			}
		}
		if err := db.insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// RetryPolicies implements secmaster.Store.
func (db *SecMasterStore) RetryPolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *secmaster.Task) error {
	db.smPrepare(ctx)
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		now := millis(t.CreatedAt)
		for _, id := range ids {
			p, err := smFindPolicy(ctx, tx, projectID, workspaceID, id)
			if err != nil {
				return err
			}
			var n int64
			if p.State == secmaster.StateActive { // an expired policy stays lifted
				res, err := tx.ExecContext(ctx, `UPDATE secmaster_defenses SET block_status = ?, sync_status = ?, failure = '',
					pending_task_id = ?, updated_at = ? WHERE policy_id = ? AND block_status = ?`,
					secmaster.BlockPending, secmaster.SyncPending, t.ID, now, id, secmaster.BlockFailed)
				if err != nil {
					return err
				}
				n, _ = res.RowsAffected()
			}
			detail := fmt.Sprintf("Retry: %d failed entries queued for delivery.", n)
			if err := smLoadDefensesFresh(ctx, tx, p); err != nil {
				return err
			}
			if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordRetry, t.ID, detail, t.CreatedAt); err != nil {
				return err
			}
		}
		if err := db.insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

func smLoadDefensesFresh(ctx context.Context, q smQuerier, p *secmaster.Policy) error {
	p.Defenses = []secmaster.DefenseEntry{}
	return smLoadDefenses(ctx, q, []*secmaster.Policy{p})
}

// DeletePolicies implements secmaster.Store.
func (db *SecMasterStore) DeletePolicies(ctx context.Context, projectID, workspaceID string, ids []string, t *secmaster.Task) error {
	db.smPrepare(ctx)
	return db.enforcementTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			p, err := smFindPolicy(ctx, tx, projectID, workspaceID, id)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_enforcement WHERE policy_id = ?`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_defenses WHERE policy_id = ?`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_policies WHERE id = ?`, id); err != nil {
				return err
			}
			ageing := 0
			if p.Ageing && p.State == secmaster.StateActive {
				ageing = -1
			}
			if err := db.smAdjustCounts(ctx, tx, workspaceID, -1, ageing, secmaster.Quota{}); err != nil {
				return err
			}
			p.Deleted(t.CreatedAt)
			if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordDelete, t.ID, "Policy deleted and lifted from every layer.", t.CreatedAt); err != nil {
				return err
			}
		}
		if err := db.insertSMTask(ctx, tx, t); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// SearchRecords implements secmaster.Store.
func (db *SecMasterStore) SearchRecords(ctx context.Context, q secmaster.Query) ([]*secmaster.Record, int, error) {
	cond, cargs, err := smWhere(q, smRecordColumns)
	if err != nil {
		return nil, 0, err
	}
	where := "p.project_id = ? AND p.workspace_id = ?"
	args := []any{q.ProjectID, q.WorkspaceID}
	if q.PolicyID != "" {
		where += " AND p.policy_id = ?"
		args = append(args, q.PolicyID)
	}
	if cond != "" {
		where += " AND (" + cond + ")"
		args = append(args, cargs...)
	}
	var out []*secmaster.Record
	var total int
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_records p WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		if q.Offset >= total {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT p.id, p.project_id, p.workspace_id, p.policy_id, p.action, p.task_id,
			p.block_target, p.policy_category, p.policy_type, p.detail, p.snapshot, p.created_at
			FROM secmaster_records p WHERE `+where+` ORDER BY `+smOrder(q, smRecordColumns, "p.rowid DESC")+` LIMIT ? OFFSET ?`,
			append(args, q.Limit, q.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var expired []int // records of out whose policy is rebuilt below
		var expiredIDs []int64
		for rows.Next() {
			var r secmaster.Record
			var id, created int64
			var target, category, typ, snap string
			if err := rows.Scan(&id, &r.ProjectID, &r.WorkspaceID, &r.PolicyID, &r.Action, &r.TaskID, &target, &category, &typ,
				&r.Detail, &snap, &created); err != nil {
				return err
			}
			r.ID, r.CreatedAt = strconv.FormatInt(id, 10), fromMillis(created)
			var err error
			if snap != "" {
				r.Policy, err = smDecodeSnap([]byte(snap))
			}
			if snap == "" || err != nil {
				r.Policy = &secmaster.Policy{ID: r.PolicyID, ProjectID: r.ProjectID, WorkspaceID: r.WorkspaceID,
					BlockTarget: target, Category: category, Type: typ, Defenses: []secmaster.DefenseEntry{}}
				if snap == "" && r.Action == secmaster.RecordExpire {
					expired, expiredIDs = append(expired, len(out)), append(expiredIDs, id)
				}
			}
			out = append(out, &r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for i, k := range expired {
			p, err := smExpiredSnapshot(ctx, tx, out[k], expiredIDs[i])
			if err != nil {
				return err
			}
			if p != nil {
				out[k].Policy = p
			}
		}
		return nil
	})
	return out, total, err
}

// smExpiredSnapshot rebuilds the policy an EXPIRE record shows, as the
// expiry writes no snapshot (it ends thousands of policies per
// transaction): the policy of the policy's previous record, expired as
// ExpirePolicies expires it. It returns nil when there is none.
func smExpiredSnapshot(ctx context.Context, tx *sql.Tx, r *secmaster.Record, recordID int64) (*secmaster.Policy, error) {
	var snap string
	err := tx.QueryRowContext(ctx, `SELECT snapshot FROM secmaster_records WHERE project_id = ? AND policy_id = ? AND id < ?
		AND snapshot != '' ORDER BY id DESC LIMIT 1`, r.ProjectID, r.PolicyID, recordID).Scan(&snap)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := smDecodeSnap([]byte(snap))
	if err != nil {
		return nil, nil
	}
	p.Expired(r.CreatedAt)
	return p, nil
}

// FindTask implements secmaster.Store.
func (db *SecMasterStore) FindTask(ctx context.Context, projectID, id string) (*secmaster.Task, error) {
	var t secmaster.Task
	var ids string
	var created, done int64
	err := db.rdb.QueryRowContext(ctx, `SELECT id, project_id, workspace_id, action, state, policy_ids, created_at, done_at
		FROM secmaster_tasks WHERE project_id = ? AND id = ?`, projectID, id).
		Scan(&t.ID, &t.ProjectID, &t.WorkspaceID, &t.Action, &t.State, &ids, &created, &done)
	if err != nil {
		return nil, notFound(err, "Task not found.")
	}
	t.PolicyIDs = strings.Split(ids, ",")
	t.CreatedAt, t.DoneAt = fromMillis(created), fromMillis(done)
	return &t, nil
}
