package enforce_test

import (
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// A SecMaster policy managed in one project and delivered to another
// project's layer reaches the target project's engine, built before the
// write, and leaves it when the policy is deleted.
func TestSecMasterOtherTargetProjectPropagates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if d := e.engine(t, projB).DecideIP(engine.LayerCFW, ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("before: %+v", d)
	}
	smBlock(t, e.sm, projA, projB, secmaster.LayerCFW, secmaster.TypeSourceIP, "203.0.113.0/24")
	eventually(t, "block delivered to another project", func() bool {
		return e.engine(t, projB).DecideIP(engine.LayerCFW, ip1, time.Now()).Action == engine.ActionBlock
	})
	wss, _, err := e.sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: projA})
	if err != nil || len(wss) == 0 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	ps, _, _, err := e.sm.SearchPolicies(ctx, projA, wss[0].ID, secmaster.SearchInput{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("policies: %v %v", ps, err)
	}
	if _, err := e.sm.DeletePolicies(ctx, projA, wss[0].ID, []string{ps[0].ID}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "block lifted from another project", func() bool {
		return e.engine(t, projB).DecideIP(engine.LayerCFW, ip1, time.Now()).Action == engine.ActionAllow
	})
}
