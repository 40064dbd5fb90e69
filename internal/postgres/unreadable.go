package postgres

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
)

// unreadableRow is the error of a row whose stored columns cannot be
// decoded (an entry that no longer validates). Reads of many rows skip it
// (collectReadable), so that one bad row never stops the loading of the
// others; a read of that one row reports it.
type unreadableRow struct {
	table, id string
	err       error
}

func (e *unreadableRow) Error() string {
	return fmt.Sprintf("postgres: row %s of %s cannot be decoded: %v", e.id, e.table, e.err)
}

func (e *unreadableRow) Unwrap() error { return e.err }

// unreadable wraps a decoding error of the row id of table.
func unreadable(table, id string, err error) error {
	return &unreadableRow{table: table, id: id, err: err}
}

// unreadableRows counts the rows skipped by table, and remembers which rows
// were logged so that a row is logged once, not on every reload.
type unreadableRows struct {
	mu     sync.Mutex
	counts map[string]uint64
	logged map[string]bool
}

// skip reports whether err is an unreadableRow; if it is, the row is
// counted and, the first time, logged to logger.
func (r *unreadableRows) skip(logger *slog.Logger, err error) bool {
	var u *unreadableRow
	if !errors.As(err, &u) {
		return false
	}
	r.mu.Lock()
	if r.counts == nil {
		r.counts, r.logged = map[string]uint64{}, map[string]bool{}
	}
	r.counts[u.table]++
	first := !r.logged[u.table+"/"+u.id]
	r.logged[u.table+"/"+u.id] = true
	r.mu.Unlock()
	if first {
		if logger == nil {
			logger = slog.Default()
		}
		logger.Error("skipping a stored row that cannot be decoded", "table", u.table, "id", u.id, "error", u.err.Error())
	}
	return true
}

// collectReadable scans every row of rows with scan, skipping (and
// counting) the unreadable ones.
func collectReadable[T any](db *DB, rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if db.unreadable.skip(db.Logger, err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// UnreadableRows returns how many times reads skipped an unreadable row,
// by table.
func (db *DB) UnreadableRows() map[string]uint64 {
	r := &db.unreadable
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]uint64, len(r.counts))
	for t, n := range r.counts {
		out[t] = n
	}
	return out
}

// WriteMetrics writes the store's counters in the Prometheus text
// exposition format.
func (db *DB) WriteMetrics(w io.Writer) error {
	counts := db.UnreadableRows()
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
