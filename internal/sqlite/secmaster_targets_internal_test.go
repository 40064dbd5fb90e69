package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
)

// When the change log's trimming has removed rows a transaction wrote, the
// targets they named are unknown: every project with a SecMaster revision
// is bumped, as are the targets of the rows left.
func TestBumpEnforcementTargetsAfterTrim(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := bumpRevision(ctx, tx, "earlier", rampart.FamilySecMaster); err != nil {
			return err
		}
		// The transaction began at seq 2; its rows up to 9 were trimmed.
		_, err := tx.ExecContext(ctx, `INSERT INTO secmaster_enforcement_changes (seq, target_project_id, defense_id, object)
			VALUES (10, 'left', 'd', 'o')`)
		if err != nil {
			return err
		}
		return bumpEnforcementTargets(ctx, tx, 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.Revision(ctx, "earlier", rampart.FamilySecMaster); err != nil || n != 2 {
		t.Fatalf("a project with a revision: %d %v, want 2", n, err)
	}
	if n, err := db.Revision(ctx, "left", rampart.FamilySecMaster); err != nil || n != 1 {
		t.Fatalf("the target of a row left: %d %v, want 1", n, err)
	}
}
