package storeform

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
)

// UnreadableRow is the error of a stored row whose columns cannot be
// decoded (a JSON column that no longer parses, an entry that no longer
// validates). A backend's reads of many rows skip it (UnreadableRows.Skip),
// so that one bad row never stops the loading of the others, of other
// projects or of the data plane; a read of that one row reports it.
type UnreadableRow struct {
	Backend   string // "sqlite", "postgres": the start of the message
	Table, ID string
	Err       error
}

func (e *UnreadableRow) Error() string {
	return fmt.Sprintf("%s: row %s of %s cannot be decoded: %v", e.Backend, e.ID, e.Table, e.Err)
}

func (e *UnreadableRow) Unwrap() error { return e.Err }

// UnreadableRows counts the rows reads skipped, by table, and remembers
// which rows were logged, so that a row is logged once and not on every
// reload. The zero value is ready; it is safe for concurrent use.
type UnreadableRows struct {
	mu     sync.Mutex
	counts map[string]uint64
	logged map[string]bool
}

// Skip reports whether err is an UnreadableRow; if it is, the row is
// counted and, the first time, logged to logger (nil: slog.Default()).
func (r *UnreadableRows) Skip(logger *slog.Logger, err error) bool {
	var u *UnreadableRow
	if !errors.As(err, &u) {
		return false
	}
	r.mu.Lock()
	if r.counts == nil {
		r.counts, r.logged = map[string]uint64{}, map[string]bool{}
	}
	r.counts[u.Table]++
	first := !r.logged[u.Table+"/"+u.ID]
	r.logged[u.Table+"/"+u.ID] = true
	r.mu.Unlock()
	if first {
		if logger == nil {
			logger = slog.Default()
		}
		logger.Error("skipping a stored row that cannot be decoded", "table", u.Table, "id", u.ID, "error", u.Err.Error())
	}
	return true
}

// Counts returns how many times reads skipped an unreadable row, by table.
func (r *UnreadableRows) Counts() map[string]uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]uint64, len(r.counts))
	for t, n := range r.counts {
		out[t] = n
	}
	return out
}

// WriteMetrics writes the counts as rampart_store_unreadable_rows_total in
// the Prometheus text exposition format, tables in order.
func (r *UnreadableRows) WriteMetrics(w io.Writer) error {
	counts := r.Counts()
	tables := make([]string, 0, len(counts))
	for t := range counts {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	if _, err := fmt.Fprint(w, "# HELP rampart_store_unreadable_rows_total Stored rows skipped by a read because they cannot be decoded, by table (counted on every read that skips them).\n# TYPE rampart_store_unreadable_rows_total counter\n"); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := fmt.Fprintf(w, "rampart_store_unreadable_rows_total{table=%q} %d\n", t, counts[t]); err != nil {
			return err
		}
	}
	return nil
}
