package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// PendingTasks implements secmaster.Store.
func (db *SecMasterStore) PendingTasks(ctx context.Context, limit int) ([]*secmaster.Task, []*secmaster.Policy, error) {
	var tasks []*secmaster.Task
	var policies []*secmaster.Policy
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, project_id, workspace_id, action, state, created_at FROM secmaster_tasks
			WHERE state = ? ORDER BY created_at, id LIMIT ?`, secmaster.TaskPending, limit)
		if err != nil {
			return err
		}
		var args []any
		for rows.Next() {
			var t secmaster.Task
			var created int64
			if err := rows.Scan(&t.ID, &t.ProjectID, &t.WorkspaceID, &t.Action, &t.State, &created); err != nil {
				rows.Close()
				return err
			}
			t.CreatedAt = fromMillis(created)
			tasks = append(tasks, &t)
			args = append(args, t.ID)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(tasks) == 0 {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT `+smDefenseCols+` FROM secmaster_defenses
			WHERE pending_task_id IN (`+smPlaceholders(len(args))+`) ORDER BY policy_id, seq`, args...)
		if err != nil {
			return err
		}
		byPolicy := map[string][]secmaster.DefenseEntry{}
		var order []string
		for rows.Next() {
			pid, d, err := scanSMDefense(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if _, ok := byPolicy[pid]; !ok {
				order = append(order, pid)
			}
			byPolicy[pid] = append(byPolicy[pid], d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, pid := range order {
			p, err := scanSMPolicy(tx.QueryRowContext(ctx, `SELECT `+smPolicyCols+` FROM secmaster_policies WHERE id = ?`, pid))
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			p.Defenses = byPolicy[pid]
			policies = append(policies, p)
		}
		return nil
	})
	return tasks, policies, err
}

// CompleteDeliveries implements secmaster.Store.
func (db *SecMasterStore) CompleteDeliveries(ctx context.Context, taskIDs []string, results []secmaster.DeliveryResult) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		type tally struct {
			ok, failed int
			task       string
		}
		touched := map[string]*tally{}
		var order []string
		for _, r := range results {
			block, sync := secmaster.BlockInForce, secmaster.SyncDone
			if r.Failure != "" {
				block, sync = secmaster.BlockFailed, secmaster.SyncFailed
			}
			delivered := int64(0)
			if r.Failure == "" {
				delivered = millis(now)
			}
			res, err := tx.ExecContext(ctx, `UPDATE secmaster_defenses SET block_status = ?, sync_status = ?, failure = ?,
				pending_task_id = '', updated_at = ?, delivered_at = CASE WHEN ? > 0 THEN ? ELSE delivered_at END
				WHERE id = ? AND pending_task_id = ?`,
				block, sync, r.Failure, millis(now), delivered, delivered, r.EntryID, r.TaskID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // superseded by a later update, retry or delete
			}
			if err := smLiftDefense(ctx, tx, r.EntryID); err != nil {
				return err
			}
			for _, e := range r.Enforce {
				if _, err := tx.ExecContext(ctx, `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id,
					target_project_id, layer, category, object_type, object, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
					ON CONFLICT (defense_id, object) DO UPDATE SET category = excluded.category, expires_at = excluded.expires_at`,
					e.DefenseID, e.PolicyID, e.ProjectID, e.TargetProjectID, e.Layer, e.Category, e.ObjectType, e.Object,
					millis(e.ExpiresAt)); err != nil {
					return err
				}
			}
			t := touched[r.PolicyID]
			if t == nil {
				t = &tally{task: r.TaskID}
				touched[r.PolicyID] = t
				order = append(order, r.PolicyID)
			}
			if r.Failure == "" {
				t.ok++
			} else {
				t.failed++
			}
		}
		projects := map[string]bool{}
		for _, pid := range order {
			t := touched[pid]
			p, err := scanSMPolicy(tx.QueryRowContext(ctx, `SELECT `+smPolicyCols+` FROM secmaster_policies WHERE id = ?`, pid))
			if err != nil {
				return err
			}
			if err := smLoadDefenses(ctx, tx, []*secmaster.Policy{p}); err != nil {
				return err
			}
			detail := fmt.Sprintf("Delivery: %d entries in force, %d failed.", t.ok, t.failed)
			if err := insertSMRecord(ctx, tx, p, secmaster.RecordDeliver, t.task, detail, now); err != nil {
				return err
			}
			projects[p.ProjectID] = true
		}
		for _, id := range taskIDs {
			var project string
			err := tx.QueryRowContext(ctx, `UPDATE secmaster_tasks SET state = ?, done_at = ? WHERE id = ? AND state = ?
				RETURNING project_id`, secmaster.TaskDone, millis(now), id, secmaster.TaskPending).Scan(&project)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if project != "" && len(touched) > 0 {
				projects[project] = true
			}
		}
		for p := range projects {
			if _, err := bumpRevision(ctx, tx, p, rampart.FamilySecMaster); err != nil {
				return err
			}
		}
		return nil
	})
}

