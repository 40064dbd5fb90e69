package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
)

const rulesProject = "p0000000000000000000000000000001"

// rulesFixture is a real SQLite store, one policy of it and the rule
// source under test, logging to buf.
type rulesFixture struct {
	db   *sqlite.DB
	pol  *waf.Policy
	src  *policyRules
	buf  *bytes.Buffer
	seen time.Time
}

func newRulesFixture(t *testing.T, options ...string) *rulesFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	opts := map[string]bool{}
	for _, o := range options {
		opts[o] = true
	}
	pol := &waf.Policy{ID: waf.NewID(), ProjectID: rulesProject, EnterpriseProjectID: "0", Name: "rules", Level: 2,
		RobotAction: "log", Action: "block", Options: opts, ModulexOptions: map[string]any{}, Extend: map[string]string{},
		CreatedAt: time.Now().UTC()}
	if err := db.CreatePolicy(ctx, pol); err != nil {
		t.Fatal(err)
	}
	buf := &bytes.Buffer{}
	src, err := newPolicyRules(db, 1024, slog.New(slog.NewTextHandler(buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &rulesFixture{db: db, pol: pol, src: src, buf: buf, seen: time.Now()}
}

// rules compiles the policy's rules as a host-table rebuild does.
func (f *rulesFixture) rules(t *testing.T) proxy.PolicyRules {
	t.Helper()
	r, err := f.src.PolicyRules(context.Background(), f.pol)
	if err != nil {
		t.Fatalf("PolicyRules: %v", err)
	}
	return r
}

// setOption turns a module switch of the policy on or off in the store and
// in the copy the rule source is given.
func (f *rulesFixture) setOption(t *testing.T, name string, on bool) {
	t.Helper()
	p, err := f.db.UpdatePolicy(context.Background(), rulesProject, f.pol.ID, func(p *waf.Policy) error {
		p.Options[name] = on
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.pol = p
}

func (f *rulesFixture) custom(t *testing.T, priority int, action string, conds ...waf.CustomCondition) *waf.CustomRule {
	t.Helper()
	r := &waf.CustomRule{ID: waf.NewID(), ProjectID: rulesProject, PolicyID: f.pol.ID, EnterpriseProjectID: "0",
		Name: "r" + action, Conditions: conds, Action: waf.CustomAction{Category: action}, Priority: priority, Status: 1,
		CreatedAt: time.Now().UTC()}
	if err := f.db.CreateCustomRules(context.Background(), []*waf.CustomRule{r}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *rulesFixture) ccByIP(t *testing.T, limit int) *waf.CCRule {
	t.Helper()
	r := &waf.CCRule{ID: waf.NewID(), ProjectID: rulesProject, PolicyID: f.pol.ID, EnterpriseProjectID: "0", Name: "api",
		Mode: 0, URL: "/api", Prefix: true, Action: waf.CCAction{Category: "block"}, TagType: "ip",
		LimitNum: limit, LimitPeriod: 60, Status: 1, CreatedAt: time.Now().UTC()}
	if err := f.db.CreateCCRules(context.Background(), []*waf.CCRule{r}); err != nil {
		t.Fatal(err)
	}
	return r
}

func rulesRequest(path string, headers ...inspect.Pair) *inspect.Request {
	return &inspect.Request{Host: "app.example.com", Client: netip.MustParseAddr("192.0.2.7"), Method: "GET",
		Path: path, Headers: headers}
}

func rulesHeader(name, value string) inspect.Pair { return inspect.Pair{Name: name, Value: value} }

func headerIs(name, value string) waf.CustomCondition {
	return waf.CustomCondition{Category: "header", Index: name, LogicOperation: "equal", Contents: []string{value}}
}

// A policy without any rule, with every module on, gets none.
func TestPolicyRulesNothingIsNil(t *testing.T) {
	f := newRulesFixture(t, "custom", "cc")
	if r := f.rules(t); r != nil {
		t.Fatalf("rules of an empty policy: %#v", r)
	}
}

// Precise-protection rules are in force only while options.custom is on;
// a disabled rule is skipped.
func TestPolicyRulesPreciseFollowsOptionsCustom(t *testing.T) {
	f := newRulesFixture(t)
	block := f.custom(t, 10, "block", headerIs("X-Probe", "evil"))
	off := f.custom(t, 1, "pass", headerIs("X-Probe", "evil"))
	if _, err := f.db.UpdateCustomRules(context.Background(), rulesProject, []waf.PolicyRuleIDs{{PolicyID: f.pol.ID,
		RuleIDs: []string{off.ID}}}, func(r *waf.CustomRule) error { r.Status = 0; return nil }); err != nil {
		t.Fatal(err)
	}
	req := rulesRequest("/", rulesHeader("X-Probe", "evil"))
	if r := f.rules(t); r != nil {
		t.Fatalf("options.custom off: rules %#v", r)
	}

	f.setOption(t, "custom", true)
	r := f.rules(t)
	if r == nil {
		t.Fatal("options.custom on: no rules")
	}
	got := r.Precise(req, time.Now())
	if got.Decided.RuleID != block.ID || got.Decided.Action != "block" {
		t.Fatalf("matching request: %+v, want the block rule %s (the disabled pass rule %s skipped)", got, block.ID, off.ID)
	}
	if got := r.Precise(rulesRequest("/", rulesHeader("X-Probe", "fine")), time.Now()); got.Decided.RuleID != "" || got.Logged.RuleID != "" {
		t.Fatalf("other request: %+v", got)
	}
	if _, hit := r.CC(req, time.Now()); hit {
		t.Fatal("CC verdict without CC rules")
	}
}

// CC rules are in force only while options.cc is on.
func TestPolicyRulesCCFollowsOptionsCC(t *testing.T) {
	f := newRulesFixture(t)
	rule := f.ccByIP(t, 1)
	if r := f.rules(t); r != nil {
		t.Fatalf("options.cc off: rules %#v", r)
	}
	f.setOption(t, "cc", true)
	r := f.rules(t)
	if r == nil {
		t.Fatal("options.cc on: no rules")
	}
	now := time.Now()
	if _, hit := r.CC(rulesRequest("/api/x"), now); hit {
		t.Fatal("first request over a limit of 1")
	}
	v, hit := r.CC(rulesRequest("/api/x"), now)
	if !hit || v.RuleID != rule.ID || v.Action != "block" || v.Key != "192.0.2.7" {
		t.Fatalf("second request: %+v %v", v, hit)
	}
	if got := r.Precise(rulesRequest("/api/x"), now); got.Decided.RuleID != "" {
		t.Fatalf("precise verdict without precise rules: %+v", got)
	}
	f.setOption(t, "cc", false)
	if r := f.rules(t); r != nil {
		t.Fatalf("options.cc turned off: rules %#v", r)
	}
}

// A condition naming a reference table matches by the table's values; a
// rule naming a table that does not exist is left out (and logged) while
// the others are enforced.
func TestPolicyRulesReferenceTables(t *testing.T) {
	f := newRulesFixture(t, "custom")
	ctx := context.Background()
	list := &waf.ValueList{ID: waf.NewID(), ProjectID: rulesProject, EnterpriseProjectID: "0", Name: "admin_paths",
		Type: "url", Values: []string{"/admin", "/manage"}, CreatedAt: time.Now().UTC()}
	if err := f.db.CreateValueList(ctx, list, waf.MaxValueLists); err != nil {
		t.Fatal(err)
	}
	missing := f.custom(t, 1, "pass", waf.CustomCondition{Category: "url", LogicOperation: "prefix_any", ValueListID: waf.NewID()})
	byTable := f.custom(t, 5, "block", waf.CustomCondition{Category: "url", LogicOperation: "prefix_any", ValueListID: list.ID})
	r := f.rules(t)
	if r == nil {
		t.Fatal("no rules")
	}
	for _, path := range []string{"/admin/users", "/manage"} {
		if got := r.Precise(rulesRequest(path), time.Now()); got.Decided.RuleID != byTable.ID {
			t.Errorf("%s: %+v, want the table rule %s (not the rule %s naming a missing table)", path, got, byTable.ID, missing.ID)
		}
	}
	if got := r.Precise(rulesRequest("/shop"), time.Now()); got.Decided.RuleID != "" {
		t.Errorf("/shop: %+v", got)
	}
	if log := f.buf.String(); !strings.Contains(log, "not enforced") || !strings.Contains(log, missing.ID) {
		t.Errorf("the rule naming a missing table was not logged: %q", log)
	}
}

// Known-attack-source rules are returned by ID while options.followed_action
// is on.
func TestPolicyRulesPunishmentsByID(t *testing.T) {
	f := newRulesFixture(t)
	ctx := context.Background()
	short := &waf.PunishmentRule{ID: waf.NewID(), ProjectID: rulesProject, PolicyID: f.pol.ID, EnterpriseProjectID: "0",
		Category: "short_ip_block", BlockTime: 60, TimeUnit: "SECOND", CreatedAt: time.Now().UTC()}
	long := &waf.PunishmentRule{ID: waf.NewID(), ProjectID: rulesProject, PolicyID: f.pol.ID, EnterpriseProjectID: "0",
		Category: "long_cookie_block", BlockTime: 2, TimeUnit: "HOUR", CreatedAt: time.Now().UTC()}
	for _, p := range []*waf.PunishmentRule{short, long} {
		if err := f.db.CreatePunishmentRule(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if r := f.rules(t); r != nil {
		t.Fatalf("options.followed_action off: rules %#v", r)
	}
	f.setOption(t, "followed_action", true)
	r := f.rules(t)
	if r == nil {
		t.Fatal("options.followed_action on: no rules")
	}
	for _, want := range []*waf.PunishmentRule{short, long} {
		got, ok := r.Punishment(want.ID)
		if !ok || got.Category != want.Category || got.BlockTime != want.BlockTime || got.TimeUnit != want.TimeUnit {
			t.Errorf("Punishment(%s): %+v %v", want.ID, got, ok)
		}
	}
	if _, ok := r.Punishment(waf.NewID()); ok {
		t.Error("an unknown rule ID found")
	}
}

// A rebuild that leaves a CC rule unchanged keeps its counts: the fourth
// request within the period is over a limit of 3 even though the rules
// were compiled again after the third.
func TestPolicyRulesCCCountsSurviveARebuild(t *testing.T) {
	f := newRulesFixture(t, "cc")
	rule := f.ccByIP(t, 3)
	now := time.Now()
	first := f.rules(t)
	for i := range 3 {
		if v, hit := first.CC(rulesRequest("/api/orders"), now); hit {
			t.Fatalf("request %d: %+v", i+1, v)
		}
	}
	second := f.rules(t)
	v, hit := second.CC(rulesRequest("/api/orders"), now.Add(time.Second))
	if !hit || v.RuleID != rule.ID {
		t.Fatalf("fourth request after a rebuild: %+v %v (counts were reset)", v, hit)
	}
	other := rulesRequest("/api/orders")
	other.Client = netip.MustParseAddr("192.0.2.8")
	if v, hit := second.CC(other, now.Add(time.Second)); hit {
		t.Fatalf("another client's first request: %+v", v)
	}
}
