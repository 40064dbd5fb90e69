package sqlite_test

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/storetest"
)

func TestSecMasterConformance(t *testing.T) {
	storetest.RunSecMaster(t, func(t *testing.T) secmaster.Store { return MustOpen(t).SecMaster() })
}

type smClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *smClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *smClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const smProject = "0123456789abcdef0123456789abcdef"

func smInput(target string, ageingAt time.Time) *secmaster.PolicyInput {
	ageing := !ageingAt.IsZero()
	ba := &secmaster.BlockAge{IsBlockAgeing: &ageing}
	if ageing {
		ba.BlockAgeing = strconv.FormatInt(ageingAt.UnixMilli(), 10)
	}
	typ := secmaster.TypeSourceIP
	return &secmaster.PolicyInput{BlockAge: ba, BlockTarget: target, Category: secmaster.CategoryBlock, PolicyType: &typ, RegionID: "r",
		Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
			DefenseType: secmaster.LayerWAF, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: smProject, TargetProjectName: "tp"}}}
}

func smDefaultWorkspace(t *testing.T, sm *secmaster.Service) string {
	t.Helper()
	wss, _, err := sm.ListWorkspaces(context.Background(), secmaster.WorkspaceFilter{ProjectID: smProject})
	if err != nil || len(wss) != 1 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	return wss[0].ID
}

// smOpenCrashing opens the database at path with a SecMaster service
// whose deliverer stands for a process that dies at its crashAt-th call:
// it cancels the returned context, which the caller delivers with. calls
// counts the deliverer's calls.
func smOpenCrashing(t *testing.T, path string, crashAt int) (db *sqlite.DB, sm *secmaster.Service, dctx context.Context, calls *int) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dctx, crash := context.WithCancel(context.Background())
	calls = new(int)
	sm = secmaster.New(db.SecMaster(), secmaster.Config{Deliverer: secmaster.DelivererFunc(
		func(c context.Context, p *secmaster.Policy, e *secmaster.DefenseEntry) ([]secmaster.Enforcement, error) {
			*calls++
			if *calls == crashAt {
				crash() // the process dies while the layer is being called
			}
			return secmaster.LocalDeliverer{}.Deliver(c, p, e)
		})})
	return db, sm, dctx, calls
}

// smReopen closes db and opens the database at path again (closed when
// the test ends), as a restarted process does.
func smReopen(t *testing.T, db *sqlite.DB, path string) *sqlite.DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A process that stops between reading a task and storing its outcome
// loses nothing: the next process delivers the task.
func TestSecMasterRestartMidDelivery(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rampart.db")
	db, sm, dctx, delivered := smOpenCrashing(t, path, 1)
	ws := smDefaultWorkspace(t, sm)
	for i := range 3 {
		if _, err := sm.CreatePolicy(ctx, smProject, ws, smInput("10.0.0."+strconv.Itoa(i), time.Time{})); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sm.DeliverPending(dctx); err == nil {
		t.Fatal("delivery with a dead context succeeded")
	}
	if *delivered == 0 {
		t.Fatal("the deliverer was not called")
	}
	db = smReopen(t, db, path)
	sm = secmaster.New(db.SecMaster(), secmaster.Config{})
	if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != 0 {
		t.Fatalf("enforced before the restart delivered: %v", es)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sm.Run(rctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		es, err := sm.Enforcements(ctx, smProject, secmaster.LayerWAF)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after restart %d of 3 enforced", len(es))
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
	ps, _, _, err := sm.SearchPolicies(ctx, smProject, ws, secmaster.SearchInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Defenses[0].BlockStatus != secmaster.BlockInForce {
			t.Fatalf("policy %s entry %s", p.ID, p.Defenses[0].BlockStatus)
		}
	}
}

// A policy whose aging time passes while no process runs is expired at the
// next start, and is out of the enforcement set as soon as the time comes.
func TestSecMasterAgingAcrossRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rampart.db")
	clock := &smClock{t: time.Now()}
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clock.Now
	sm := secmaster.New(db.SecMaster(), secmaster.Config{Now: clock.Now})
	ws := smDefaultWorkspace(t, sm)
	if _, err := sm.CreatePolicy(ctx, smProject, ws, smInput("1.2.3.4", clock.Now().Add(30*time.Second))); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
	if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != 1 {
		t.Fatal("not delivered")
	}
	db.Close()
	clock.Add(time.Minute)

	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = clock.Now
	sm = secmaster.New(db.SecMaster(), secmaster.Config{Now: clock.Now})
	if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerWAF); len(es) != 0 {
		t.Fatalf("aged policy still in force: %v", es)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sm.Run(rctx); close(done) }()
	time.Sleep(300 * time.Millisecond)
	stop()
	<-done
	rs, _, _, err := sm.SearchRecords(ctx, smProject, ws, "", false, secmaster.SearchInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 || rs[0].Action != secmaster.RecordExpire {
		t.Fatalf("last record after restart: %+v", rs)
	}
}
