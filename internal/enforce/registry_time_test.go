package enforce_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/workspace"
)

// Seeded random SecMaster writes from one project to its own layers and
// another project's, with the clock moving so that policies age out (some
// before the aging worker has run, some after) while the registry polls in
// the background: after each step and one refresh, both projects' engines
// decide like a fresh full load and build, and the other project's CFW
// change stream holds the entries the full load has in force.
func TestRegistryMatchesFullLoadAcrossProjectsAndTime(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var clock atomic.Int64 // the test's clock, in Unix nanoseconds
	clock.Store(time.Now().Truncate(time.Millisecond).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	sm := secmaster.New(db.SecMaster(), secmaster.Config{Now: now, Targets: anyTarget{}})
	ws := workspace.New(db, workspace.Config{})
	src := enforce.Sources{SecMaster: sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: ws, Revisions: db}
	reg := enforce.NewRegistry(src, nil, now, nil)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { reg.Run(rctx, 5*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	r := rand.New(rand.NewPCG(11, 11))
	wss, _, err := sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: projA})
	if err != nil || len(wss) == 0 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	wsID := wss[0].ID
	ipPool := []string{"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "10.2.0.0/16", "2001:db8::/32", "2001:db8::7"}
	probes := []netip.Addr{netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.9.9"), netip.MustParseAddr("10.2.0.1"),
		netip.MustParseAddr("10.9.9.9"), netip.MustParseAddr("2001:db8::7"), netip.MustParseAddr("2001:db8::8")}
	layerPool := []string{secmaster.LayerWAF, secmaster.LayerCFW, secmaster.LayerVPC}
	for _, p := range []string{projA, projB} {
		if _, err := reg.Engine(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := reg.Entries(ctx, projB, decision.LayerCFW); err != nil {
		t.Fatal(err)
	}
	limit := 1000
	writes := 0
	for step := range 80 {
		switch k := r.IntN(10); {
		case k < 5:
			typ := secmaster.TypeSourceIP
			cat := []string{secmaster.CategoryBlock, secmaster.CategoryWhite}[r.IntN(2)]
			ageing := r.IntN(2) == 0
			age := &secmaster.BlockAge{IsBlockAgeing: &ageing}
			if ageing {
				age.BlockAgeing = fmt.Sprint(now().Add(time.Duration(1+r.IntN(300)) * time.Second).UnixMilli())
			}
			var defs []secmaster.DefenseInput
			for i, target := range []string{projA, projB} {
				if i == 0 && r.IntN(3) == 0 || i == 1 && r.IntN(3) > 0 {
					defs = append(defs, secmaster.DefenseInput{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r",
						ConnectionRegionName: "r", DefenseType: layerPool[r.IntN(len(layerPool))], TargetEnterpriseID: "0",
						TargetEnterpriseName: "d", TargetProjectID: target, TargetProjectName: "tp"})
				}
			}
			if len(defs) == 0 {
				continue
			}
			in := &secmaster.PolicyInput{BlockAge: age, BlockTarget: ipPool[r.IntN(len(ipPool))], Category: cat, PolicyType: &typ,
				RegionID: "r", Defenses: defs}
			if _, err := sm.CreatePolicy(asOperator(), projA, wsID, in); err == nil {
				writes++
			}
		case k < 8:
			ps, _, _, err := sm.SearchPolicies(ctx, projA, wsID, secmaster.SearchInput{Limit: &limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				continue
			}
			id := ps[r.IntN(len(ps))].ID
			if k < 7 {
				cat := []string{secmaster.CategoryBlock, secmaster.CategoryWhite}[r.IntN(2)]
				if _, err := sm.UpdatePolicies(ctx, projA, wsID, id, nil, &secmaster.PolicyPatch{Category: &cat}); err == nil {
					writes++
				}
			} else if _, err := sm.DeletePolicies(ctx, projA, wsID, []string{id}); err == nil {
				writes++
			}
		default:
			clock.Add(int64(time.Duration(r.IntN(120)) * time.Second))
		}
		if r.IntN(4) > 0 {
			if _, err := sm.DeliverPending(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if r.IntN(3) == 0 {
			if _, err := sm.ExpireDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := reg.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		at := now()
		for _, p := range []string{projA, projB} {
			model, err := enforce.Load(ctx, src, p)
			if err != nil {
				t.Fatal(err)
			}
			full, err := engine.New(model, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			inc, err := reg.Engine(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, ip := range probes {
				for _, l := range []engine.Layer{engine.LayerWAF, engine.LayerCFW, engine.LayerVPC} {
					if x, y := inc.DecideIP(l, ip, at), full.DecideIP(l, ip, at); x != y {
						t.Fatalf("step %d: project %s: DecideIP(%s, %s): registry %+v, full load %+v", step, p[:4], l, ip, x, y)
					}
				}
			}
			if p != projB {
				continue
			}
			var want []string
			for _, en := range model.Emergency {
				if en.Layer == engine.LayerCFW && (en.Expires.IsZero() || en.Expires.After(at)) {
					want = append(want, fmt.Sprint(en.Category, en.PolicyID, en.Prefix, en.Expires.UnixMilli()))
				}
			}
			es, _, err := reg.Entries(ctx, projB, decision.LayerCFW)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, en := range es {
				cat := engine.CategoryWhite
				if en.Block {
					cat = engine.CategoryBlock
				}
				got = append(got, fmt.Sprint(cat, en.PolicyID, en.Prefix, en.Expires.UnixMilli()))
			}
			slices.Sort(want)
			want = slices.Compact(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: project B's CFW feed holds %v, the full load %v", step, got, want)
			}
		}
	}
	if writes < 20 {
		t.Fatalf("only %d writes succeeded: the test exercised little", writes)
	}
}
