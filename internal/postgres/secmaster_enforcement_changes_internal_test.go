package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// insertEnforcementRow writes one enforcement row of target project tp.
func insertEnforcementRow(ctx context.Context, tx pgx.Tx, defense, object string) error {
	_, err := tx.Exec(ctx, `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id, target_project_id,
		layer, category, object_type, object) VALUES ($1, 'p', 'p', 'tp', 'WAF', 'BLOCK', 'IP', $2)`, defense, object)
	return err
}

// Two writers of the enforcement change log: the first is still open when
// the second tries to write and commit. A reader between the two commits
// and another after both, each resuming from the cursor the previous read
// returned, see both rows between them: the second writer could not commit
// a higher seq while the first one's lower seq was uncommitted (without
// the log's lock it would, and the reader would skip the first one's row).
func TestEnforcementChangesNeverSkipARowThatCommitsLater(t *testing.T) {
	db := openInternal(t)
	sm := &SecMasterStore{db}
	ctx := context.Background()
	// An earlier committed write: the readers start after it.
	if err := sm.enforcementTx(ctx, func(tx pgx.Tx) error { return insertEnforcementRow(ctx, tx, "d0", "192.0.2.0") }); err != nil {
		t.Fatal(err)
	}
	start, err := db.EnforcementCursor(ctx)
	if err != nil || start == 0 {
		t.Fatalf("cursor after the first write = %d, %v", start, err)
	}

	first, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if err := insertEnforcementRow(ctx, first, "d1", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		second <- sm.enforcementTx(ctx, func(tx pgx.Tx) error { return insertEnforcementRow(ctx, tx, "d2", "192.0.2.2") })
	}()
	select { // give the second writer every chance to commit first
	case err := <-second:
		second <- err
	case <-time.After(300 * time.Millisecond):
	}

	seen := map[string]bool{}
	read := func(after int64) int64 {
		t.Helper()
		cur, gone, cursor, complete, err := db.EnforcementChanges(ctx, "tp", after)
		if err != nil || !complete || len(gone) != 0 {
			t.Fatalf("changes after %d: %v, complete %v, gone %v", after, err, complete, gone)
		}
		for _, e := range cur {
			seen[e.DefenseID] = true
		}
		return cursor
	}
	cursor := read(start)
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	read(cursor)
	if !seen["d1"] || !seen["d2"] || seen["d0"] {
		t.Fatalf("the readers saw %v; want d1 and d2 only", seen)
	}
}
