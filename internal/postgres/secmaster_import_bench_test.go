package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

// BenchmarkImportPolicies50k stores one import batch per op, as
// `rampart admin decisions import` sends them: secmaster.ImportBatchEntries
// (50,000) addresses in policies of secmaster.MaxTargets, each with one
// WAF entry already in force, so 50,000 enforcement rows, into a store
// that holds the earlier ops' rows. It reports rows/s.
func BenchmarkImportPolicies50k(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b).SecMaster()
	now := time.Now().UTC().Truncate(time.Millisecond)
	w := &secmaster.Workspace{ID: "ws000000000000000000000000000001", ProjectID: obsProject, Name: "main", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateWorkspace(ctx, w); err != nil {
		b.Fatal(err)
	}
	const perPolicy, policies = secmaster.MaxTargets, secmaster.ImportBatchEntries / secmaster.MaxTargets
	next := 0 // addresses handed out so far
	batch := func(op int) ([]*secmaster.Policy, *secmaster.Task) {
		tk := &secmaster.Task{ID: fmt.Sprintf("task%028d", op), ProjectID: obsProject, WorkspaceID: w.ID,
			Action: secmaster.RecordCreate, State: secmaster.TaskDone, CreatedAt: now, DoneAt: now}
		var ps []*secmaster.Policy
		for i := range policies {
			targets := make([]string, perPolicy)
			for j := range targets {
				targets[j] = fmt.Sprintf("10.%d.%d.%d", next>>16&255, next>>8&255, next&255)
				next++
			}
			id := fmt.Sprintf("%08d%08d", op, i)
			p := &secmaster.Policy{ID: "pol" + id, ProjectID: obsProject, WorkspaceID: w.ID, BlockTarget: strings.Join(targets, ","),
				Type: secmaster.TypeSourceIP, Category: secmaster.CategoryBlock, State: secmaster.StateActive, TaskID: tk.ID,
				Labels: "import:bench", CreatedAt: now, UpdatedAt: now,
				Defenses: []secmaster.DefenseEntry{{ID: "def" + id, DefenseType: secmaster.LayerWAF, TargetProjectID: obsProject,
					BlockStatus: secmaster.BlockInForce, SyncStatus: secmaster.SyncDone, UpdatedAt: now, DeliveredAt: now}}}
			tk.PolicyIDs = append(tk.PolicyIDs, p.ID)
			ps = append(ps, p)
		}
		return ps, tk
	}
	b.ResetTimer()
	for op := range b.N {
		b.StopTimer()
		ps, tk := batch(op)
		b.StartTimer()
		if err := s.ImportPolicies(ctx, ps, tk, secmaster.Quota{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*policies*perPolicy)/b.Elapsed().Seconds(), "rows/s")
}
