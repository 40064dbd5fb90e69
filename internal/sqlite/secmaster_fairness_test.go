package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// smBigInput is a BLOCK of 500 addresses on entries WAF connections of
// target project tp: 500 × entries enforcement rows.
func smBigInput(tp string, entries int) *secmaster.PolicyInput {
	targets := make([]string, secmaster.MaxTargets)
	for i := range targets {
		targets[i] = fmt.Sprintf("10.1.%d.%d", i>>8, i&255)
	}
	in := smInput(strings.Join(targets, ","), time.Time{})
	in.Defenses = nil
	for c := range entries {
		in.Defenses = append(in.Defenses, secmaster.DefenseInput{ConnectionID: fmt.Sprintf("c%d", c), ConnectionName: "c",
			ConnectionRegionID: "r", ConnectionRegionName: "r", DefenseType: secmaster.LayerWAF, TargetEnterpriseID: "0",
			TargetEnterpriseName: "d", TargetProjectID: tp, TargetProjectName: "tp"})
	}
	return in
}

// smProjectWorkspace returns the default workspace of project.
func smProjectWorkspace(t *testing.T, sm *secmaster.Service, project string) string {
	t.Helper()
	ctx := context.Background()
	if err := sm.EnsureDefaultWorkspace(ctx, project); err != nil {
		t.Fatal(err)
	}
	wss, _, err := sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: project})
	if err != nil || len(wss) != 1 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	return wss[0].ID
}

// A small task of one project is delivered, and its task done, while a
// large task of another project created before it is still being
// delivered: the worker does not make it wait for the 10,000 rows of the
// large one. Counted in deliveries, not measured in time.
func TestSecMasterDeliveryFairBetweenProjects(t *testing.T) {
	ctx := context.Background()
	const noisy, quiet = "00000000000000000000000000000a0a", smProject
	var sm *secmaster.Service
	var quietTask string
	noisyEntries, noisyAfterQuietDone := map[string]bool{}, map[string]bool{} // entries the deliverer was asked for
	sm = secmaster.New(MustOpen(t).SecMaster(), secmaster.Config{Deliverer: secmaster.DelivererFunc(
		func(c context.Context, p *secmaster.Policy, e *secmaster.DefenseEntry) ([]secmaster.Enforcement, error) {
			if p.ProjectID == noisy {
				noisyEntries[e.ID] = true
				if tk, err := sm.FindTask(c, quiet, quietTask); err == nil && tk.State == secmaster.TaskDone {
					noisyAfterQuietDone[e.ID] = true
				}
			}
			return secmaster.LocalDeliverer{}.Deliver(c, p, e)
		})})
	if _, err := sm.CreatePolicy(ctx, noisy, smProjectWorkspace(t, sm, noisy), smBigInput(noisy, 20)); err != nil {
		t.Fatal(err)
	}
	var err error
	if quietTask, err = sm.CreatePolicy(ctx, quiet, smProjectWorkspace(t, sm, quiet), smInput("203.0.113.9", time.Time{})); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if len(noisyEntries) != 20 {
		t.Fatalf("noisy entries delivered: %d of 20", len(noisyEntries))
	}
	// The large task's entries delivered (in part or whole) after the small task was done.
	if len(noisyAfterQuietDone) < 15 {
		t.Fatalf("only %d of the noisy project's 20 entries were delivered after the quiet project's task was done", len(noisyAfterQuietDone))
	}
	if es, _ := sm.Enforcements(ctx, noisy, secmaster.LayerWAF); len(es) != 10_000 {
		t.Fatalf("noisy rows enforced: %d", len(es))
	}
	if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != 1 {
		t.Fatalf("quiet rows enforced: %d", len(es))
	}
}

// A large task is delivered in several transactions: a process that dies
// in the middle keeps the entries already delivered, and the next process
// delivers the rest, each entry once, with one delivery record for the
// policy.
func TestSecMasterRestartMidLargeDelivery(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rampart.db")
	db, sm, dctx, _ := smOpenCrashing(t, path, 5)
	ws := smDefaultWorkspace(t, sm)
	task, err := sm.CreatePolicy(ctx, smProject, ws, smBigInput(smProject, 10))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DeliverPending(dctx); err == nil {
		t.Fatal("delivery with a dead context succeeded")
	}
	db = smReopen(t, db, path)
	sm = secmaster.New(db.SecMaster(), secmaster.Config{})
	before, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF)
	if len(before) == 0 || len(before) >= 5_000 {
		t.Fatalf("after the crash %d of 5,000 rows enforced; want the transactions before the crash kept", len(before))
	}
	if tk, err := sm.FindTask(ctx, smProject, task); err != nil || tk.State != secmaster.TaskPending {
		t.Fatalf("task after the crash: %+v %v", tk, err)
	}
	if _, err := sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != 5_000 {
		t.Fatalf("after the restart %d of 5,000 rows enforced", len(es))
	}
	if tk, err := sm.FindTask(ctx, smProject, task); err != nil || tk.State != secmaster.TaskDone {
		t.Fatalf("task after the restart: %+v %v", tk, err)
	}
	recs, total, _, err := sm.SearchRecords(ctx, smProject, ws, "", false, secmaster.SearchInput{
		Conditions: []secmaster.ConditionInput{{Name: "action", Data: []string{secmaster.RecordDeliver}}}})
	if err != nil || total != 1 {
		t.Fatalf("%d delivery records, %v", total, err)
	}
	if recs[0].Detail != "Delivery: 10 entries in force, 0 failed." {
		t.Fatalf("delivery record: %q", recs[0].Detail)
	}
	ps, _, _, err := sm.SearchPolicies(ctx, smProject, ws, secmaster.SearchInput{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("policies: %v %v", ps, err)
	}
	for _, d := range ps[0].Defenses {
		if d.BlockStatus != secmaster.BlockInForce || d.PendingTaskID != "" {
			t.Fatalf("entry %s: %s pending %q", d.ID, d.BlockStatus, d.PendingTaskID)
		}
	}
}
