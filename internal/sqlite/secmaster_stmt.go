package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// smCache holds SecMaster's hot write statements, prepared once on the
// writer connection: the driver would otherwise parse the SQL again on
// every execution, which dominates the cost of a create.
type smCache struct {
	once  sync.Once
	stmts map[string]*sql.Stmt
}

// smCreateReq is one CreatePolicies call.
type smCreateReq struct {
	ps []*secmaster.Policy
	t  *secmaster.Task
	q  secmaster.Quota
}

// smHot lists the statements worth preparing.
var smHot = []string{smWorkspaceExists, smInsertPolicy, smUpsertDefense, smInsertTask, smInsertRecord, smCounts,
	smDeliverDefense, smLiftDefense, smInsertEnforcement, smSelectPolicy, smTaskDone, smPolicyTaskTally,
	smEntryPendingFor}

// smPrepare prepares the hot statements; it must be called outside any
// write transaction (the writer pool has one connection). Failures leave
// the statements unprepared: they then run as plain SQL.
func (db *SecMasterStore) smPrepare(context.Context) {
	db.sm.once.Do(func() {
		ctx := context.Background() // a caller's cancellation must not leave them unprepared
		// Keep transient journals in memory on the writer connection.
		_, _ = db.wdb.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
		// Checkpoint the WAL less often: bursts of policies write many pages.
		_, _ = db.wdb.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 10000`)
		m := make(map[string]*sql.Stmt, len(smHot))
		for _, q := range smHot {
			st, err := db.wdb.PrepareContext(ctx, q)
			if err != nil {
				continue
			}
			m[q] = st
		}
		db.sm.stmts = m
	})
}

// smExec runs q in tx, through its prepared statement when there is one.
func (db *SecMasterStore) smExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := db.sm.stmts[q]; st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// smQueryRow is smExec for a statement returning one row.
func (db *SecMasterStore) smQueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st := db.sm.stmts[q]; st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}
