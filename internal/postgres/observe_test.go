package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/postgres"
	"github.com/rampartsec/rampart/internal/postgres/pgtest"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu   sync.Mutex
	ops  map[string]int
	revs []rampart.Revision
}

func (r *recorder) ObserveStoreLatency(op string, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops[op]++
}

func (r *recorder) RevisionCommitted(projectID string, family rampart.Family, revision int64, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revs = append(r.revs, rampart.Revision{ProjectID: projectID, Family: family, Revision: revision})
}

func (r *recorder) committed() []rampart.Revision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]rampart.Revision(nil), r.revs...)
}

const obsProject = "0123456789abcdef0123456789abcde0"

// smFixture is a workspace of obsProject and a pending policy maker.
func smFixture(t *testing.T, s secmaster.Store) (*secmaster.Workspace, func(i int, pending bool) (*secmaster.Policy, *secmaster.Task)) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	w := &secmaster.Workspace{ID: "ws000000000000000000000000000001", ProjectID: obsProject, Name: "main", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateWorkspace(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	return w, func(i int, pending bool) (*secmaster.Policy, *secmaster.Task) {
		tk := &secmaster.Task{ID: fmt.Sprintf("task%028d", i), ProjectID: obsProject, WorkspaceID: w.ID,
			Action: secmaster.RecordCreate, State: secmaster.TaskPending, CreatedAt: now}
		d := secmaster.DefenseEntry{ID: fmt.Sprintf("def%029d", i), DefenseType: secmaster.LayerWAF, TargetProjectID: obsProject,
			BlockStatus: secmaster.BlockPending, SyncStatus: secmaster.SyncPending, PendingTaskID: tk.ID, UpdatedAt: now}
		if !pending {
			tk.State, tk.DoneAt = secmaster.TaskDone, now
			d.BlockStatus, d.SyncStatus, d.PendingTaskID, d.DeliveredAt = secmaster.BlockInForce, secmaster.SyncDone, "", now
		}
		p := &secmaster.Policy{ID: fmt.Sprintf("pol%029d", i), ProjectID: obsProject, WorkspaceID: w.ID,
			BlockTarget: fmt.Sprintf("10.0.%d.1,10.0.%d.2,10.0.%d.0/24", i, i, i), Type: secmaster.TypeSourceIP,
			Category: secmaster.CategoryBlock, State: secmaster.StateActive, TaskID: tk.ID, CreatedAt: now, UpdatedAt: now,
			Defenses: []secmaster.DefenseEntry{d}}
		tk.PolicyIDs = []string{p.ID}
		return p, tk
	}
}

// The observer is told of reads, writes and queries, and of each revision
// once its transaction has committed (a refused write reports none).
func TestObserverSeesLatencyAndCommittedRevisions(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{ops: map[string]int{}}
	db, err := postgres.Open(ctx, pgtest.Schema(t), postgres.Options{Observer: rec})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := db.SecMaster()
	w, newPolicy := smFixture(t, s)
	want := []rampart.Revision{{ProjectID: obsProject, Family: rampart.FamilySecMaster, Revision: 1}}
	if got := rec.committed(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the workspace: %v, want %v", got, want)
	}
	dup := *w
	dup.ID = "ws000000000000000000000000000002"
	if err := s.CreateWorkspace(ctx, &dup); rampart.ErrorKind(err) != rampart.KindConflict {
		t.Fatalf("a second workspace of the same name: %v", err)
	}
	if got := rec.committed(); len(got) != 1 {
		t.Fatalf("a refused write reported %v", got)
	}
	p, tk := newPolicy(1, false)
	if err := s.ImportPolicies(ctx, []*secmaster.Policy{p}, tk, secmaster.Quota{}); err != nil {
		t.Fatal(err)
	}
	// The import bumps the managing project and the target project (here
	// the same) in one transaction: the last one reported is 3.
	got := rec.committed()
	if last := got[len(got)-1]; last.Revision != 3 || last.ProjectID != obsProject {
		t.Fatalf("after the import: %v", got)
	}
	if rev, err := db.Revision(ctx, obsProject, rampart.FamilySecMaster); err != nil || rev != 3 {
		t.Fatalf("stored revision %d, %v", rev, err)
	}
	if _, err := s.FindPolicy(ctx, obsProject, w.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, op := range []string{rampart.StoreOpWriteTx, rampart.StoreOpReadTx, rampart.StoreOpQuery} {
		if rec.ops[op] == 0 {
			t.Errorf("no %s observed: %v", op, rec.ops)
		}
	}
}

// PendingDeliveries counts the tasks and entries the delivery worker has
// still to deliver.
func TestPendingDeliveries(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t).SecMaster()
	_, newPolicy := smFixture(t, s)
	backlog := s.(interface {
		PendingDeliveries(context.Context) (int64, int64, error)
	})
	check := func(wantTasks, wantEntries int64) {
		t.Helper()
		tasks, entries, err := backlog.PendingDeliveries(ctx)
		if err != nil || tasks != wantTasks || entries != wantEntries {
			t.Fatalf("backlog %d tasks, %d entries (%v); want %d, %d", tasks, entries, err, wantTasks, wantEntries)
		}
	}
	check(0, 0)
	for i := range 2 {
		p, tk := newPolicy(i, true)
		if err := s.CreatePolicies(ctx, []*secmaster.Policy{p}, tk, secmaster.Quota{}); err != nil {
			t.Fatal(err)
		}
	}
	p, tk := newPolicy(9, false) // an import is delivered already
	if err := s.ImportPolicies(ctx, []*secmaster.Policy{p}, tk, secmaster.Quota{}); err != nil {
		t.Fatal(err)
	}
	check(2, 2)
	tasks, ps, err := s.PendingTasks(ctx, 1)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("pending: %v, %v", tasks, err)
	}
	d := &ps[0].Defenses[0]
	if err := s.CompleteDeliveries(ctx, []string{tasks[0].ID}, []secmaster.DeliveryResult{{PolicyID: ps[0].ID, EntryID: d.ID,
		TaskID: d.PendingTaskID, Fresh: true, Enforce: secmaster.Enforcements(ps[0], d)}}, ps); err != nil {
		t.Fatal(err)
	}
	check(1, 1)
}

