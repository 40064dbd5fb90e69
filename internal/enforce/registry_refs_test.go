package enforce

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// memSource is an in-memory project state: SecMaster enforcement rows,
// WAF policies, hosts and whiteblackip rules, no Workspace policies, and
// one revision for both families that every change bumps.
type memSource struct {
	mu    sync.Mutex
	rows  []secmaster.Enforcement
	pols  []*waf.Policy
	hosts []*waf.Host
	wbs   []*waf.WhiteBlackIPRule
	rev   int64
	fail  int // when > 0, the fail-th FindPolicies from now fails (a store error)
}

func (m *memSource) set(rows ...secmaster.Enforcement) {
	m.mu.Lock()
	m.rows = rows
	m.rev++
	m.mu.Unlock()
}

func (m *memSource) Enforcements(_ context.Context, target, layer string) ([]secmaster.Enforcement, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []secmaster.Enforcement
	for _, r := range m.rows {
		if r.TargetProjectID == target && r.Layer == layer {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memSource) Revision(_ context.Context, _ string, f rampart.Family) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f == rampart.FamilyWorkspace {
		return 0, nil
	}
	return m.rev, nil
}

func (m *memSource) Revisions(context.Context) ([]rampart.Revision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return []rampart.Revision{{ProjectID: "p", Family: rampart.FamilySecMaster, Revision: m.rev},
		{ProjectID: "p", Family: rampart.FamilyWAF, Revision: m.rev}}, nil
}

// setWAF replaces the WAF state.
func (m *memSource) setWAF(pols []*waf.Policy, hosts []*waf.Host, wbs []*waf.WhiteBlackIPRule) {
	m.mu.Lock()
	m.pols, m.hosts, m.wbs = pols, hosts, wbs
	m.rev++
	m.mu.Unlock()
}

func (m *memSource) FindPolicies(context.Context, waf.PolicyFilter) ([]*waf.Policy, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail > 0 {
		if m.fail--; m.fail == 0 {
			return nil, 0, errors.New("store unavailable")
		}
	}
	return m.pols, len(m.pols), nil
}
func (m *memSource) FindHosts(context.Context, waf.HostFilter) ([]*waf.Host, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hosts, len(m.hosts), nil
}
func (m *memSource) FindIPGroups(context.Context, waf.IPGroupFilter) ([]*waf.IPGroup, int, error) {
	return nil, 0, nil
}
func (m *memSource) FindWhiteBlackIPRules(context.Context, waf.RuleFilter) ([]*waf.WhiteBlackIPRule, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.wbs, len(m.wbs), nil
}
func (m *memSource) FindGeoIPRules(context.Context, waf.RuleFilter) ([]*waf.GeoIPRule, int, error) {
	return nil, 0, nil
}
func (m *memSource) FindReputationRules(context.Context, waf.RuleFilter) ([]*waf.ReputationRule, int, error) {
	return nil, 0, nil
}
func (m *memSource) Policies(context.Context, string) ([]*workspace.AccessPolicy, int64, error) {
	return nil, 0, nil
}

// Policies that come and go (each with a new ID, as SecMaster issues) do
// not make a project's engine grow without bound: the rule references of
// the policies gone are reclaimed, however many there were.
func TestRegistryReclaimsReferences(t *testing.T) {
	ctx := context.Background()
	m := &memSource{}
	r := NewRegistry(Sources{SecMaster: m, WAF: m, Workspace: m, Revisions: m}, nil, nil, nil)
	row := func(i int) secmaster.Enforcement {
		return secmaster.Enforcement{DefenseID: fmt.Sprint("d", i), PolicyID: fmt.Sprint("policy-", i), TargetProjectID: "p",
			Layer: secmaster.LayerCFW, Category: secmaster.CategoryBlock, ObjectType: secmaster.TypeSourceIP,
			Object: fmt.Sprintf("10.%d.%d.0/24", i>>8&255, i&255)}
	}
	kept := row(-1)
	m.set(kept)
	if _, err := r.Engine(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	for i := range 20000 {
		m.set(kept, row(i))
		if _, err := r.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e, err := r.Engine(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if n := e.RefCount(); n > 5000 {
		t.Fatalf("after 20,000 policies came and went, with 2 in force: the engine holds %d rule references", n)
	}
	// The rebuilt engine decides as before: the two entries in force block.
	for _, ip := range []string{"10.255.255.1", "10.78.31.1"} { // row(-1), row(19999)
		if d := e.DecideIP(engine.LayerCFW, netip.MustParseAddr(ip), time.Now()); d.Action != engine.ActionBlock {
			t.Fatalf("%s: %+v", ip, d)
		}
	}
	if d := e.DecideIP(engine.LayerCFW, netip.MustParseAddr("10.78.30.1"), time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("a policy gone: %+v", d)
	}
}

// An update the engine refuses part way, whose fallback rebuild fails
// too, leaves the engine with the part it applied; the registry must not
// then diff later states against the model it had before that update,
// which would keep the part applied for ever.
func TestRegistryRefusedUpdateLeavesNoPartialChange(t *testing.T) {
	ctx := context.Background()
	m := &memSource{}
	r := NewRegistry(Sources{SecMaster: m, WAF: m, Workspace: m, Revisions: m}, nil, nil, nil)
	pol := &waf.Policy{ID: "pol", Options: map[string]bool{"whiteblackip": true}}
	host := &waf.Host{ID: "h", Hostname: "a.example.com", PolicyID: "pol", ProtectStatus: 1}
	m.setWAF([]*waf.Policy{pol}, []*waf.Host{host}, nil)
	if _, err := r.Engine(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr("10.1.2.3")
	// A rule and a host the engine refuses (no name) in one update: the rule
	// is put before the binding fails; the rebuild that follows fails to
	// read the store.
	rule := &waf.WhiteBlackIPRule{ID: "r", PolicyID: "pol", Addr: "10.0.0.0/8", White: 0, Status: 1}
	m.setWAF([]*waf.Policy{pol}, []*waf.Host{host, {ID: "bad", PolicyID: "pol", ProtectStatus: 1}}, []*waf.WhiteBlackIPRule{rule})
	m.mu.Lock()
	m.fail = 2 // the update's read succeeds, the rebuild's fails
	m.mu.Unlock()
	if _, err := r.Refresh(ctx); err == nil {
		t.Fatal("refresh of an unenforceable state: no error")
	}
	// Back to the first state, which the engine accepts.
	m.setWAF([]*waf.Policy{pol}, []*waf.Host{host}, nil)
	if _, err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	e, err := r.Engine(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if d := e.DecideWAF("a.example.com", ip, time.Now()); d.Action != engine.ActionAllow {
		t.Fatalf("the rule of the refused update is still in force: %+v", d)
	}
}

// An entry whose expiry changes again and again (a policy's aging moved
// each time, a year ahead) does not leave the engine a pending expiry for
// every expiry it ever had.
func TestRegistryReclaimsExpiryEvents(t *testing.T) {
	ctx := context.Background()
	m := &memSource{}
	r := NewRegistry(Sources{SecMaster: m, WAF: m, Workspace: m, Revisions: m}, nil, nil, nil)
	year := time.Now().Add(365 * 24 * time.Hour)
	row := func(i int) secmaster.Enforcement {
		return secmaster.Enforcement{DefenseID: "d", PolicyID: "policy", TargetProjectID: "p", Layer: secmaster.LayerCFW,
			Category: secmaster.CategoryBlock, ObjectType: secmaster.TypeSourceIP, Object: "10.1.2.0/24",
			ExpiresAt: year.Add(time.Duration(i) * time.Second)}
	}
	m.set(row(0))
	if _, err := r.Engine(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	for i := range 20000 {
		m.set(row(i + 1))
		if _, err := r.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e, err := r.Engine(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if n := e.PendingEvents(); n > 5000 {
		t.Fatalf("after 20,000 changes of one entry's expiry: %d pending expiries and activations", n)
	}
	if d := e.DecideIP(engine.LayerCFW, netip.MustParseAddr("10.1.2.3"), time.Now()); d.Action != engine.ActionBlock {
		t.Fatalf("the entry: %+v", d)
	}
}
