package postgres

import (
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/storeform"
)

// unreadable wraps a decoding error of the row id of table
// (storeform.UnreadableRow: reads of many rows skip it, collectReadable).
func unreadable(table, id string, err error) error {
	return &storeform.UnreadableRow{Backend: "postgres", Table: table, ID: id, Err: err}
}

// collectReadable scans every row of rows with scan, skipping (and
// counting) the unreadable ones.
func collectReadable[T any](db *DB, rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if db.unreadable.Skip(db.Logger, err) {
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
func (db *DB) UnreadableRows() map[string]uint64 { return db.unreadable.Counts() }

// WriteMetrics writes the store's counters in the Prometheus text
// exposition format.
func (db *DB) WriteMetrics(w io.Writer) error { return db.unreadable.WriteMetrics(w) }
