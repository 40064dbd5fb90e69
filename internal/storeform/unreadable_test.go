package storeform

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// A skipped row is counted on every read that skips it, logged once, and
// written as a counter per table; any other error is not skipped.
func TestUnreadableRows(t *testing.T) {
	var r UnreadableRows
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	bad := fmt.Errorf("reading: %w", &UnreadableRow{Backend: "sqlite", Table: "waf_hosts", ID: "h1", Err: errors.New("bad json")})
	for range 3 {
		if !r.Skip(logger, bad) {
			t.Fatal("an unreadable row (wrapped) was not skipped")
		}
	}
	if !r.Skip(logger, &UnreadableRow{Backend: "sqlite", Table: "waf_policies", ID: "p1", Err: errors.New("x")}) {
		t.Fatal("a second table's row was not skipped")
	}
	if r.Skip(logger, errors.New("disk I/O error")) || r.Skip(logger, nil) {
		t.Fatal("an ordinary error, or none, was skipped")
	}
	if got := r.Counts(); got["waf_hosts"] != 3 || got["waf_policies"] != 1 || len(got) != 2 {
		t.Fatalf("counts %v, want waf_hosts 3 and waf_policies 1", got)
	}
	if n := strings.Count(logs.String(), "skipping a stored row"); n != 2 {
		t.Fatalf("%d log lines, want one per row:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "id=h1") || !strings.Contains(bad.Error(), "sqlite: row h1 of waf_hosts cannot be decoded: bad json") {
		t.Fatalf("log %q, error %q", logs.String(), bad.Error())
	}
	var out bytes.Buffer
	if err := r.WriteMetrics(&out); err != nil {
		t.Fatal(err)
	}
	want := "rampart_store_unreadable_rows_total{table=\"waf_hosts\"} 3\n"
	if !strings.Contains(out.String(), "# TYPE rampart_store_unreadable_rows_total counter\n") ||
		!strings.HasSuffix(out.String(), "rampart_store_unreadable_rows_total{table=\"waf_policies\"} 1\n") ||
		!strings.Contains(out.String(), want) || strings.Index(out.String(), want) > strings.Index(out.String(), "waf_policies") {
		t.Fatalf("metrics:\n%s", out.String())
	}
}