// An import logs one change-log row per defense entry, not per enforced
// row; a reader of the changes after its cursor gets every imported row,
// and the rows of a deleted imported policy as gone.
func TestImportLogsWholeEntries(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	db := openDSN(t, dsn)
	s := db.SecMaster()
	w, newPolicy := smFixture(t, s)
	cursor, err := db.EnforcementCursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ps []*secmaster.Policy
	tk := &secmaster.Task{}
	for i := range 3 {
		p, t1 := newPolicy(i, false)
		if i == 0 {
			tk = t1
		}
		p.TaskID = tk.ID
		ps = append(ps, p)
	}
	tk.PolicyIDs = []string{ps[0].ID, ps[1].ID, ps[2].ID}
	if err := s.ImportPolicies(ctx, ps, tk, secmaster.Quota{}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var logged int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM secmaster_enforcement_changes WHERE seq > $1`, cursor).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if logged != 3 {
		t.Fatalf("the import logged %d rows for 3 entries of 9 rows", logged)
	}
	current, gone, next, complete, err := db.EnforcementChanges(ctx, obsProject, cursor)
	if err != nil || !complete || len(current) != 9 || len(gone) != 0 || next <= cursor {
		t.Fatalf("changes: %d current, %d gone, cursor %d → %d, complete %v, %v", len(current), len(gone), cursor, next, complete, err)
	}
	if current, _, _, _, _ := db.EnforcementChanges(ctx, "another-project", cursor); len(current) != 0 {
		t.Fatalf("another project sees %d imported rows", len(current))
	}
	del := &secmaster.Task{ID: "taskdel", ProjectID: obsProject, WorkspaceID: w.ID, Action: secmaster.RecordDelete,
		State: secmaster.TaskPending, CreatedAt: time.Now(), PolicyIDs: []string{ps[0].ID}}
	if err := s.DeletePolicies(ctx, obsProject, w.ID, []string{ps[0].ID}, del); err != nil {
		t.Fatal(err)
	}
	current, gone, _, complete, err = db.EnforcementChanges(ctx, obsProject, next)
	if err != nil || !complete || len(current) != 0 || len(gone) != 3 {
		t.Fatalf("after a delete: %d current, %d gone, complete %v, %v", len(current), len(gone), complete, err)
	}
	// From before the import, the deleted entry's rows are gone and the
	// others current, each row once.
	current, gone, _, _, _ = db.EnforcementChanges(ctx, obsProject, cursor)
	if len(current) != 6 || len(gone) != 3 {
		t.Fatalf("from before the import: %d current, %d gone", len(current), len(gone))
	}
}
