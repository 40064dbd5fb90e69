package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// An import logs one change per defense entry rather than per row; a
// reader still gets every row it wrote, once, then the deletions one by
// one, and other projects see nothing.
func TestImportChangeLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rampart.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	c0, err := db.EnforcementCursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var entries []secmaster.ImportEntry
	for i := range 1200 {
		entries = append(entries, secmaster.ImportEntry{Line: i + 1, Target: fmt.Sprintf("10.0.%d.%d", i/256, i%256)})
	}
	res, err := sm.Import(ctx, smProject, secmaster.ImportInput{Layers: []string{secmaster.LayerWAF, secmaster.LayerCFW}, Entries: entries})
	if err != nil || res.Policies != 3 || res.Stored != 1200 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var logged int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_enforcement_changes WHERE seq > ?`, c0).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if logged != 6 { // 3 policies × 2 layers
		t.Fatalf("the import logged %d changes, want one per defense entry", logged)
	}
	cur, gone, c1, complete, err := db.EnforcementChanges(ctx, smProject, c0)
	if err != nil || !complete || len(gone) != 0 || len(cur) != 2400 {
		t.Fatalf("after the import: %d current, %d gone, %v %v", len(cur), len(gone), complete, err)
	}
	seen := map[string]bool{}
	for _, e := range cur {
		k := e.Layer + " " + e.Object
		if seen[k] || e.PolicyID == "" || e.Category != secmaster.CategoryBlock || e.TargetProjectID != smProject {
			t.Fatalf("row %+v (seen before: %v)", e, seen[k])
		}
		seen[k] = true
	}
	if cur, gone, _, _, _ := db.EnforcementChanges(ctx, "other", c0); len(cur)+len(gone) != 0 {
		t.Fatalf("other project: %d %d", len(cur), len(gone))
	}
	// A deletion after the import, read together with it: the deleted
	// policy's rows are neither current nor repeated.
	if _, err := sm.DeletePolicies(ctx, smProject, res.WorkspaceID, []string{cur[0].PolicyID}); err != nil {
		t.Fatal(err)
	}
	all, gone, _, _, err := db.EnforcementChanges(ctx, smProject, c0)
	if err != nil || len(all) != 1400 || len(gone) != 1000 {
		t.Fatalf("import then delete: %d current, %d gone, %v", len(all), len(gone), err)
	}
	_, gone, _, _, err = db.EnforcementChanges(ctx, smProject, c1)
	if err != nil || len(gone) != 1000 {
		t.Fatalf("the deletion alone: %d gone, %v", len(gone), err)
	}
	// Inserts outside an import are still logged row by row.
	var quiet int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_enforcement_quiet`).Scan(&quiet); err != nil || quiet != 0 {
		t.Fatalf("the quiet flag stayed: %d %v", quiet, err)
	}
}

// Import's rules: policies of at most 500 addresses per duration and
// reason, repeated addresses skipped, the WAF layer's refusal of /0 named
// by line with nothing stored, a dry run storing nothing, address layers
// only.
func TestImportRules(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	var entries []secmaster.ImportEntry
	for i := range 700 {
		entries = append(entries, secmaster.ImportEntry{Line: i + 1, Target: fmt.Sprintf("10.1.%d.%d", i/256, i%256), Reason: "a"})
	}
	entries = append(entries,
		secmaster.ImportEntry{Line: 701, Target: "10.1.0.0", Reason: "repeated"},
		secmaster.ImportEntry{Line: 702, Target: "2001:db8::/32", Duration: time.Hour, Reason: "a"},
		secmaster.ImportEntry{Line: 703, Target: "0.0.0.0/0", Reason: "b"})
	waf := secmaster.ImportInput{Layers: []string{secmaster.LayerWAF}, Entries: entries}
	var bad *secmaster.BlocklistError
	if _, err := sm.Import(ctx, smProject, waf); !errors.As(err, &bad) || len(bad.Lines) != 1 || bad.Lines[0].Line != 703 {
		t.Fatalf("/0 on the WAF layer: %v", err)
	}
	dry := secmaster.ImportInput{Layers: []string{secmaster.LayerCFW}, Entries: entries, DryRun: true}
	res, err := sm.Import(ctx, smProject, dry)
	if err != nil || res.Entries != 702 || res.Duplicates != 1 || res.Policies != 4 || res.Stored != 0 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if es, _ := sm.Enforcements(ctx, smProject, secmaster.LayerCFW); len(es) != 0 {
		t.Fatalf("stored by a refused import or a dry run: %d rows", len(es))
	}
	for _, layers := range [][]string{nil, {secmaster.LayerIAM}, {"XYZ"}, {secmaster.LayerCFW, secmaster.LayerCFW}} {
		if _, err := sm.Import(ctx, smProject, secmaster.ImportInput{Layers: layers, Entries: entries}); err == nil {
			t.Errorf("layers %v accepted", layers)
		}
	}
	res, err = sm.Import(ctx, smProject, secmaster.ImportInput{Layers: []string{secmaster.LayerCFW}, Entries: entries})
	if err != nil || res.Stored != 702 || res.Policies != 4 {
		t.Fatalf("import: %+v %v", res, err)
	}
	ps, total, _, err := sm.SearchPolicies(ctx, smProject, res.WorkspaceID, secmaster.SearchInput{})
	if err != nil || total != 4 {
		t.Fatalf("search: %d %v", total, err)
	}
	sizes := map[string]int{}
	for _, p := range ps {
		sizes[fmt.Sprintf("%s/%v", p.Description, p.Ageing)] += len(p.Targets())
		if n := len(p.Targets()); n > secmaster.MaxTargets {
			t.Fatalf("policy of %d addresses", n)
		}
		if p.Labels != secmaster.ImportLabelPrefix+res.ImportID || p.Defenses[0].BlockStatus != secmaster.BlockInForce {
			t.Fatalf("policy %+v", p)
		}
	}
	if sizes["a/false"] != 700 || sizes["a/true"] != 1 || sizes["b/false"] != 1 {
		t.Fatalf("grouping: %v", sizes)
	}
}
