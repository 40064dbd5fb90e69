package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/postgres"
	"github.com/rampartsec/rampart/internal/postgres/pgtest"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/storetest"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// openDSN opens the store at dsn and closes it when the test ends.
func openDSN(tb testing.TB, dsn string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mustOpen opens a fresh, empty store.
func mustOpen(tb testing.TB) *postgres.DB {
	tb.Helper()
	return openDSN(tb, pgtest.Schema(tb))
}

func TestIdentityConformance(t *testing.T) {
	storetest.RunIdentity(t, func(t *testing.T) rampart.IdentityStore { return mustOpen(t) })
}

func TestWorkspaceConformance(t *testing.T) {
	storetest.RunWorkspace(t, func(t *testing.T) workspace.Store { return mustOpen(t) })
}

func TestRevisionsConformance(t *testing.T) {
	storetest.RunRevisions(t, func(t *testing.T) storetest.RevisionBackend { return mustOpen(t) })
}

func TestBouncerConformance(t *testing.T) {
	storetest.RunBouncer(t, func(t *testing.T) bouncer.Store { return mustOpen(t) })
}

func TestPingAndReopenKeepData(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(ctx, &rampart.Account{ID: "0123456789abcdef0123456789abcdef", Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.Ping(ctx); err == nil {
		t.Fatal("Ping of a closed store succeeded")
	}
	db = openDSN(t, dsn)
	if _, err := db.FindAccountByName(ctx, "acme"); err != nil {
		t.Fatalf("account lost across reopen: %v", err)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	for name, tc := range map[string]struct {
		dsn  string
		opts postgres.Options
		want string
	}{
		"not a DSN":           {dsn: "postgres://%zz", want: "postgres:"},
		"schema missing":      {dsn: pgtest.WithSearchPath(t, dsn, "t_no_such_schema"), want: "no existing schema"},
		"negative pool":       {dsn: dsn, opts: postgres.Options{MaxConns: -1}, want: "negative"},
		"min above max conns": {dsn: dsn, opts: postgres.Options{MaxConns: 2, MinConns: 3}, want: "exceed"},
	} {
		t.Run(name, func(t *testing.T) {
			db, err := postgres.Open(ctx, tc.dsn, tc.opts)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// Nodes that start together on an empty database each open the store; the
// migrations run once, under the advisory lock, and every Open succeeds
// (without the lock, concurrent CREATE TABLEs fail on each other).
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	ctx := context.Background()
	for range 3 {
		dsn := pgtest.Schema(t)
		const nodes = 6
		var wg sync.WaitGroup
		errs := make([]error, nodes)
		for i := range nodes {
			wg.Go(func() {
				db, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
				if err == nil {
					db.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d: %v", i, err)
			}
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		var versions, distinct int
		err = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&versions, &distinct)
		conn.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if versions == 0 || versions != distinct {
			t.Fatalf("schema_migrations holds %d rows for %d versions", versions, distinct)
		}
	}
}

// Nodes that start together on one empty store each try the first start's
// bootstrap, each with credentials of its own: exactly one creates its
// identities, the others find them and create nothing.
func TestBootstrapOnceAcrossNodes(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	const nodes = 5
	dbs := make([]*postgres.DB, nodes)
	for i := range dbs {
		dbs[i] = openDSN(t, dsn)
	}
	created := make([]bool, nodes)
	errs := make([]error, nodes)
	saved := make([]bool, nodes)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			b := newBootstrap(t)
			b.BeforeCommit = func() error { saved[i] = true; return nil }
			created[i], errs[i] = db.Bootstrap(ctx, b)
		})
	}
	wg.Wait()
	winners := 0
	for i := range nodes {
		if errs[i] != nil {
			t.Fatalf("node %d: %v", i, errs[i])
		}
		if created[i] {
			winners++
			if !saved[i] {
				t.Fatalf("node %d created the identities without saving its credentials", i)
			}
		}
	}
	if winners != 1 {
		t.Fatalf("%d nodes bootstrapped, want 1", winners)
	}
	for _, db := range dbs {
		ps, err := db.FindProjects(ctx, rampart.ProjectFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 {
			t.Fatalf("%d projects after the bootstrap, want 1", len(ps))
		}
	}
}

// newBootstrap returns first-start identities with fresh IDs and names.
func newBootstrap(tb testing.TB) *rampart.Bootstrap {
	id := func() string {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			tb.Fatal(err)
		}
		return hex.EncodeToString(b)
	}
	acct, user, proj := id(), id(), id()
	return &rampart.Bootstrap{
		Account:   rampart.Account{ID: acct, Name: "acct-" + acct[:8]},
		User:      rampart.User{ID: user, AccountID: acct, Name: "admin", PasswordHash: "x", Enabled: true},
		Project:   rampart.Project{ID: proj, AccountID: acct, Name: "region-1", Enabled: true},
		AccessKey: rampart.AccessKey{AccessKey: "AK" + id()[:18], SecretKey: id(), UserID: user, Active: true},
	}
}

// Two nodes update one policy at once, many times: every update reads the
// result of the previous one (the policy's row is locked for the update),
// so none is lost, and the revision counts every write.
func TestConcurrentUpdatesFromTwoNodesLoseNothing(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	const project = "00112233445566778899aabbccddeeff"
	p := &workspace.AccessPolicy{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ProjectID: project, Name: workspace.NamePrivateAccess,
		BlacklistType: workspace.BlacklistInternet, AccessControlType: workspace.ControlIPWhiteList,
		CreatedAt: time.Unix(1_700_000_000, 0)}
	if err := a.CreateAccessPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	const perNode = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*perNode)
	for n, db := range []*postgres.DB{a, b} {
		wg.Go(func() {
			for i := range perNode {
				errs <- db.UpdateAccessPolicy(ctx, project, p.ID, func(p *workspace.AccessPolicy) error {
					e, err := workspace.ParseIPEntry("ip", "10."+strconv.Itoa(n)+"."+strconv.Itoa(i)+".1", "255.255.255.255")
					p.IPs = append(p.IPs, e)
					return err
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ps, rev, err := b.LoadAccessPolicies(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || len(ps[0].IPs) != 2*perNode {
		t.Fatalf("policy holds %d addresses after %d appends", len(ps[0].IPs), 2*perNode)
	}
	if rev != 1+2*perNode {
		t.Fatalf("revision = %d after %d writes", rev, 1+2*perNode)
	}
}

func TestSecMasterConformance(t *testing.T) {
	storetest.RunSecMaster(t, func(t *testing.T) secmaster.Store { return mustOpen(t).SecMaster() })
}

// Two nodes complete the same delivery at once: each entry's result is
// applied once, so the policy gets one delivery record and the task is done.
func TestSecMasterDeliveryCompletedByTwoNodesRecordsOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	a, b := openDSN(t, dsn).SecMaster(), openDSN(t, dsn).SecMaster()
	now := time.Now().UTC().Truncate(time.Millisecond)
	project := "0123456789abcdef0123456789abcde0"
	w := &secmaster.Workspace{ID: "ws000000000000000000000000000001", ProjectID: project, Name: "main", CreatedAt: now, UpdatedAt: now}
	if err := a.CreateWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	const policies = 20
	for i := range policies {
		tk := &secmaster.Task{ID: fmt.Sprintf("task%028d", i), ProjectID: project, WorkspaceID: w.ID, Action: secmaster.RecordCreate,
			State: secmaster.TaskPending, CreatedAt: now}
		p := &secmaster.Policy{ID: fmt.Sprintf("pol%029d", i), ProjectID: project, WorkspaceID: w.ID,
			BlockTarget: fmt.Sprintf("10.0.0.%d", i), Type: secmaster.TypeSourceIP, Category: secmaster.CategoryBlock,
			State: secmaster.StateActive, TaskID: tk.ID, CreatedAt: now, UpdatedAt: now,
			Defenses: []secmaster.DefenseEntry{{ID: fmt.Sprintf("def%029d", i), DefenseType: secmaster.LayerWAF,
				TargetProjectID: project, BlockStatus: secmaster.BlockPending, SyncStatus: secmaster.SyncPending,
				PendingTaskID: tk.ID, UpdatedAt: now}}}
		tk.PolicyIDs = []string{p.ID}
		if err := a.CreatePolicies(ctx, []*secmaster.Policy{p}, tk, secmaster.Quota{}); err != nil {
			t.Fatal(err)
		}
	}
	tasks, ps, err := a.PendingTasks(ctx, 100)
	if err != nil || len(tasks) != policies || len(ps) != policies {
		t.Fatalf("pending: %d tasks, %d policies, %v", len(tasks), len(ps), err)
	}
	var ids []string
	for _, tk := range tasks {
		ids = append(ids, tk.ID)
	}
	var rs []secmaster.DeliveryResult
	for _, p := range ps {
		d := &p.Defenses[0]
		rs = append(rs, secmaster.DeliveryResult{PolicyID: p.ID, EntryID: d.ID, TaskID: d.PendingTaskID, Fresh: true,
			Enforce: secmaster.Enforcements(p, d)})
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range []secmaster.Store{a, b} {
		wg.Go(func() { errs[i] = s.CompleteDeliveries(ctx, ids, rs, ps) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, n, err := b.SearchRecords(ctx, secmaster.Query{ProjectID: project, WorkspaceID: w.ID, Limit: 1000,
		Conditions: []secmaster.Condition{{Field: "action", Op: secmaster.OpEq, Values: []string{secmaster.RecordDeliver}}}})
	if err != nil || n != policies {
		t.Fatalf("%d delivery records for %d policies (%v)", n, policies, err)
	}
	if left, _, _ := b.PendingTasks(ctx, 100); len(left) != 0 {
		t.Fatalf("%d tasks left pending", len(left))
	}
	if es, err := b.Enforcements(ctx, project, secmaster.LayerWAF, now); err != nil || len(es) != policies {
		t.Fatalf("%d rows enforced, %v", len(es), err)
	}
}

func TestWAFConformance(t *testing.T) {
	newStore := func(t *testing.T) waf.Store { return mustOpen(t) }
	for name, run := range map[string]func(*testing.T, func(*testing.T) waf.Store){
		"Base": storetest.RunWAF, "Certificates": storetest.RunWAFCertificates, "Ignore": storetest.RunWAFIgnore,
		"Custom": storetest.RunWAFCustom, "CC": storetest.RunWAFCC, "Punishment": storetest.RunWAFPunishment,
		"ValueList": storetest.RunWAFValueList,
	} {
		t.Run(name, func(t *testing.T) { run(t, newStore) })
	}
}

func TestWAFEventConformance(t *testing.T) {
	storetest.RunWAFEvents(t, func(t *testing.T) waf.EventStore { return mustOpen(t) })
}

func TestWAFDashboardConformance(t *testing.T) {
	storetest.RunWAFDashboard(t, func(t *testing.T) storetest.DashboardStore { return mustOpen(t) })
}

// One API server at a time: a second claim fails until the first is
// released, and a released claim can be taken again.
func TestClaimSoleServer(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	release, err := a.ClaimSoleServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ClaimSoleServer(ctx); !errors.Is(err, postgres.ErrServerRunning) {
		t.Fatalf("second claim: %v, want ErrServerRunning", err)
	}
	release()
	again, err := b.ClaimSoleServer(ctx)
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	again()
}

// The decision engine reads only the changed rows through these logs when
// the store has them (cmd/rampart/wiring.go).
var (
	_ enforce.WhiteBlackIPLog = (*postgres.DB)(nil)
	_ enforce.EnforcementLog  = (*postgres.DB)(nil)
)
