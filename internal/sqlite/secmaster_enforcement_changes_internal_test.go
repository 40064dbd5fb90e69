package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Every transaction that writes enforcement rows lists the target
// projects of its own change-log rows: SQLite must find them by seq, not
// scan the whole log's index (100,000 entries when full) each time.
func TestTargetsSinceSearchesBySeq(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.rdb.QueryContext(ctx, `EXPLAIN QUERY PLAN `+smTargetsSince, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "SEARCH secmaster_enforcement_changes USING INTEGER PRIMARY KEY") {
		t.Fatalf("query plan: %s", got)
	}
}
