package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// RunSecMaster runs the secmaster.Store conformance tests. newStore must
// return a fresh, empty store for each call.
func RunSecMaster(t *testing.T, newStore func(t *testing.T) secmaster.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	ws := func(project, name string) *secmaster.Workspace {
		return &secmaster.Workspace{ID: newID(t), ProjectID: project, Name: name, RegionID: "r", ProjectName: "p",
			CreatedAt: now, UpdatedAt: now}
	}
	policy := func(w *secmaster.Workspace, target string, task string) *secmaster.Policy {
		return &secmaster.Policy{ID: newID(t), ProjectID: w.ProjectID, WorkspaceID: w.ID, BlockTarget: target,
			Type: secmaster.TypeSourceIP, Category: secmaster.CategoryBlock, RegionID: "r", State: secmaster.StateActive,
			TaskID: task, CreatedAt: now, UpdatedAt: now,
			Defenses: []secmaster.DefenseEntry{{ID: newID(t), ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r",
				ConnectionRegionName: "r", DefenseType: secmaster.LayerWAF, TargetEnterpriseID: "0", TargetEnterpriseName: "d",
				TargetProjectID: "tp", TargetProjectName: "tp", BlockStatus: secmaster.BlockPending, SyncStatus: secmaster.SyncPending,
				PendingTaskID: task, UpdatedAt: now}}}
	}
	task := func(w *secmaster.Workspace, action string, ids ...string) *secmaster.Task {
		return &secmaster.Task{ID: newID(t), ProjectID: w.ProjectID, WorkspaceID: w.ID, Action: action,
			State: secmaster.TaskPending, PolicyIDs: ids, CreatedAt: now}
	}
	setup := func(t *testing.T) (secmaster.Store, *secmaster.Workspace) {
		s := newStore(t)
		w := ws(newID(t), "main")
		must(t, s.CreateWorkspace(ctx, w))
		return s, w
	}
	// create stores one policy and returns it with its task.
	create := func(t *testing.T, s secmaster.Store, w *secmaster.Workspace, target string) (*secmaster.Policy, *secmaster.Task) {
		t.Helper()
		tk := task(w, secmaster.RecordCreate)
		p := policy(w, target, tk.ID)
		tk.PolicyIDs = []string{p.ID}
		must(t, s.CreatePolicies(ctx, []*secmaster.Policy{p}, tk, secmaster.Quota{}))
		return p, tk
	}
	deliverAll := func(t *testing.T, s secmaster.Store) {
		t.Helper()
		tasks, ps, err := s.PendingTasks(ctx, 1000)
		must(t, err)
		var rs []secmaster.DeliveryResult
		for _, p := range ps {
			for i := range p.Defenses {
				d := &p.Defenses[i]
				rs = append(rs, secmaster.DeliveryResult{PolicyID: p.ID, EntryID: d.ID, TaskID: d.PendingTaskID,
					Enforce: secmaster.Enforcements(p, d)})
			}
		}
		var ids []string
		for _, tk := range tasks {
			ids = append(ids, tk.ID)
		}
		must(t, s.CompleteDeliveries(ctx, ids, rs, ps))
	}

	t.Run("Workspaces", func(t *testing.T) {
		s, w := setup(t)
		wantKind(t, s.CreateWorkspace(ctx, ws(w.ProjectID, "main")), rampart.KindConflict)
		must(t, s.CreateWorkspace(ctx, ws(newID(t), "main"))) // the name is free in another project
		got, err := s.FindWorkspace(ctx, w.ProjectID, w.ID)
		must(t, err)
		if got.Name != "main" || got.RegionID != "r" || !got.CreatedAt.Equal(now) {
			t.Fatalf("workspace = %+v", got)
		}
		_, err = s.FindWorkspace(ctx, newID(t), w.ID)
		wantKind(t, err, rampart.KindNotFound)
		for i := range 3 {
			must(t, s.CreateWorkspace(ctx, ws(w.ProjectID, fmt.Sprintf("w%d", i))))
		}
		page, total, err := s.FindWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: w.ProjectID, Limit: 2, Offset: 3})
		must(t, err)
		if total != 4 || len(page) != 1 {
			t.Fatalf("page: total %d, %d items", total, len(page))
		}
		page, total, err = s.FindWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: w.ProjectID, Name: "w", Limit: 10})
		must(t, err)
		if total != 3 || len(page) != 3 {
			t.Fatalf("name filter: %d %d", total, len(page))
		}
		w.Name, w.Description = "renamed", "d"
		must(t, s.UpdateWorkspace(ctx, w))
		got, _ = s.FindWorkspace(ctx, w.ProjectID, w.ID)
		if got.Name != "renamed" || got.Description != "d" {
			t.Fatalf("after update: %+v", got)
		}
		p, _ := create(t, s, w, "1.2.3.4")
		wantKind(t, s.DeleteWorkspace(ctx, w.ProjectID, w.ID), rampart.KindInUse)
		must(t, s.DeletePolicies(ctx, w.ProjectID, w.ID, []string{p.ID}, task(w, secmaster.RecordDelete, p.ID)))
		must(t, s.DeleteWorkspace(ctx, w.ProjectID, w.ID))
		wantKind(t, s.DeleteWorkspace(ctx, w.ProjectID, w.ID), rampart.KindNotFound)
		wantKind(t, s.UpdateWorkspace(ctx, w), rampart.KindNotFound)
	})

	t.Run("DefaultWorkspaceOnce", func(t *testing.T) {
		s := newStore(t)
		project := newID(t)
		d := ws(project, secmaster.DefaultWorkspaceName)
		created, err := s.EnsureDefaultWorkspace(ctx, d)
		must(t, err)
		if !created {
			t.Fatal("not created")
		}
		created, err = s.EnsureDefaultWorkspace(ctx, ws(project, secmaster.DefaultWorkspaceName))
		must(t, err)
		if created {
			t.Fatal("created twice")
		}
		must(t, s.DeleteWorkspace(ctx, project, d.ID))
		created, err = s.EnsureDefaultWorkspace(ctx, ws(project, secmaster.DefaultWorkspaceName))
		must(t, err)
		if created {
			t.Fatal("a deleted default workspace came back")
		}
	})

	t.Run("PolicyRoundTripAndIsolation", func(t *testing.T) {
		s, w := setup(t)
		p, tk := create(t, s, w, "1.2.3.4,10.0.0.0/8")
		got, err := s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID)
		must(t, err)
		if got.BlockTarget != p.BlockTarget || got.TaskID != tk.ID || len(got.Defenses) != 1 ||
			got.Defenses[0].BlockStatus != secmaster.BlockPending || got.Defenses[0].TargetProjectID != "tp" {
			t.Fatalf("policy = %+v", got)
		}
		_, err = s.FindPolicy(ctx, newID(t), w.ID, p.ID)
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindPolicy(ctx, w.ProjectID, newID(t), p.ID)
		wantKind(t, err, rampart.KindNotFound)
		ft, err := s.FindTask(ctx, w.ProjectID, tk.ID)
		must(t, err)
		if ft.State != secmaster.TaskPending || len(ft.PolicyIDs) != 1 || ft.PolicyIDs[0] != p.ID {
			t.Fatalf("task = %+v", ft)
		}
		_, err = s.FindTask(ctx, newID(t), tk.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("Quota", func(t *testing.T) {
		s, w := setup(t)
		q := secmaster.Quota{MaxPolicies: 2, MaxAgeing: 1}
		add := func(ageing bool) error {
			tk := task(w, secmaster.RecordCreate)
			p := policy(w, "1.1.1.1", tk.ID)
			p.Ageing, p.AgeingAt = ageing, now.Add(time.Hour)
			return s.CreatePolicies(ctx, []*secmaster.Policy{p}, tk, q)
		}
		must(t, add(true))
		wantKind(t, add(true), rampart.KindQuota)
		must(t, add(false))
		wantKind(t, add(false), rampart.KindQuota)
		_, total, err := s.SearchPolicies(ctx, secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, Limit: 10})
		must(t, err)
		if total != 2 {
			t.Fatalf("stored %d policies", total)
		}
	})

	t.Run("QuotaUnderConcurrency", func(t *testing.T) {
		s, w := setup(t)
		q := secmaster.Quota{MaxPolicies: 20}
		errs := make(chan error, 50)
		for i := range 50 {
			go func() {
				tk := task(w, secmaster.RecordCreate)
				p := policy(w, fmt.Sprintf("10.0.1.%d", i), tk.ID)
				tk.PolicyIDs = []string{p.ID}
				errs <- s.CreatePolicies(ctx, []*secmaster.Policy{p}, tk, q)
			}()
		}
		ok, quota := 0, 0
		for range 50 {
			switch err := <-errs; rampart.ErrorKind(err) {
			case "":
				ok++
			case rampart.KindQuota:
				quota++
			default:
				t.Fatalf("create: %v", err)
			}
		}
		_, total, err := s.SearchPolicies(ctx, secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, Limit: 100})
		must(t, err)
		tasks, _, err := s.PendingTasks(ctx, 100)
		must(t, err)
		if ok != 20 || quota != 30 || total != 20 || len(tasks) != 20 {
			t.Fatalf("ok %d, quota %d, stored %d, tasks %d", ok, quota, total, len(tasks))
		}
	})

	t.Run("Search", func(t *testing.T) {
		s, w := setup(t)
		for i := range 5 {
			create(t, s, w, fmt.Sprintf("10.0.0.%d", i))
		}
		q := secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, Limit: 2, Offset: 4,
			Sort: []secmaster.Sort{{Field: "block_target"}}}
		ps, total, err := s.SearchPolicies(ctx, q)
		must(t, err)
		if total != 5 || len(ps) != 1 || ps[0].BlockTarget != "10.0.0.4" || len(ps[0].Defenses) != 1 {
			t.Fatalf("last page: %d %v", total, ps)
		}
		q.Offset = 5
		ps, total, err = s.SearchPolicies(ctx, q)
		must(t, err)
		if total != 5 || len(ps) != 0 {
			t.Fatalf("past the end: %d %d", total, len(ps))
		}
		q = secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, Limit: 10,
			Conditions: []secmaster.Condition{{Field: "block_target", Op: secmaster.OpEq, Values: []string{"10.0.0.1", "10.0.0.3"}},
				{Field: "defense_type", Op: secmaster.OpEq, Values: []string{"WAF"}}},
			Logics: []string{"AND"}}
		_, total, err = s.SearchPolicies(ctx, q)
		must(t, err)
		if total != 2 {
			t.Fatalf("conditions matched %d", total)
		}
		_, total, err = s.SearchPolicies(ctx, secmaster.Query{ProjectID: newID(t), WorkspaceID: w.ID, Limit: 10})
		must(t, err)
		if total != 0 {
			t.Fatal("another project sees the policies")
		}
	})

	t.Run("DeliveryInParts", func(t *testing.T) {
		s, w := setup(t)
		p, tk := create(t, s, w, "10.0.0.1,10.0.0.2,10.0.0.3")
		tasks, ps, err := s.PendingTasks(ctx, 10)
		must(t, err)
		d := &ps[0].Defenses[0]
		rows := secmaster.Enforcements(ps[0], d)
		ids := []string{tasks[0].ID}
		// A part stores its rows; the entry and the task stay pending, and
		// no delivery record is written yet. A part stored twice counts once.
		for range 2 {
			must(t, s.CompleteDeliveries(ctx, ids, []secmaster.DeliveryResult{{PolicyID: p.ID, EntryID: d.ID, TaskID: tk.ID,
				Fresh: true, Partial: true, Enforce: rows[:2]}}, ps))
		}
		if es, _ := s.Enforcements(ctx, "tp", secmaster.LayerWAF, now); len(es) != 2 {
			t.Fatalf("after the first part: %v", es)
		}
		if tasks, _, _ := s.PendingTasks(ctx, 10); len(tasks) != 1 {
			t.Fatal("task done after a part")
		}
		if got, _ := s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID); got.Defenses[0].BlockStatus != secmaster.BlockPending {
			t.Fatalf("entry after a part: %+v", got.Defenses[0])
		}
		if _, n, _ := s.SearchRecords(ctx, secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, PolicyID: p.ID, Limit: 10,
			Conditions: []secmaster.Condition{{Field: "action", Op: secmaster.OpEq, Values: []string{secmaster.RecordDeliver}}}}); n != 0 {
			t.Fatalf("%d delivery records after a part", n)
		}
		// The last part completes the entry and the task.
		must(t, s.CompleteDeliveries(ctx, ids, []secmaster.DeliveryResult{{PolicyID: p.ID, EntryID: d.ID, TaskID: tk.ID,
			Fresh: true, Enforce: rows[2:]}}, ps))
		if es, _ := s.Enforcements(ctx, "tp", secmaster.LayerWAF, now); len(es) != 3 {
			t.Fatalf("after the last part: %v", es)
		}
		if tasks, _, _ := s.PendingTasks(ctx, 10); len(tasks) != 0 {
			t.Fatal("task pending after the last part")
		}
		if _, n, _ := s.SearchRecords(ctx, secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, PolicyID: p.ID, Limit: 10,
			Conditions: []secmaster.Condition{{Field: "action", Op: secmaster.OpEq, Values: []string{secmaster.RecordDeliver}}}}); n != 1 {
			t.Fatalf("%d delivery records after the last part", n)
		}
		// A part of an entry no longer pending for its task is ignored.
		must(t, s.DeletePolicies(ctx, w.ProjectID, w.ID, []string{p.ID}, task(w, secmaster.RecordDelete, p.ID)))
		must(t, s.CompleteDeliveries(ctx, nil, []secmaster.DeliveryResult{{PolicyID: p.ID, EntryID: d.ID, TaskID: tk.ID,
			Fresh: true, Partial: true, Enforce: rows[:1]}}, ps))
		if es, _ := s.Enforcements(ctx, "tp", secmaster.LayerWAF, now); len(es) != 0 {
			t.Fatalf("a stale part was stored: %v", es)
		}
	})

	t.Run("DeliveryUpdateRetryDelete", func(t *testing.T) {
		s, w := setup(t)
		p, tk := create(t, s, w, "1.2.3.4")
		tasks, ps, err := s.PendingTasks(ctx, 10)
		must(t, err)
		if len(tasks) != 1 || tasks[0].ID != tk.ID || len(ps) != 1 || len(ps[0].Defenses) != 1 {
			t.Fatalf("pending: %v %v", tasks, ps)
		}
		entry := ps[0].Defenses[0].ID
		// A failed delivery leaves nothing enforced.
		must(t, s.CompleteDeliveries(ctx, []string{tk.ID}, []secmaster.DeliveryResult{{PolicyID: p.ID, EntryID: entry, TaskID: tk.ID, Failure: "down", Fresh: true}}, ps))
		got, _ := s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID)
		if d := got.Defenses[0]; d.BlockStatus != secmaster.BlockFailed || d.FailureDescription != "down" || d.SyncStatus != secmaster.SyncFailed {
			t.Fatalf("after failure: %+v", d)
		}
		if tasks, _, _ := s.PendingTasks(ctx, 10); len(tasks) != 0 {
			t.Fatal("task still pending")
		}
		es, err := s.Enforcements(ctx, "tp", secmaster.LayerWAF, now)
		must(t, err)
		if len(es) != 0 {
			t.Fatalf("failed entry enforced: %v", es)
		}
		// Retry queues the failed entry; a stale result of the old task is ignored.
		rt := task(w, secmaster.RecordRetry, p.ID)
		must(t, s.RetryPolicies(ctx, w.ProjectID, w.ID, []string{p.ID}, rt))
		must(t, s.CompleteDeliveries(ctx, nil, []secmaster.DeliveryResult{{PolicyID: p.ID, EntryID: entry, TaskID: tk.ID}}, ps))
		if got, _ := s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID); got.Defenses[0].BlockStatus != secmaster.BlockPending {
			t.Fatalf("stale result applied: %+v", got.Defenses[0])
		}
		deliverAll(t, s)
		es, _ = s.Enforcements(ctx, "tp", secmaster.LayerWAF, now)
		if len(es) != 1 || es[0].Object != "1.2.3.4" || es[0].PolicyID != p.ID {
			t.Fatalf("after retry: %v", es)
		}
		// An update whose function fails changes nothing.
		boom := errors.New("boom")
		err = s.UpdatePolicies(ctx, w.ProjectID, w.ID, []string{p.ID}, task(w, secmaster.RecordUpdate, p.ID), secmaster.Quota{},
			func(p *secmaster.Policy) error { p.Description = "changed"; return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("update error = %v", err)
		}
		err = s.UpdatePolicies(ctx, w.ProjectID, w.ID, []string{p.ID, newID(t)}, task(w, secmaster.RecordUpdate, p.ID), secmaster.Quota{},
			func(p *secmaster.Policy) error { p.Description = "changed"; return nil })
		wantKind(t, err, rampart.KindNotFound)
		if got, _ := s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID); got.Description != "" {
			t.Fatal("failed update stored")
		}
		// Dropping the entry lifts it.
		must(t, s.UpdatePolicies(ctx, w.ProjectID, w.ID, []string{p.ID}, task(w, secmaster.RecordUpdate, p.ID), secmaster.Quota{},
			func(p *secmaster.Policy) error {
				d := p.Defenses[0]
				d.ID, d.DefenseType, d.TargetProjectID, d.ConnectionID = newID(t), secmaster.LayerCFW, "tp2", "c2"
				d.BlockStatus, d.PendingTaskID = secmaster.BlockPending, "x"
				p.Defenses = []secmaster.DefenseEntry{d}
				return nil
			}))
		if es, _ := s.Enforcements(ctx, "tp", secmaster.LayerWAF, now); len(es) != 0 {
			t.Fatalf("dropped entry still enforced: %v", es)
		}
		// Delete: unknown ids change nothing; known ones are lifted.
		wantKind(t, s.DeletePolicies(ctx, w.ProjectID, w.ID, []string{p.ID, newID(t)}, task(w, secmaster.RecordDelete)), rampart.KindNotFound)
		must(t, s.DeletePolicies(ctx, w.ProjectID, w.ID, []string{p.ID}, task(w, secmaster.RecordDelete, p.ID)))
		_, err = s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID)
		wantKind(t, err, rampart.KindNotFound)
		rs, total, err := s.SearchRecords(ctx, secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, PolicyID: p.ID, Limit: 100})
		must(t, err)
		want := []string{secmaster.RecordDelete, secmaster.RecordUpdate, secmaster.RecordDeliver, secmaster.RecordRetry,
			secmaster.RecordDeliver, secmaster.RecordCreate}
		if total != len(want) {
			t.Fatalf("%d records, want %d", total, len(want))
		}
		for i, r := range rs {
			if r.Action != want[i] || r.Policy == nil || r.Policy.ID != p.ID {
				t.Fatalf("record %d = %s (%+v), want %s", i, r.Action, r.Policy, want[i])
			}
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		s, w := setup(t)
		tk := task(w, secmaster.RecordCreate)
		p := policy(w, "1.2.3.4", tk.ID)
		p.Ageing, p.AgeingAt = true, now.Add(time.Minute)
		tk.PolicyIDs = []string{p.ID}
		must(t, s.CreatePolicies(ctx, []*secmaster.Policy{p}, tk, secmaster.Quota{}))
		keep, _ := create(t, s, w, "5.6.7.8")
		deliverAll(t, s)
		if es, _ := s.Enforcements(ctx, "tp", secmaster.LayerWAF, now); len(es) != 2 {
			t.Fatalf("enforced %d", len(es))
		}
		if es, _ := s.Enforcements(ctx, "tp", secmaster.LayerWAF, p.AgeingAt); len(es) != 1 || es[0].PolicyID != keep.ID {
			t.Fatalf("at the aging time: %v", es)
		}
		n, err := s.ExpirePolicies(ctx, p.AgeingAt.Add(-time.Millisecond), 10)
		must(t, err)
		if n != 0 {
			t.Fatal("expired early")
		}
		n, err = s.ExpirePolicies(ctx, p.AgeingAt, 10)
		must(t, err)
		if n != 1 {
			t.Fatalf("expired %d", n)
		}
		got, _ := s.FindPolicy(ctx, w.ProjectID, w.ID, p.ID)
		if got.State != secmaster.StateExpired || got.Defenses[0].BlockStatus != secmaster.BlockExpired {
			t.Fatalf("after expiry: %+v", got)
		}
		if n, _ := s.ExpirePolicies(ctx, p.AgeingAt.Add(time.Hour), 10); n != 0 {
			t.Fatal("expired twice")
		}
		rs, _, err := s.SearchRecords(ctx, secmaster.Query{ProjectID: w.ProjectID, WorkspaceID: w.ID, PolicyID: p.ID, Limit: 1})
		must(t, err)
		if len(rs) != 1 || rs[0].Action != secmaster.RecordExpire || rs[0].Policy.BlockTarget != "1.2.3.4" {
			t.Fatalf("last record: %+v", rs)
		}
	})

	t.Run("Import", func(t *testing.T) {
		s, w := setup(t)
		other := ws(newID(t), "main")
		must(t, s.CreateWorkspace(ctx, other))
		tk := task(w, secmaster.RecordCreate)
		tk.State, tk.DoneAt = secmaster.TaskDone, now
		var ps []*secmaster.Policy
		for _, target := range []string{"10.0.0.1,10.0.0.0/8", "2001:db8::/32"} {
			p := policy(w, target, tk.ID)
			d := &p.Defenses[0]
			d.TargetProjectID, d.BlockStatus, d.SyncStatus, d.PendingTaskID, d.DeliveredAt = w.ProjectID, secmaster.BlockInForce, secmaster.SyncDone, "", now
			tk.PolicyIDs = append(tk.PolicyIDs, p.ID)
			ps = append(ps, p)
		}
		ps[1].Ageing, ps[1].AgeingAt = true, now.Add(time.Hour)
		if err := s.ImportPolicies(ctx, ps, tk, secmaster.Quota{MaxPolicies: 1}); rampart.ErrorKind(err) != rampart.KindQuota {
			t.Fatalf("over the quota: %v", err)
		}
		if es, _ := s.Enforcements(ctx, w.ProjectID, secmaster.LayerWAF, now); len(es) != 0 {
			t.Fatalf("a refused import left %d rows", len(es))
		}
		must(t, s.ImportPolicies(ctx, ps, tk, secmaster.Quota{}))
		es, err := s.Enforcements(ctx, w.ProjectID, secmaster.LayerWAF, now)
		must(t, err)
		if len(es) != 3 {
			t.Fatalf("enforced %d rows: %v", len(es), es)
		}
		for _, e := range es {
			if e.Category != secmaster.CategoryBlock || (e.PolicyID == ps[1].ID) != e.ExpiresAt.Equal(ps[1].AgeingAt) {
				t.Fatalf("row %+v", e)
			}
		}
		if es, _ := s.Enforcements(ctx, other.ProjectID, secmaster.LayerWAF, now); len(es) != 0 {
			t.Fatalf("another project enforces %d imported rows", len(es))
		}
		got, err := s.FindPolicy(ctx, w.ProjectID, w.ID, ps[0].ID)
		must(t, err)
		if got.Defenses[0].BlockStatus != secmaster.BlockInForce || got.BlockTarget != ps[0].BlockTarget {
			t.Fatalf("imported policy: %+v", got)
		}
		if _, err := s.FindPolicy(ctx, other.ProjectID, other.ID, ps[0].ID); rampart.ErrorKind(err) != rampart.KindNotFound {
			t.Fatalf("found from another project: %v", err)
		}
		if tasks, _, _ := s.PendingTasks(ctx, 10); len(tasks) != 0 {
			t.Fatalf("an import left pending tasks: %v", tasks)
		}
		must(t, s.DeletePolicies(ctx, w.ProjectID, w.ID, []string{ps[0].ID}, task(w, secmaster.RecordDelete, ps[0].ID)))
		if es, _ := s.Enforcements(ctx, w.ProjectID, secmaster.LayerWAF, now); len(es) != 1 {
			t.Fatalf("after deleting an imported policy: %v", es)
		}
		gone := task(w, secmaster.RecordCreate)
		gone.ProjectID = other.ProjectID // w's workspace, named from another project
		if err := s.ImportPolicies(ctx, []*secmaster.Policy{policy(w, "10.9.9.9", gone.ID)}, gone, secmaster.Quota{}); rampart.ErrorKind(err) != rampart.KindNotFound {
			t.Fatalf("import into another project's workspace: %v", err)
		}
	})
}
