package sqlite_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rampartsec/rampart/internal/waf"
)

// The change log names every whiteblackip rule written after a cursor,
// created, updated or deleted (also by deleting its policy), once, and
// only the project's own; the rules it names read back by ID.
func TestWhiteBlackIPChangeLog(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const proj, other = "p0000000000000000000000000000001", "p0000000000000000000000000000002"
	svc := waf.NewService(db, nil)
	p, err := svc.CreatePolicy(ctx, proj, "0", "pol", nil)
	if err != nil {
		t.Fatal(err)
	}
	c0, err := db.WhiteBlackIPCursor(ctx)
	if err != nil || c0 != 0 {
		t.Fatalf("empty log cursor %d %v", c0, err)
	}
	create := func(project, policyID, addr string) string {
		t.Helper()
		rs, err := svc.CreateWhiteBlackIPRules(ctx, project, "0", []string{policyID}, &waf.WhiteBlackIPInput{Name: "r", Addr: addr, White: ptr(0)})
		if err != nil {
			t.Fatal(err)
		}
		return rs[0].ID
	}
	a := create(proj, p.ID, "192.0.2.1")
	b := create(proj, p.ID, "192.0.2.2")
	po, err := svc.CreatePolicy(ctx, other, "0", "pol", nil)
	if err != nil {
		t.Fatal(err)
	}
	create(other, po.ID, "192.0.2.3")

	ids, c1, complete, err := db.WhiteBlackIPChanges(ctx, proj, c0)
	slices.Sort(ids)
	want := []string{a, b}
	slices.Sort(want)
	if err != nil || !complete || !slices.Equal(ids, want) || c1 <= c0 {
		t.Fatalf("changes after create: %v %d %v %v, want %v", ids, c1, complete, err, want)
	}
	if ids, c2, _, _ := db.WhiteBlackIPChanges(ctx, proj, c1); len(ids) != 0 || c2 != c1 {
		t.Fatalf("nothing written: %v %d", ids, c2)
	}
	if _, err := svc.UpdateWhiteBlackIPRules(ctx, proj, []waf.PolicyRuleIDs{{PolicyID: p.ID, RuleIDs: []string{a}}},
		&waf.WhiteBlackIPInput{Name: "r", Addr: "192.0.2.9", White: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteWhiteBlackIPRule(ctx, proj, p.ID, b); err != nil {
		t.Fatal(err)
	}
	ids, c3, complete, err := db.WhiteBlackIPChanges(ctx, proj, c1)
	slices.Sort(ids)
	if err != nil || !complete || !slices.Equal(ids, want) || c3 <= c1 {
		t.Fatalf("changes after update and delete: %v %d %v %v", ids, c3, complete, err)
	}
	rules, err := db.WhiteBlackIPRulesByID(ctx, proj, ids)
	if err != nil || len(rules) != 1 || rules[0].ID != a || rules[0].Addr != "192.0.2.9" || rules[0].White != 1 {
		t.Fatalf("rules by ID: %+v %v", rules, err)
	}
	if rules, err := db.WhiteBlackIPRulesByID(ctx, other, ids); err != nil || len(rules) != 0 {
		t.Fatalf("other project's read: %+v %v", rules, err)
	}
	if _, err := svc.DeletePolicy(ctx, proj, p.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _, _, _ := db.WhiteBlackIPChanges(ctx, proj, c3); !slices.Equal(ids, []string{a}) {
		t.Fatalf("changes after the policy's deletion: %v, want [%s]", ids, a)
	}
}