// ExpirePolicies implements secmaster.Store.
func (db *SecMasterStore) ExpirePolicies(ctx context.Context, now time.Time, limit int) (int, error) {
	n := 0
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, project_id, workspace_id FROM secmaster_policies
			WHERE state = 'ACTIVE' AND is_ageing = 1 AND ageing_at <= ? ORDER BY ageing_at LIMIT ?`, millis(now), limit)
		if err != nil {
			return err
		}
		var ids []any
		projects := map[string]bool{}
		workspaces := map[string]int{}
		for rows.Next() {
			var id, project, ws string
			if err := rows.Scan(&id, &project, &ws); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			projects[project] = true
			workspaces[ws]++
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		in := smPlaceholders(len(ids))
		at := millis(now)
		stmts := []struct {
			q    string
			args []any
		}{
			{`UPDATE secmaster_policies SET state = 'EXPIRED', updated_at = ? WHERE id IN (` + in + `)`, append([]any{at}, ids...)},
			{`UPDATE secmaster_defenses SET block_status = CASE WHEN block_status = 'FAILED' THEN block_status ELSE 'EXPIRED' END,
				pending_task_id = '', updated_at = ? WHERE policy_id IN (` + in + `)`, append([]any{at}, ids...)},
			{`DELETE FROM secmaster_enforcement WHERE policy_id IN (` + in + `)`, ids},
			{`INSERT INTO secmaster_records (project_id, workspace_id, policy_id, action, task_id, block_target,
				policy_category, policy_type, detail, snapshot, created_at)
				SELECT project_id, workspace_id, id, 'EXPIRE', '', block_target, policy_category, policy_type,
					'Block aging reached; lifted from every layer.', '', ? FROM secmaster_policies WHERE id IN (` + in + `)`,
				append([]any{at}, ids...)},
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
				return err
			}
		}
		for ws, c := range workspaces {
			if err := smAdjustCounts(ctx, tx, ws, 0, -c, secmaster.Quota{}); err != nil {
				return err
			}
		}
		for p := range projects {
			if _, err := bumpRevision(ctx, tx, p, rampart.FamilySecMaster); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// Enforcements implements secmaster.Store.
func (db *SecMasterStore) Enforcements(ctx context.Context, targetProjectID, layer string, at time.Time) ([]secmaster.Enforcement, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT defense_id, policy_id, project_id, target_project_id, layer, category,
		object_type, object, expires_at FROM secmaster_enforcement
		WHERE target_project_id = ? AND layer = ? AND (expires_at = 0 OR expires_at > ?) ORDER BY policy_id, object`,
		targetProjectID, layer, millis(at))
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	out := []secmaster.Enforcement{}
	for rows.Next() {
		var e secmaster.Enforcement
		var exp int64
		if err := rows.Scan(&e.DefenseID, &e.PolicyID, &e.ProjectID, &e.TargetProjectID, &e.Layer, &e.Category,
			&e.ObjectType, &e.Object, &exp); err != nil {
			return nil, formatError(err)
		}
		e.ExpiresAt = fromMillis(exp)
		out = append(out, e)
	}
	return out, formatError(rows.Err())
}
