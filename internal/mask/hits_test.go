package mask_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rampartsec/rampart/internal/mask"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
)

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestHitsReachTheStore counts masked detections from many goroutines and
// flushes them into a real store, where UpdateIgnoreRuleHitNum's counter
// reads them; a failed flush keeps its counts for the next one.
func TestHitsReachTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	db := openStore(t)
	svc := waf.NewService(db, nil)
	p, err := svc.CreatePolicy(ctx, proj, "0", "masking", nil)
	if err != nil {
		t.Fatal(err)
	}
	mode, rule := 1, "sqli"
	rules, err := svc.CreateIgnoreRules(ctx, proj, "0", []string{p.ID}, &waf.IgnoreRuleInput{Mode: &mode, Rule: &rule,
		Conditions: []waf.IgnoreCondition{{Category: "url", LogicOperation: "prefix", Contents: []string{"/api/"}}}})
	if err != nil {
		t.Fatal(err)
	}
	set := mask.Compile(rules)
	var hits mask.Hits
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if id, ok := set.Masks("www.example.com", request(), sqli); ok {
					hits.Add(proj, id)
				}
			}
		})
	}
	wg.Wait()
	closed := openStore(t)
	closed.Close()
	if err := hits.Flush(ctx, closed); err == nil {
		t.Fatal("a flush into a closed store succeeded")
	}
	if err := hits.Flush(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := hits.Flush(ctx, db); err != nil { // nothing left: writes nothing
		t.Fatal(err)
	}
	got, err := svc.FindIgnoreRule(ctx, proj, p.ID, rules[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hits != 400 {
		t.Fatalf("hit count %d, want 400", got.Hits)
	}
}
