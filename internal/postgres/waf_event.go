package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

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
	waf.EventFieldStatus:   "status::text",
	waf.EventFieldAttack:   "attack",
	waf.EventFieldPayload:  "payload",
}

// InsertEvents implements waf.EventStore: the batch is sent with the COPY
// protocol in one transaction; events bump no revision (they are not
// policy).
func (db *DB) InsertEvents(ctx context.Context, events []waf.Event) error {
	if len(events) == 0 {
		return nil
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"waf_events"}, []string{"id", "project_id", "enterprise_project_id", "time",
			"host_id", "host", "policy_id", "client_ip", "location", "tag", "rule_type", "rule_id", "action", "method", "url",
			"status", "attack", "payload", "payload_location"},
			pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
				e := &events[i]
				ep := e.EnterpriseProjectID
				if ep == "" {
					ep = waf.DefaultEnterpriseProject
				}
				return []any{e.ID, e.ProjectID, ep, e.Time.UTC().Truncate(time.Millisecond), e.HostID, e.Host, e.PolicyID,
					e.ClientIP, e.Location, e.Tag, e.RuleType, e.RuleID, e.Action, e.Method, e.URL, e.Status,
					e.Attack(), e.Payload, e.PayloadLocation}, nil
			}))
		if err != nil {
			return err
		}
		return rollupEvents(ctx, tx, events) // the dashboard's hourly counts
	})
}

func scanEvent(row pgx.Row) (*waf.Event, error) {
	var e waf.Event
	var attack string
	if err := row.Scan(&e.ID, &e.ProjectID, &e.EnterpriseProjectID, &e.Time, &e.HostID, &e.Host, &e.PolicyID, &e.ClientIP,
		&e.Location, &e.Tag, &e.RuleType, &e.RuleID, &e.Action, &e.Method, &e.URL, &e.Status,
		&attack, &e.Payload, &e.PayloadLocation); err != nil {
		return nil, err
	}
	if e.RuleType == waf.EventWebAttack {
		e.WebAttack = attack // the others' is derived from the rule type
	}
	e.Time = e.Time.UTC()
	return &e, nil
}

// FindEvent implements waf.EventStore.
func (db *DB) FindEvent(ctx context.Context, projectID, id string) (*waf.Event, error) {
	e, err := scanEvent(db.pool.QueryRow(ctx, `SELECT `+eventColumns+` FROM waf_events WHERE id = $1 AND project_id = $2`, id, projectID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, waf.NotFound("event", id)
	}
	return e, formatError(err)
}

// eventWhere returns the WHERE clause of f, its arguments added to a.
func eventWhere(f waf.EventFilter, a *sqlArgs) string {
	where := "project_id = " + a.add(f.ProjectID)
	if f.EnterpriseProjectID != "" && f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND enterprise_project_id = " + a.add(f.EnterpriseProjectID)
	}
	if !f.From.IsZero() {
		where += " AND time >= " + a.add(stamp(f.From))
	}
	if !f.To.IsZero() {
		where += " AND time <= " + a.add(stamp(f.To))
	}
	for field, t := range f.Terms {
		col, ok := eventColumn[field]
		if !ok {
			continue
		}
		if field == waf.EventFieldTime {
			col = "(floor(extract(epoch FROM time) * 1000)::bigint)::text" // terms compare Unix milliseconds
		}
		if len(t.In) > 0 {
			where += " AND " + col + " = ANY (" + a.add(t.In) + ")"
		}
		if len(t.NotIn) > 0 {
			where += " AND NOT (" + col + " = ANY (" + a.add(t.NotIn) + "))"
		}
		if t.Contains != "" {
			where += " AND " + col + " LIKE " + a.add("%"+likeEscape(t.Contains)+"%")
		}
		if t.NotContains != "" {
			where += " AND " + col + " NOT LIKE " + a.add("%"+likeEscape(t.NotContains)+"%")
		}
	}
	return where
}

// FindEvents implements waf.EventStore: the page is selected in SQL over
// the (project_id, time, seq) index.
func (db *DB) FindEvents(ctx context.Context, f waf.EventFilter) ([]*waf.Event, int, error) {
	var a sqlArgs
	where := eventWhere(f, &a)
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
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM waf_events WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		if total == 0 || (f.Page.Limit >= 0 && f.Page.Offset >= total) {
			return nil
		}
		page := a
		var err error
		out, err = collect(ctx, tx, scanEvent, `SELECT `+eventColumns+` FROM waf_events WHERE `+where+` ORDER BY `+order+
			` LIMIT `+page.add(wafPageLimit(f.Page))+` OFFSET `+page.add(f.Page.Offset), page...)
		return err
	})
	return out, total, err
}

// pruneChunk is how many events one retention transaction deletes at
// most, so that pruning a large backlog never holds locks for long.
const pruneChunk = 5000

// PruneEvents implements waf.EventStore. The events to delete are those
// older than before and, when keep > 0, those at or below the (keep+1)-th
// newest; they are deleted in transactions of at most pruneChunk events.
func (db *DB) PruneEvents(ctx context.Context, projectID string, before time.Time, keep int) (int, error) {
	var a sqlArgs
	cond := "project_id = " + a.add(projectID) + " AND (time < " + a.add(stamp(before))
	if keep > 0 {
		var t time.Time
		var seq int64
		err := db.pool.QueryRow(ctx, `SELECT time, seq FROM waf_events WHERE project_id = $1 ORDER BY time DESC, seq DESC
			LIMIT 1 OFFSET $2`, projectID, keep).Scan(&t, &seq)
		switch {
		case err == nil:
			// Newer events only arrive above the cutoff, so it stays right.
			cond += " OR (time, seq) <= (" + a.add(t) + "::timestamptz, " + a.add(seq) + "::bigint)"
		case !errors.Is(err, pgx.ErrNoRows):
			return 0, formatError(err)
		}
	}
	cond += ")"
	n, err := deleteInChunks(ctx, db, `DELETE FROM waf_events WHERE seq IN (SELECT seq FROM waf_events WHERE `+cond+
		` LIMIT `+a.add(pruneChunk)+`)`, a...)
	if err != nil {
		return n, err
	}
	// The dashboard's hourly counts go with the hours that are wholly older.
	_, err = db.pruneRollup(ctx, projectID, before)
	return n, err
}

// EventProjects implements waf.EventStore.
func (db *DB) EventProjects(ctx context.Context) ([]string, error) {
	rows, _ := db.pool.Query(ctx, `SELECT DISTINCT project_id FROM waf_events`)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, formatError(err)
}
