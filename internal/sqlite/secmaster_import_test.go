package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// An import logs one change per defense entry rather than per row; a
// reader still gets every row it wrote, once, then the deletions one by
// one, and other projects see nothing.
func TestImportChangeLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rampart.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	c0, err := db.EnforcementCursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var entries []secmaster.ImportEntry
	for i := range 1200 {
		entries = append(entries, secmaster.ImportEntry{Line: i + 1, Target: fmt.Sprintf("10.0.%d.%d", i/256, i%256)})
	}
	res, err := sm.Import(ctx, smProject, secmaster.ImportInput{Layers: []string{secmaster.LayerWAF, secmaster.LayerCFW}, Entries: entries})
	if err != nil || res.Policies != 3 || res.Stored != 1200 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var logged int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_enforcement_changes WHERE seq > ?`, c0).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if logged != 6 { // 3 policies × 2 layers
		t.Fatalf("the import logged %d changes, want one per defense entry", logged)
	}
	cur, gone, c1, complete, err := db.EnforcementChanges(ctx, smProject, c0)
	if err != nil || !complete || len(gone) != 0 || len(cur) != 2400 {
		t.Fatalf("after the import: %d current, %d gone, %v %v", len(cur), len(gone), complete, err)
	}
	seen := map[string]bool{}
	for _, e := range cur {
		k := e.Layer + " " + e.Object
		if seen[k] || e.PolicyID == "" || e.Category != secmaster.CategoryBlock || e.TargetProjectID != smProject {
			t.Fatalf("row %+v (seen before: %v)", e, seen[k])
		}
		seen[k] = true
	}
	if cur, gone, _, _, _ := db.EnforcementChanges(ctx, "other", c0); len(cur)+len(gone) != 0 {
		t.Fatalf("other project: %d %d", len(cur), len(gone))
	}
	// A deletion after the import, read together with it: the deleted
	// policy's rows are neither current nor repeated.
	if _, err := sm.DeletePolicies(ctx, smProject, res.WorkspaceID, []string{cur[0].PolicyID}); err != nil {
		t.Fatal(err)
	}
	all, gone, _, _, err := db.EnforcementChanges(ctx, smProject, c0)
	if err != nil || len(all) != 1400 || len(gone) != 1000 {
		t.Fatalf("import then delete: %d current, %d gone, %v", len(all), len(gone), err)
	}
	_, gone, _, _, err = db.EnforcementChanges(ctx, smProject, c1)
	if err != nil || len(gone) != 1000 {
		t.Fatalf("the deletion alone: %d gone, %v", len(gone), err)
	}
	// Inserts outside an import are still logged row by row.
	var quiet int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_enforcement_quiet`).Scan(&quiet); err != nil || quiet != 0 {
		t.Fatalf("the quiet flag stayed: %d %v", quiet, err)
	}
}
