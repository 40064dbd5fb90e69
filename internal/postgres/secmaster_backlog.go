package postgres

import "context"

// PendingDeliveries counts the SecMaster delivery tasks still pending and
// the defense entries waiting for one: the delivery worker's backlog (over
// the partial indexes secmaster_tasks_pending and
// secmaster_defenses_pending).
func (db *SecMasterStore) PendingDeliveries(ctx context.Context) (tasks, entries int64, err error) {
	err = db.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM secmaster_tasks WHERE state = 'PENDING'),
		(SELECT count(*) FROM secmaster_defenses WHERE pending_task_id <> '')`).Scan(&tasks, &entries)
	return tasks, entries, formatError(err)
}
