package enforce_test

import (
	"context"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

const (
	projA = "0123456789abcdef0123456789abcdef"
	projB = "fedcba9876543210fedcba9876543210"
)

type env struct {
	db  *sqlite.DB
	sm  *secmaster.Service
	waf *waf.Service
	ws  *workspace.Service
	reg *enforce.Registry
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db,
		sm:  secmaster.New(db.SecMaster(), secmaster.Config{Targets: anyTarget{}}),
		waf: waf.NewService(db, nil),
		ws:  workspace.New(db, workspace.Config{}),
	}
	e.reg = enforce.NewRegistry(enforce.Sources{SecMaster: e.sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: e.ws, Revisions: db}, nil, nil, nil)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { e.reg.Run(rctx, 10*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

// eventually polls cond until it holds. The deadline is generous on
// purpose: this asserts that a write takes effect, not how fast (latency is
// a measured figure, and -race on a shared machine stretches it).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not in force within 10 s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (e *env) engine(t *testing.T, project string) *engine.Engine {
	t.Helper()
	eng, err := e.reg.Engine(context.Background(), project)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// anyTarget lets every caller target every project: these tests are about
// what the engines do with cross-project entries, not about who may write
// them (internal/httpapi tests that).
type anyTarget struct{}

func (anyTarget) AuthorizeTarget(context.Context, *rampart.Principal, string, string) error {
	return nil
}
func (anyTarget) UserMayTarget(context.Context, string, string, string) error { return nil }

// asOperator is a context carrying a caller, as the HTTP layer sets one.
func asOperator() context.Context {
	return rampart.NewContextWithPrincipal(context.Background(), &rampart.Principal{UserID: "operator", UserName: "operator"})
}

func smBlock(t testing.TB, sm *secmaster.Service, owner, target, layer, typ, object string) {
	t.Helper()
	ctx := asOperator()
	wss, _, err := sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: owner})
	if err != nil || len(wss) == 0 {
		t.Fatalf("workspaces: %v %v", wss, err)
	}
	no := false
	in := &secmaster.PolicyInput{BlockAge: &secmaster.BlockAge{IsBlockAgeing: &no}, BlockTarget: object,
		Category: secmaster.CategoryBlock, PolicyType: &typ, RegionID: "r",
		Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
			DefenseType: layer, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: target, TargetProjectName: "tp"}}}
	if _, err := sm.CreatePolicy(ctx, owner, wss[0].ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.DeliverPending(ctx); err != nil {
		t.Fatal(err)
	}
}

var (
	ip1 = netip.MustParseAddr("203.0.113.7")
	ip2 = netip.MustParseAddr("198.51.100.9")
)

// A SecMaster block delivered to a project's CFW layer is in force there
// once written, and not in another project.
func TestSecMasterBlockPropagates(t *testing.T) {
	e := newEnv(t)
	if d := e.engine(t, projA).DecideIP(engine.LayerCFW, ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("before: %+v", d)
	}
	e.engine(t, projB) // loaded, so a wrong project would be refreshed too
	smBlock(t, e.sm, projA, projA, secmaster.LayerCFW, secmaster.TypeSourceIP, "203.0.113.0/24")
	eventually(t, "cfw block", func() bool {
		d := e.engine(t, projA).DecideIP(engine.LayerCFW, ip1, time.Now())
		return d.Action == engine.ActionBlock && d.RuleType == engine.RuleEmergency && d.Match.Prefix.String() == "203.0.113.0/24"
	})
	if d := e.engine(t, projA).DecideIP(engine.LayerVPC, ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("other layer: %+v", d)
	}
	if d := e.engine(t, projB).DecideIP(engine.LayerCFW, ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("other project: %+v", d)
	}

	// An IAM user block.
	smBlock(t, e.sm, projA, projA, secmaster.LayerIAM, secmaster.TypeUserName, "mallory")
	eventually(t, "iam block", func() bool {
		return e.engine(t, projA).DecideUser("mallory", time.Now()).Action == engine.ActionBlock
	})
}

// WAF rules written through the service decide requests to the policy's
// host; disabling the module lifts them.
func TestWAFRulesPropagate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	name := "www.example.com"
	proxy := false
	h, err := e.waf.CreateHost(ctx, projA, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
		Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	eng := e.engine(t, projA)
	if d := eng.DecideWAF(name, ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("before: %+v", d)
	}
	block := 0
	rules, err := e.waf.CreateWhiteBlackIPRules(ctx, projA, "0", []string{h.PolicyID}, &waf.WhiteBlackIPInput{Name: "b", Addr: "203.0.113.0/24", White: &block})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "whiteblackip block", func() bool {
		d := e.engine(t, projA).DecideWAF(name, ip1, time.Now())
		return d.Action == engine.ActionBlock && d.RuleType == engine.RuleWhiteBlackIP && d.RuleID == rules[0].ID && d.PolicyID == h.PolicyID
	})
	if d := e.engine(t, projA).DecideWAF("other.example.com", ip1, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("unbound host: %+v", d)
	}

	// An IP group rule.
	ips := "198.51.100.0/24"
	gname := "g1"
	g, err := e.waf.CreateIPGroup(ctx, projA, "0", &waf.IPGroupInput{Name: &gname, IPs: &ips})
	if err != nil {
		t.Fatal(err)
	}
	logw := 2
	if _, err := e.waf.CreateWhiteBlackIPRules(ctx, projA, "0", []string{h.PolicyID}, &waf.WhiteBlackIPInput{Name: "g", IPGroupID: g.ID, White: &logw}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ip group log", func() bool {
		return e.engine(t, projA).DecideWAF(name, ip2, time.Now()).Action == engine.ActionLog
	})

	// Turning the whiteblackip module off lifts both.
	if _, err := e.waf.UpdatePolicy(ctx, projA, h.PolicyID, &waf.PolicyUpdate{Options: map[string]bool{"whiteblackip": false}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "module off", func() bool {
		eng := e.engine(t, projA)
		return eng.DecideWAF(name, ip1, time.Now()).Action == engine.ActionAllow && eng.DecideWAF(name, ip2, time.Now()).Action == engine.ActionAllow
	})
}

// A Workspace IP whitelist is in force once written.
func TestWorkspacePolicyPropagates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if d := e.engine(t, projA).DecideWorkspace("u1", nil, ip1); d.Action != engine.ActionAllow {
		t.Fatalf("before: %+v", d)
	}
	on := true
	_, err := e.ws.Create(ctx, projA, workspace.CreateInput{Policy: &workspace.PolicyInput{
		AccessControlType: workspace.ControlIPWhiteList, Enabled: &on,
		IPs: []workspace.IPInput{{Address: "198.51.100.0", Mask: "24"}}}})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "workspace whitelist", func() bool {
		eng := e.engine(t, projA)
		return eng.DecideWorkspace("u1", nil, ip1).Action == engine.ActionBlock && eng.DecideWorkspace("u1", nil, ip2).Action == engine.ActionAllow
	})
}
