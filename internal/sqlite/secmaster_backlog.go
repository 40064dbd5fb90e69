package sqlite

import "context"

// PendingDeliveries counts the SecMaster delivery tasks still pending and
// the defense entries waiting for one: the delivery worker's backlog.
func (db *SecMasterStore) PendingDeliveries(ctx context.Context) (tasks, entries int64, err error) {
	err = db.rdb.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM secmaster_tasks WHERE state = 'PENDING'),
		-- a range of the pending_task_id index: entries with a task
		(SELECT COUNT(*) FROM secmaster_defenses WHERE pending_task_id > '')`).Scan(&tasks, &entries)
	return tasks, entries, formatError(err)
}
