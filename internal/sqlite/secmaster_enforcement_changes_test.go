package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// The enforcement change log names the rows a delivery writes, for the
// target project only, with their current content, and the keys of rows a
// deletion removes.
func TestEnforcementChangeLog(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	ws := smDefaultWorkspace(t, sm)
	c0, err := db.EnforcementCursor(ctx)
	if err != nil || c0 != 0 {
		t.Fatalf("empty log cursor %d %v", c0, err)
	}
	if _, err := sm.CreatePolicy(ctx, smProject, ws, smInput("192.0.2.1,192.0.2.2", time.Time{})); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	cur, gone, c1, complete, err := db.EnforcementChanges(ctx, smProject, c0)
	if err != nil || !complete || len(gone) != 0 || len(cur) != 2 || c1 <= c0 {
		t.Fatalf("after delivery: %+v %+v %d %v %v", cur, gone, c1, complete, err)
	}
	for _, e := range cur {
		if e.Layer != secmaster.LayerWAF || e.Category != secmaster.CategoryBlock || e.TargetProjectID != smProject || e.PolicyID == "" ||
			(e.Object != "192.0.2.1" && e.Object != "192.0.2.2") {
			t.Fatalf("row: %+v", e)
		}
	}
	if cur, gone, _, _, _ := db.EnforcementChanges(ctx, "other", c0); len(cur)+len(gone) != 0 {
		t.Fatalf("other project: %+v %+v", cur, gone)
	}
	if _, err := sm.DeletePolicies(ctx, smProject, ws, []string{cur[0].PolicyID}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	cur2, gone, c2, complete, err := db.EnforcementChanges(ctx, smProject, c1)
	if err != nil || !complete || len(cur2) != 0 || len(gone) != 2 || c2 <= c1 || gone[0].DefenseID == "" {
		t.Fatalf("after deletion: %+v %+v %d %v %v", cur2, gone, c2, complete, err)
	}
}
