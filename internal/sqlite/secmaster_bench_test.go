package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

func smBenchService(b *testing.B, cfg secmaster.Config) (*sqlite.DB, *secmaster.Service, string) {
	b.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if cfg.Now != nil {
		db.Now = cfg.Now
	}
	sm := secmaster.New(db.SecMaster(), cfg)
	wss, _, err := sm.ListWorkspaces(context.Background(), secmaster.WorkspaceFilter{ProjectID: smProject})
	if err != nil {
		b.Fatal(err)
	}
	return db, sm, wss[0].ID
}

// BenchmarkSecMasterCreateStore creates policies through the service (no
// HTTP) with 16 concurrent callers while the delivery worker runs: the
// storage ceiling of BenchmarkSecMasterCreateHTTP.
func BenchmarkSecMasterCreateStore(b *testing.B) {
	_, sm, ws := smBenchService(b, secmaster.Config{})
	ctx := context.Background()
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sm.Run(wctx); close(done) }()
	defer func() { stop(); <-done }()
	var n atomic.Int64
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := sm.CreatePolicy(ctx, smProject, ws, smInput(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), time.Time{})); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "policies/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Microsecond)/float64(n.Load()), "cpu-µs/policy")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// smPopulate stores n policies of the default workspace through the store
// in batches (half BLOCK, half WHITE, targets 10.x.y.z); with ageingAt set
// they age then.
func smPopulate(b *testing.B, db *sqlite.DB, ws string, n int, ageingAt time.Time) {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for done := 0; done < n; {
		k := min(1000, n-done)
		t := &secmaster.Task{ID: secmaster.NewUUID(), ProjectID: smProject, WorkspaceID: ws, Action: secmaster.RecordCreate,
			State: secmaster.TaskPending, CreatedAt: now}
		ps := make([]*secmaster.Policy, k)
		for i := range ps {
			j := done + i
			cat := secmaster.CategoryBlock
			if j%2 == 1 {
				cat = secmaster.CategoryWhite
			}
			p := &secmaster.Policy{ID: secmaster.NewUUID(), ProjectID: smProject, WorkspaceID: ws,
				BlockTarget: fmt.Sprintf("10.%d.%d.%d", j>>16&255, j>>8&255, j&255), Type: secmaster.TypeSourceIP, Category: cat,
				RegionID: "r", State: secmaster.StateActive, TaskID: t.ID, CreatedAt: now.Add(time.Duration(j) * time.Millisecond),
				UpdatedAt: now, Ageing: !ageingAt.IsZero(), AgeingAt: ageingAt,
				Defenses: []secmaster.DefenseEntry{{ID: secmaster.NewUUID(), ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r",
					ConnectionRegionName: "r", DefenseType: secmaster.LayerWAF, TargetEnterpriseID: "0", TargetEnterpriseName: "d",
					TargetProjectID: smProject, TargetProjectName: "tp", BlockStatus: secmaster.BlockPending, SyncStatus: secmaster.SyncPending,
					PendingTaskID: t.ID, UpdatedAt: now}}}
			ps[i] = p
			t.PolicyIDs = append(t.PolicyIDs, p.ID)
		}
		if err := db.SecMaster().CreatePolicies(ctx, ps, t, secmaster.Quota{}); err != nil {
			b.Fatal(err)
		}
		done += k
	}
}

// BenchmarkSecMasterSearch100k searches a workspace of 100,000 policies
// with one condition and returns a page of 100 (the bar: at most 50 ms).
// "category" matches 50,000 policies (total counted, newest first),
// "target" one policy, "all" is the baseline without a condition.
func BenchmarkSecMasterSearch100k(b *testing.B) {
	db, sm, ws := smBenchService(b, secmaster.Config{})
	smPopulate(b, db, ws, 100_000, time.Time{})
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		in   secmaster.SearchInput
		want int
	}{
		{"all", secmaster.SearchInput{}, 100_000},
		{"category", secmaster.SearchInput{Conditions: []secmaster.ConditionInput{{Name: "policy_category", Data: []string{"WHITE"}}}}, 50_000},
		{"target", secmaster.SearchInput{Conditions: []secmaster.ConditionInput{{Name: "block_target", Data: []string{"10.1.2.3"}}}}, 1},
		{"category-deep-page", secmaster.SearchInput{Offset: ptr(40_000), Conditions: []secmaster.ConditionInput{{Name: "policy_category", Data: []string{"BLOCK"}}}}, 50_000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ps, total, _, err := sm.SearchPolicies(ctx, smProject, ws, bc.in)
				if err != nil || total != bc.want || len(ps) != min(100, bc.want) {
					b.Fatalf("total %d, %d items, %v", total, len(ps), err)
				}
			}
		})
	}
}

// BenchmarkSecMasterExpire100k delivers 100,000 policies that all age at
// the same instant, then moves the clock to that instant: the enforcement
// set drops them at once (checked before the worker runs) and ExpireDue
// (timed) ends them all; afterwards store, history and enforcement set
// agree. Run it with -benchtime 1x.
func BenchmarkSecMasterExpire100k(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SECMASTER_EXPIRE_N")); err == nil && v > 0 {
		n = v // a smaller run for profiling
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		clock := &smClock{t: time.Now()}
		db, sm, ws := smBenchService(b, secmaster.Config{Now: clock.Now})
		at := clock.Now().Add(time.Hour).Truncate(time.Millisecond)
		smPopulate(b, db, ws, n, at)
		if _, err := sm.DeliverPending(ctx); err != nil {
			b.Fatal(err)
		}
		if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != n {
			b.Fatalf("%d enforced before aging", len(es))
		}
		clock.Add(time.Hour)
		if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != 0 {
			b.Fatalf("%d still enforced at the aging time", len(es))
		}
		b.StartTimer()
		start := time.Now()
		got, err := sm.ExpireDue(ctx)
		if err != nil || got != n {
			b.Fatalf("expired %d, %v", got, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-to-record-all")
		b.StopTimer()
		_, total, _, err := sm.SearchPolicies(ctx, smProject, ws, secmaster.SearchInput{Conditions: []secmaster.ConditionInput{{Name: "status", Data: []string{"EXPIRED"}}}})
		if err != nil || total != n {
			b.Fatalf("%d policies expired in the store, %v", total, err)
		}
		_, total, _, err = sm.SearchRecords(ctx, smProject, ws, "", false, secmaster.SearchInput{Conditions: []secmaster.ConditionInput{{Name: "action", Data: []string{"EXPIRE"}}}})
		if err != nil || total != n {
			b.Fatalf("%d expiry records, %v", total, err)
		}
		if es, _ := db.SecMaster().Enforcements(ctx, smProject, secmaster.LayerWAF, time.Time{}); len(es) != 0 {
			b.Fatalf("%d enforcement rows left", len(es))
		}
		b.StartTimer()
	}
}
