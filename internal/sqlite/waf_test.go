package sqlite_test

import (
	"context"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storetest"
	"github.com/rampartsec/rampart/internal/waf"
)

func TestWAFConformance(t *testing.T) {
	storetest.RunWAF(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}

func TestWAFWritesBumpRevision(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	svc := waf.NewService(db, nil)
	p, err := svc.CreatePolicy(ctx, proj, "0", "pol", nil)
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	if _, err := svc.CreateGeoIPRules(ctx, proj, "0", []string{p.ID}, &waf.GeoIPRuleChange{Geoip: ptr("CN"), White: ptr(0)}); err != nil {
		t.Fatal(err)
	}
	r2, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	if _, err := svc.CreateGeoIPRules(ctx, proj, "0", []string{p.ID}, &waf.GeoIPRuleChange{Geoip: ptr("CN"), White: ptr(0)}); rampart.ErrorKind(err) != rampart.KindConflict {
		t.Fatalf("duplicate location: %v", err)
	}
	r3, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	if r1 < 1 || r2 != r1+1 || r3 != r2 {
		t.Fatalf("revisions %d %d %d", r1, r2, r3)
	}
}

func ptr[T any](v T) *T { return &v }
