package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// smLoadPolicies returns the policies of ids (those that exist) with all
// their entries, in the order of ids.
func smLoadPolicies(ctx context.Context, q querier, ids []string) ([]*secmaster.Policy, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := collect(ctx, q, scanSMPolicy, `SELECT `+smPolicyCols+` FROM secmaster_policies WHERE id = ANY ($1)`, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*secmaster.Policy, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	out := make([]*secmaster.Policy, 0, len(ps))
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
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		// Up to limit of each project's oldest, so that one project's
		// backlog does not hide another project's tasks from the worker.
		var err error
		tasks, err = collect(ctx, tx, scanSMTask, `SELECT id, project_id, workspace_id, action, state, policy_ids, created_at, done_at
			FROM (SELECT *, row_number() OVER (PARTITION BY project_id ORDER BY created_at, id) AS nth
				FROM secmaster_tasks WHERE state = 'PENDING') t
			WHERE nth <= $1 ORDER BY created_at, id`, limit)
		if err != nil || len(tasks) == 0 {
			return err
		}
		ids := make([]string, len(tasks))
		for i, t := range tasks {
			ids[i] = t.ID
		}
		rows, _ := tx.Query(ctx, `SELECT DISTINCT policy_id FROM secmaster_defenses
			WHERE pending_task_id = ANY ($1) ORDER BY policy_id`, ids)
		pids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		policies, err = smLoadPolicies(ctx, tx, pids)
		return err
	})
	return tasks, policies, err
}

// CompleteDeliveries implements secmaster.Store. An entry's result is
// applied by an UPDATE that requires the entry to be still pending for the
// result's task: of two nodes completing the same entry, the second waits
// for the first one's row lock, finds the entry no longer pending, and
// applies nothing.
func (db *SecMasterStore) CompleteDeliveries(ctx context.Context, taskIDs []string, results []secmaster.DeliveryResult, policies []*secmaster.Policy) error {
	return db.enforcementTx(ctx, func(tx pgx.Tx) error {
		now := db.now()
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
				if err := smStorePart(ctx, tx, r); err != nil {
					return err
				}
				continue
			}
			block, sync := secmaster.DeliveryOutcome(r.Failure)
			delivered := now
			if r.Failure != "" {
				delivered = time.Time{}
			}
			tag, err := tx.Exec(ctx, `UPDATE secmaster_defenses SET block_status = $1, sync_status = $2, failure = $3,
				pending_task_id = '', delivered_task_id = pending_task_id, updated_at = $4,
				delivered_at = COALESCE($5, delivered_at)
				WHERE id = $6 AND pending_task_id = $7`, block, sync, r.Failure, stamp(now), stamp(delivered), r.EntryID, r.TaskID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				stale[r.PolicyID] = true
				continue // superseded by a later update, retry or delete
			}
			if p := snaps[r.PolicyID]; p != nil {
				p.Delivered(r.EntryID, r.Failure, now)
			} else {
				stale[r.PolicyID] = true
			}
			if !r.Fresh {
				if _, err := tx.Exec(ctx, `DELETE FROM secmaster_enforcement WHERE defense_id = $1`, r.EntryID); err != nil {
					return err
				}
			}
			if err := smInsertRows(ctx, tx, r.Enforce); err != nil {
				return err
			}
			if _, ok := touched[r.PolicyID]; !ok {
				touched[r.PolicyID] = r.TaskID
				order = append(order, r.PolicyID)
			}
		}
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
		projects := map[string]bool{}
		for _, id := range order {
			p := snaps[id]
			if p == nil {
				continue // deleted meanwhile
			}
			projects[p.ProjectID] = true
			task := touched[p.ID]
			var pending, ok, failed int
			if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pending_task_id = $1),
				count(*) FILTER (WHERE delivered_task_id = $1 AND block_status = 'IN_FORCE'),
				count(*) FILTER (WHERE delivered_task_id = $1 AND block_status = 'FAILED')
				FROM secmaster_defenses WHERE policy_id = $2`, task, p.ID).Scan(&pending, &ok, &failed); err != nil {
				return err
			}
			if pending > 0 {
				continue
			}
			detail := fmt.Sprintf("Delivery: %d entries in force, %d failed.", ok, failed)
			if err := insertSMRecord(ctx, tx, p, secmaster.RecordDeliver, task, detail, now); err != nil {
				return err
			}
		}
		if len(taskIDs) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE secmaster_tasks t SET state = 'DONE', done_at = $1
				WHERE t.id = ANY ($2) AND t.state = 'PENDING'
				AND NOT EXISTS (SELECT 1 FROM secmaster_defenses d WHERE d.pending_task_id = t.id)`, stamp(now), taskIDs); err != nil {
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

// smInsertRows stores enforcement rows (replacing those of the same entry
// and object) in one statement.
func smInsertRows(ctx context.Context, tx pgx.Tx, rows []secmaster.Enforcement) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	def, pol, proj, target, layer, cat, typ, obj := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	exp := make([]*time.Time, n)
	for i, e := range rows {
		def[i], pol[i], proj[i], target[i], layer[i], cat[i], typ[i], obj[i], exp[i] = e.DefenseID, e.PolicyID, e.ProjectID,
			e.TargetProjectID, e.Layer, e.Category, e.ObjectType, e.Object, stamp(e.ExpiresAt)
	}
	// The last row of a key wins, as it would row by row.
	_, err := tx.Exec(ctx, `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id,
		target_project_id, layer, category, object_type, object, expires_at)
		SELECT DISTINCT ON (d, o) d, p, pr, t, l, c, y, o, x
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
			WITH ORDINALITY AS r (d, p, pr, t, l, c, y, o, x, n)
		ORDER BY d, o, n DESC
		ON CONFLICT (defense_id, object) DO UPDATE SET category = excluded.category, expires_at = excluded.expires_at`,
		def, pol, proj, target, layer, cat, typ, obj, exp)
	return err
}

