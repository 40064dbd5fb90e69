package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.EventStore = (*DB)(nil)

const eventColumns = `id, project_id, enterprise_project_id, time, host_id, host, policy_id, client_ip, location, tag,
	rule_type, rule_id, action, method, url, status, attack, payload, payload_location`

// eventColumn is the column (or expression) of each filterable field; only
// these fixed strings ever reach the SQL text.
var eventColumn = map[waf.EventField]string{
	waf.EventFieldTime:     "time",
	waf.EventFieldID:       "id",
	waf.EventFieldHostID:   "host_id",
	waf.EventFieldHost:     "host",
	waf.EventFieldClientIP: "client_ip",
	waf.EventFieldURL:      "url",
	waf.EventFieldRuleID:   "rule_id",
	waf.EventFieldRuleType: "rule_type",
	waf.EventFieldAction:   "action",
	waf.EventFieldLocation: "location",
	waf.EventFieldStatus:   "CAST(status AS TEXT)",
	waf.EventFieldAttack:   "attack",
	waf.EventFieldPayload:  "payload",
}

// eventRowsPerInsert is how many events one INSERT statement carries:
// fewer statements cost less than one per event.
const eventRowsPerInsert = 32

// InsertEvents implements waf.EventStore: one transaction for the batch;
// events bump no revision (they are not policy).
func (db *DB) InsertEvents(ctx context.Context, events []waf.Event) error {
	if len(events) == 0 {
		return nil
	}
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	insert := func(n int) string {
		return `INSERT INTO waf_events (` + eventColumns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := rollupEvents(ctx, tx, events); err != nil { // the dashboard's hourly counts
			return err
		}
		args := make([]any, 0, 19*eventRowsPerInsert)
		for len(events) > 0 {
			n := min(len(events), eventRowsPerInsert)
			args = args[:0]
			for i := range events[:n] {
				e := &events[i]
				ep := e.EnterpriseProjectID
				if ep == "" {
					ep = waf.DefaultEnterpriseProject
				}
				args = append(args, e.ID, e.ProjectID, ep, millis(e.Time), e.HostID, e.Host, e.PolicyID,
					e.ClientIP, e.Location, e.Tag, e.RuleType, e.RuleID, e.Action, e.Method, e.URL, e.Status,
					e.Attack(), e.Payload, e.PayloadLocation)
			}
			if _, err := tx.ExecContext(ctx, insert(n), args...); err != nil {
				return err
			}
			events = events[n:]
		}
		return nil
	})
}

func scanEvent(s wafScanner) (*waf.Event, error) {
	var e waf.Event
	var t int64
	var attack string
	if err := s.Scan(&e.ID, &e.ProjectID, &e.EnterpriseProjectID, &t, &e.HostID, &e.Host, &e.PolicyID, &e.ClientIP,
		&e.Location, &e.Tag, &e.RuleType, &e.RuleID, &e.Action, &e.Method, &e.URL, &e.Status,
		&attack, &e.Payload, &e.PayloadLocation); err != nil {
		return nil, err
	}
	if e.RuleType == waf.EventWebAttack {
		e.WebAttack = attack // the others' is derived from the rule type
	}
	e.Time = time.UnixMilli(t).UTC()
	return &e, nil
}

// FindEvent implements waf.EventStore.
func (db *DB) FindEvent(ctx context.Context, projectID, id string) (*waf.Event, error) {
	e, err := scanEvent(db.rdb.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM waf_events WHERE id = ? AND project_id = ?`, id, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("event", id)
	}
	return e, formatError(err)
}

// eventWhere returns the WHERE clause of f.
func eventWhere(f waf.EventFilter) (string, []any) {
	var b strings.Builder
	b.WriteString("project_id = ?")
	args := []any{f.ProjectID}
	if f.EnterpriseProjectID != "" && f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		b.WriteString(" AND enterprise_project_id = ?")
		args = append(args, f.EnterpriseProjectID)
	}
	if !f.From.IsZero() {
		b.WriteString(" AND time >= ?")
		args = append(args, millis(f.From))
	}
	if !f.To.IsZero() {
		b.WriteString(" AND time <= ?")
		args = append(args, millis(f.To))
	}
	for field, t := range f.Terms {
		col, ok := eventColumn[field]
		if !ok {
			continue
		}
		in := func(op string, vs []string) {
			if len(vs) == 0 {
				return
			}
			b.WriteString(" AND " + col + " " + op + " (" + wafPlaceholders(len(vs)) + ")")
			for _, v := range vs {
				args = append(args, v)
			}
		}
		in("IN", t.In)
		in("NOT IN", t.NotIn)
		if t.Contains != "" {
			b.WriteString(" AND " + col + ` LIKE ? ESCAPE '\'`)
			args = append(args, wafLike(t.Contains))
		}
		if t.NotContains != "" {
			b.WriteString(" AND " + col + ` NOT LIKE ? ESCAPE '\'`)
			args = append(args, wafLike(t.NotContains))
		}
	}
	return b.String(), args
}

