package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/waf"
)

// WhiteBlackIPCursor returns the position of the latest whiteblackip rule
// write in the change log (0: none): a reader that loads every rule after
// reading it passes it to WhiteBlackIPChanges next.
func (db *DB) WhiteBlackIPCursor(ctx context.Context) (int64, error) {
	var n int64
	err := db.rdb.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM waf_whiteblackip_changes`).Scan(&n)
	return n, formatError(err)
}

// WhiteBlackIPChanges returns the IDs of the project's whiteblackip rules
// created, updated or deleted after the cursor, once each, and the cursor
// to pass next. complete is false when the log has been trimmed past the
// cursor: the caller must then reload every rule.
func (db *DB) WhiteBlackIPChanges(ctx context.Context, projectID string, after int64) (ids []string, cursor int64, complete bool, err error) {
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		var oldest int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT MIN(seq) FROM waf_whiteblackip_changes), 0), COALESCE((SELECT MAX(seq) FROM waf_whiteblackip_changes), 0)`).
			Scan(&oldest, &cursor); err != nil {
			return err
		}
		complete = oldest == 0 || after >= oldest-1
		if !complete {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT rule_id FROM waf_whiteblackip_changes
			WHERE project_id = ? AND seq > ? AND seq <= ?`, projectID, after, cursor)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, cursor, complete, err
}

// WhiteBlackIPRulesByID returns the project's whiteblackip rules among
// ids; an ID with no rule (deleted) is left out.
func (db *DB) WhiteBlackIPRulesByID(ctx context.Context, projectID string, ids []string) ([]*waf.WhiteBlackIPRule, error) {
	var out []*waf.WhiteBlackIPRule
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		for len(ids) > 0 {
			n := min(len(ids), 500)
			args := []any{projectID}
			for _, id := range ids[:n] {
				args = append(args, id)
			}
			ids = ids[n:]
			rows, err := tx.QueryContext(ctx, `SELECT `+whiteblackipColumns+whiteblackipFrom+`
				WHERE r.project_id = ? AND r.id IN (`+wafPlaceholders(n)+`)`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				r, err := scanWhiteBlackIP(rows)
				if err != nil {
					rows.Close()
					return err
				}
				out = append(out, r)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, formatError(err)
}