// smStorePart stores the rows of a partial result if its entry is still
// pending for its task (the entry's row is locked while they are stored).
func smStorePart(ctx context.Context, tx pgx.Tx, r secmaster.DeliveryResult) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM secmaster_defenses WHERE id = $1 AND pending_task_id = $2 FOR UPDATE`,
		r.EntryID, r.TaskID).Scan(&one)
	if err == pgx.ErrNoRows {
		return nil // superseded by a later update, retry or delete
	}
	if err != nil {
		return err
	}
	return smInsertRows(ctx, tx, r.Enforce)
}

// ExpirePolicies implements secmaster.Store. Nodes running it together
// take disjoint policies (FOR UPDATE SKIP LOCKED).
func (db *SecMasterStore) ExpirePolicies(ctx context.Context, now time.Time, limit int) (int, error) {
	n := 0
	err := db.enforcementTx(ctx, func(tx pgx.Tx) error {
		n = 0
		type expiring struct{ id, project, workspace string }
		rows, _ := tx.Query(ctx, `SELECT id, project_id, workspace_id FROM secmaster_policies
			WHERE state = 'ACTIVE' AND is_ageing AND ageing_at <= $1 ORDER BY ageing_at LIMIT $2
			FOR UPDATE SKIP LOCKED`, stamp(now), limit)
		found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (expiring, error) {
			var e expiring
			err := row.Scan(&e.id, &e.project, &e.workspace)
			return e, err
		})
		if err != nil || len(found) == 0 {
			return err
		}
		ids := make([]string, len(found))
		projects := map[string]bool{}
		workspaces := map[string]int{}
		for i, e := range found {
			ids[i] = e.id
			projects[e.project] = true
			workspaces[e.workspace]++
		}
		at := stamp(now)
		for _, s := range []struct {
			q    string
			args []any
		}{
			{`UPDATE secmaster_policies SET state = 'EXPIRED', updated_at = $1 WHERE id = ANY ($2)`, []any{at, ids}},
			{`UPDATE secmaster_defenses SET block_status = CASE WHEN block_status = 'FAILED' THEN block_status ELSE 'EXPIRED' END,
				sync_status = CASE WHEN block_status = 'FAILED' THEN sync_status ELSE 'SYNCED' END,
				pending_task_id = '', updated_at = $1 WHERE policy_id = ANY ($2)`, []any{at, ids}},
			{`DELETE FROM secmaster_enforcement WHERE policy_id = ANY ($1)`, []any{ids}},
			{`INSERT INTO secmaster_records (project_id, workspace_id, policy_id, action, task_id, block_target,
				policy_category, policy_type, detail, snapshot, created_at)
				SELECT project_id, workspace_id, id, 'EXPIRE', '', block_target, policy_category, policy_type,
					'Block aging reached; lifted from every layer.', NULL, $1 FROM secmaster_policies WHERE id = ANY ($2)`,
				[]any{at, ids}},
		} {
			if _, err := tx.Exec(ctx, s.q, s.args...); err != nil {
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
		n = len(found)
		return nil
	})
	return n, err
}

// Enforcements implements secmaster.Store.
func (db *SecMasterStore) Enforcements(ctx context.Context, targetProjectID, layer string, at time.Time) ([]secmaster.Enforcement, error) {
	out, err := collect(ctx, db.pool, scanEnforcement, `SELECT defense_id, policy_id, project_id, target_project_id, layer, category,
		object_type, object, expires_at FROM secmaster_enforcement
		WHERE target_project_id = $1 AND layer = $2 AND (expires_at IS NULL OR expires_at > $3) ORDER BY policy_id, object`,
		targetProjectID, layer, stamp(at))
	if out == nil && err == nil {
		out = []secmaster.Enforcement{}
	}
	return out, err
}

func scanEnforcement(row pgx.Row) (secmaster.Enforcement, error) {
	var e secmaster.Enforcement
	var exp *time.Time
	err := row.Scan(&e.DefenseID, &e.PolicyID, &e.ProjectID, &e.TargetProjectID, &e.Layer, &e.Category,
		&e.ObjectType, &e.Object, &exp)
	e.ExpiresAt = unstamp(exp)
	return e, err
}