// FindEvents implements waf.EventStore: the page is selected in SQL over
// the (project_id, time, seq) index.
func (db *DB) FindEvents(ctx context.Context, f waf.EventFilter) ([]*waf.Event, int, error) {
	where, args := eventWhere(f)
	dir := "DESC"
	if f.Ascending {
		dir = "ASC"
	}
	order := "time " + dir + ", seq " + dir
	if col, ok := eventColumn[f.SortBy]; ok && f.SortBy != waf.EventFieldTime {
		order = col + " " + dir + ", " + order
	}
	var out []*waf.Event
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = wafCount(ctx, tx, `SELECT COUNT(*) FROM waf_events WHERE `+where, args...); err != nil {
			return err
		}
		limit, offset := wafLimit(f.Page)
		if total == 0 || (limit >= 0 && offset >= total) {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM waf_events WHERE `+where+` ORDER BY `+order+
			` LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, total, err
}

// pruneChunk is how many events one retention transaction deletes at
// most, so that pruning a large backlog never holds the writer for long.
const pruneChunk = 5000

// PruneEvents implements waf.EventStore. The events to delete are those
// older than before and, when keep > 0, those at or below the (keep+1)-th
// newest (found by one walk of the index); they are deleted in
// transactions of at most pruneChunk events.
func (db *DB) PruneEvents(ctx context.Context, projectID string, before time.Time, keep int) (int, error) {
	cond := "time < ?"
	args := []any{projectID, millis(before)}
	if keep > 0 {
		var t, seq int64
		err := db.rdb.QueryRowContext(ctx, `SELECT time, seq FROM waf_events WHERE project_id = ? ORDER BY time DESC, seq DESC
			LIMIT 1 OFFSET ?`, projectID, keep).Scan(&t, &seq)
		switch {
		case err == nil:
			// Newer events only arrive above the cutoff, so it stays right.
			cond = "(time < ? OR time < ? OR (time = ? AND seq <= ?))"
			args = append(args, t, t, seq)
		case err != sql.ErrNoRows:
			return 0, formatError(err)
		}
	}
	query := `DELETE FROM waf_events WHERE seq IN (SELECT seq FROM waf_events WHERE project_id = ? AND ` + cond + ` LIMIT ?)`
	n, err := db.deleteInChunks(ctx, query, append(args, pruneChunk)...)
	if err != nil {
		return n, err
	}
	// The dashboard's hourly counts go with the hours that are wholly older.
	_, err = db.deleteInChunks(ctx, `DELETE FROM waf_event_rollup WHERE (project_id, field, hour, enterprise_project_id, host_id, key, host) IN
		(SELECT project_id, field, hour, enterprise_project_id, host_id, key, host FROM waf_event_rollup
		WHERE project_id = ? AND field IN (`+wafPlaceholders(len(rolledFields))+`) AND hour <= ? LIMIT ?)`,
		rollupPruneArgs(projectID, before)...)
	return n, err
}

// rollupPruneArgs are the arguments of the rollup's retention delete.
func rollupPruneArgs(projectID string, before time.Time) []any {
	args := []any{projectID}
	for _, f := range rolledFields {
		args = append(args, int(f))
	}
	return append(args, millis(before.Add(-time.Hour)), pruneChunk)
}

// deleteInChunks runs a DELETE that removes at most pruneChunk rows (its
// last argument) in one transaction each, until one removes fewer, and
// returns how many rows it removed.
func (db *DB) deleteInChunks(ctx context.Context, query string, args ...any) (int, error) {
	total := 0
	for {
		var n int64
		err := db.writeTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, query, args...)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		total += int(n)
		if err != nil || n < pruneChunk {
			return total, err
		}
	}
}

// EventProjects implements waf.EventStore.
func (db *DB) EventProjects(ctx context.Context) ([]string, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT DISTINCT project_id FROM waf_events`)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, formatError(err)
		}
		out = append(out, p)
	}
	return out, formatError(rows.Err())
}
