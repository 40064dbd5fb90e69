package sqlite

import (
	"database/sql"
	"io"
	"log/slog"

	"github.com/rampartsec/rampart/internal/storeform"
)

// unreadable wraps a decoding error of the row id of table
// (storeform.UnreadableRow: reads of many rows skip it, scanAll).
func unreadable(table, id string, err error) error {
	return &storeform.UnreadableRow{Backend: "sqlite", Table: table, ID: id, Err: err}
}

// skipUnreadable reports whether err is an unreadable row; if it is, the
// row is counted and, the first time, logged.
func (db *DB) skipUnreadable(err error) bool {
	return db.unreadable.Skip(db.logger(), err)
}

func (db *DB) logger() *slog.Logger {
	if db.Logger != nil {
		return db.Logger
	}
	return slog.Default()
}

// scanAll scans every row with scan, skipping the unreadable ones
// (skipUnreadable).
func scanAll[T any](db *DB, rows *sql.Rows, scan func(wafScanner) (T, error)) ([]T, error) {
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if db.skipUnreadable(err) {
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
