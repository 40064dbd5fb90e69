package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// Hot delivery statements (prepared once, see secmaster_stmt.go).
const (
	smDeliverDefense = `UPDATE secmaster_defenses SET block_status = ?, sync_status = ?, failure = ?,
		pending_task_id = '', delivered_task_id = pending_task_id, updated_at = ?,
		delivered_at = CASE WHEN ? > 0 THEN ? ELSE delivered_at END
		WHERE id = ? AND pending_task_id = ?`
	smInsertEnforcement = `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id,
		target_project_id, layer, category, object_type, object, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (defense_id, object) DO UPDATE SET category = excluded.category, expires_at = excluded.expires_at`
	smTaskDone = `UPDATE secmaster_tasks SET state = 'DONE', done_at = ? WHERE id = ? AND state = 'PENDING'
		AND NOT EXISTS (SELECT 1 FROM secmaster_defenses WHERE pending_task_id = ?) RETURNING project_id`
	smEntryPendingFor = `SELECT COUNT(*) FROM secmaster_defenses WHERE id = ? AND pending_task_id = ?`
	// smPolicyTaskTally counts the entries of a policy still pending for a
	// task, and those the task delivered (in force or failed).
	smPolicyTaskTally = `SELECT COALESCE(SUM(pending_task_id = ?1), 0),
		COALESCE(SUM(delivered_task_id = ?1 AND block_status = 'IN_FORCE'), 0),
		COALESCE(SUM(delivered_task_id = ?1 AND block_status = 'FAILED'), 0)
		FROM secmaster_defenses WHERE policy_id = ?2`
)

// smChunk bounds the IN lists of one statement.
const smChunk = 500

