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

// TestWAFConcurrentWrites runs concurrent writes, some of which conflict,
// through the group commit: each caller gets its own outcome, and only the
// successful writes are stored and counted in the revision.
func TestWAFConcurrentWrites(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	svc := waf.NewService(db, nil)
	p, err := svc.CreatePolicy(ctx, proj, "0", "pol", nil)
	if err != nil {
		t.Fatal(err)
	}
	rev0, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	codes := []string{"CN", "US", "JP", "UK", "FR", "DE", "BR", "AU", "IN", "CA"}
	const workers = 40 // each code is wanted by 4 workers: exactly one wins
	errs := make(chan error, workers)
	for i := range workers {
		go func() {
			_, err := svc.CreateGeoIPRules(ctx, proj, "0", []string{p.ID}, &waf.GeoIPRuleChange{Geoip: ptr(codes[i%len(codes)]), White: ptr(0)})
			errs <- err
		}()
	}
	ok, conflicts := 0, 0
	for range workers {
		switch err := <-errs; rampart.ErrorKind(err) {
		case "":
			ok++
		case rampart.KindConflict:
			conflicts++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != len(codes) || conflicts != workers-len(codes) {
		t.Fatalf("%d created, %d conflicts", ok, conflicts)
	}
	_, total, err := db.FindGeoIPRules(ctx, waf.RuleFilter{ProjectID: proj, Page: waf.Page{Limit: 100}})
	if err != nil || total != len(codes) {
		t.Fatalf("stored %d rules (%v)", total, err)
	}
	// Writes committed together share one bump: the revision grew, by at
	// most one per successful write.
	if rev, _ := db.Revision(ctx, proj, rampart.FamilyWAF); rev <= rev0 || rev > rev0+int64(len(codes)) {
		t.Fatalf("revision %d, want in (%d, %d]", rev, rev0, rev0+int64(len(codes)))
	}
	// A panicking write fails alone and leaves the store usable.
	if _, err := db.UpdatePolicy(ctx, proj, p.ID, func(*waf.Policy) error { panic("boom") }); err == nil {
		t.Fatal("a panicking write succeeded")
	}
	if _, err := svc.CreatePolicy(ctx, proj, "0", "after", nil); err != nil {
		t.Fatalf("store unusable after a panic: %v", err)
	}
}

func TestWAFCertificateConformance(t *testing.T) {
	storetest.RunWAFCertificates(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}

// Certificate writes bump the WAF revision: the data plane reloads its TLS
// configuration on it.
func TestWAFCertificateWritesBumpRevision(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	c := &waf.Certificate{ID: waf.NewID(), ProjectID: proj, EnterpriseProjectID: "0", Name: "c"}
	if err := db.CreateCertificate(ctx, c); err != nil {
		t.Fatal(err)
	}
	r1, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	if _, err := db.UpdateCertificate(ctx, proj, c.ID, func(c *waf.Certificate) error { c.Name = "d"; return nil }); err != nil {
		t.Fatal(err)
	}
	r2, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	if _, err := db.DeleteCertificate(ctx, proj, c.ID); err != nil {
		t.Fatal(err)
	}
	r3, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	if r1 < 1 || r2 <= r1 || r3 <= r2 {
		t.Fatalf("revisions %d, %d, %d: each write must bump", r1, r2, r3)
	}
}

func TestWAFIgnoreConformance(t *testing.T) {
	storetest.RunWAFIgnore(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}

func TestWAFCustomConformance(t *testing.T) {
	storetest.RunWAFCustom(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}

func TestWAFCCConformance(t *testing.T) {
	storetest.RunWAFCC(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}

func TestWAFPunishmentConformance(t *testing.T) {
	storetest.RunWAFPunishment(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}