// smLoadPolicies returns the policies of ids (those that exist) with all
// their entries, in the order of ids.
func smLoadPolicies(ctx context.Context, q smQuerier, ids []string) ([]*secmaster.Policy, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > smChunk { // stay far below SQLite's limit on bound variables
		var out []*secmaster.Policy
		for i := 0; i < len(ids); i += smChunk {
			part, err := smLoadPolicies(ctx, q, ids[i:min(i+smChunk, len(ids))])
			if err != nil {
				return nil, err
			}
			out = append(out, part...)
		}
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT `+smPolicyCols+` FROM secmaster_policies WHERE id IN (`+smPlaceholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*secmaster.Policy, len(ids))
	for rows.Next() {
		p, err := scanSMPolicy(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[p.ID] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*secmaster.Policy, 0, len(byID))
	for _, id := range ids {
		if p := byID[id]; p != nil {
			out = append(out, p)
		}
	}
	return out, smLoadDefenses(ctx, q, out)
}

// PendingTasks implements secmaster.Store.
func (db *SecMasterStore) PendingTasks(ctx context.Context, limit int) ([]*secmaster.Task, []*secmaster.Policy, error) {
	var tasks []*secmaster.Task
	var policies []*secmaster.Policy
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		// Up to limit of each project's oldest, so that one project's
		// backlog does not hide another project's tasks from the worker.
		rows, err := tx.QueryContext(ctx, `SELECT id, project_id, workspace_id, action, state, created_at FROM (
				SELECT id, project_id, workspace_id, action, state, created_at,
					ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY created_at, id) AS nth
				FROM secmaster_tasks WHERE state = 'PENDING') -- literal: the partial index applies
			WHERE nth <= ? ORDER BY created_at, id`, limit)
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
		rows, err = tx.QueryContext(ctx, `SELECT DISTINCT policy_id FROM secmaster_defenses
			WHERE pending_task_id IN (`+smPlaceholders(len(args))+`) ORDER BY policy_id`, args...)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		policies, err = smLoadPolicies(ctx, tx, ids)
		return err
	})
	return tasks, policies, err
}

// CompleteDeliveries implements secmaster.Store.
func (db *SecMasterStore) CompleteDeliveries(ctx context.Context, taskIDs []string, results []secmaster.DeliveryResult, policies []*secmaster.Policy) error {
	db.smPrepare(ctx)
	return db.enforcementTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		at := millis(now)
		touched := map[string]string{} // policy → the task of its first result
		var order []string
		// Snapshots: the loaded policies with the applied results; a policy
		// with a superseded result is read again.
		snaps := make(map[string]*secmaster.Policy, len(policies))
		for _, p := range policies {
			snaps[p.ID] = p
		}
		stale := map[string]bool{}
		for _, r := range results {
			if r.Partial {
				if err := db.smStorePart(ctx, tx, r); err != nil {
					return err
				}
				continue
			}
			block, sync := secmaster.DeliveryOutcome(r.Failure)
			delivered := at
			if r.Failure != "" {
				delivered = 0
			}
			res, err := db.smExec(ctx, tx, smDeliverDefense, block, sync, r.Failure, at, delivered, delivered, r.EntryID, r.TaskID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				stale[r.PolicyID] = true
				continue // superseded by a later update, retry or delete
			}
			if p := snaps[r.PolicyID]; p != nil {
				p.Delivered(r.EntryID, r.Failure, now)
			} else {
				stale[r.PolicyID] = true
			}
			if !r.Fresh {
				if err := db.smLiftDefense(ctx, tx, r.EntryID); err != nil {
					return err
				}
			}
			if err := db.smInsertRows(ctx, tx, r.Enforce); err != nil {
				return err
			}
			if _, ok := touched[r.PolicyID]; !ok {
				touched[r.PolicyID] = r.TaskID
				order = append(order, r.PolicyID)
			}
		}
		projects := map[string]bool{}
		var reload []string
		for _, id := range order {
			if stale[id] {
				reload = append(reload, id)
			}
		}
		fresh, err := smLoadPolicies(ctx, tx, reload)
		if err != nil {
			return err
		}
		for _, p := range fresh {
			snaps[p.ID] = p
		}
		// A policy's delivery record is written once no entry of it is
		// pending for the task any more: a large task is delivered over
		// several calls.
		for _, id := range order {
			p := snaps[id]
			projects[p.ProjectID] = true
			task := touched[p.ID]
			var pending, ok, failed int
			if err := db.smQueryRow(ctx, tx, smPolicyTaskTally, task, p.ID).Scan(&pending, &ok, &failed); err != nil {
				return err
			}
			if pending > 0 {
				continue
			}
			detail := fmt.Sprintf("Delivery: %d entries in force, %d failed.", ok, failed)
			if err := db.insertSMRecord(ctx, tx, p, secmaster.RecordDeliver, task, detail, now); err != nil {
				return err
			}
		}
		for _, id := range taskIDs {
			var project string
			err := db.smQueryRow(ctx, tx, smTaskDone, at, id, id).Scan(&project)
			if err != nil && err != sql.ErrNoRows {
				return err
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

// smInsertRows stores enforcement rows (replacing those of the same
// entry and object).
func (db *SecMasterStore) smInsertRows(ctx context.Context, tx *sql.Tx, rows []secmaster.Enforcement) error {
	for _, e := range rows {
		if _, err := db.smExec(ctx, tx, smInsertEnforcement, e.DefenseID, e.PolicyID, e.ProjectID, e.TargetProjectID,
			e.Layer, e.Category, e.ObjectType, e.Object, millis(e.ExpiresAt)); err != nil {
			return err
		}
	}
	return nil
}

// smStorePart stores the rows of a partial result if its entry is still
// pending for its task.
func (db *SecMasterStore) smStorePart(ctx context.Context, tx *sql.Tx, r secmaster.DeliveryResult) error {
	var n int
	if err := db.smQueryRow(ctx, tx, smEntryPendingFor, r.EntryID, r.TaskID).Scan(&n); err != nil || n == 0 {
		return err // n == 0: superseded by a later update, retry or delete
	}
	return db.smInsertRows(ctx, tx, r.Enforce)
}

// ExpirePolicies implements secmaster.Store.
func (db *SecMasterStore) ExpirePolicies(ctx context.Context, now time.Time, limit int) (int, error) {
	db.smPrepare(ctx)
	n := 0
	err := db.enforcementTx(ctx, func(tx *sql.Tx) error {
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
				sync_status = CASE WHEN block_status = 'FAILED' THEN sync_status ELSE 'SYNCED' END,
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
			if err := db.smAdjustCounts(ctx, tx, ws, 0, -c, secmaster.Quota{}); err != nil {
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
