package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.EventCountStore = (*DB)(nil)

// eventPath is the URL of an event without its query.
const eventPath = `CASE WHEN instr(url, '?') > 0 THEN substr(url, 1, instr(url, '?') - 1) ELSE url END`

// rolledFields are the fields waf_event_rollup counts events by.
var rolledFields = []waf.EventField{waf.EventFieldClientIP, waf.EventFieldURL, waf.EventFieldHostID, waf.EventFieldAttack,
	waf.EventFieldAction, waf.EventFieldLocation}

// eventGroup is one group of events: its key and, for URL paths, host.
type eventGroup struct{ key, host string }

// rollupKey is one row of waf_event_rollup.
type rollupKey struct {
	field               waf.EventField
	hour                int64
	project, ep, hostID string
	group               eventGroup
}

// rollupEvents adds the events to the hourly rollup, in the events'
// transaction: the batch is summed first, so each group of the batch is
// one upsert.
func rollupEvents(ctx context.Context, tx *sql.Tx, events []waf.Event) error {
	sums := map[rollupKey]int64{}
	for i := range events {
		e := &events[i]
		ep := cmp.Or(e.EnterpriseProjectID, waf.DefaultEnterpriseProject)
		hour := millis(e.Time.Truncate(time.Hour))
		for _, f := range rolledFields {
			g := eventGroup{}
			switch f {
			case waf.EventFieldClientIP:
				g.key = e.ClientIP
			case waf.EventFieldURL:
				g.key, _, _ = strings.Cut(e.URL, "?")
				g.host = e.Host
			case waf.EventFieldHostID:
				g.key = e.HostID
			case waf.EventFieldAttack:
				g.key = e.Attack()
			case waf.EventFieldAction:
				g.key = e.Action
			case waf.EventFieldLocation:
				g.key = e.Location
			}
			sums[rollupKey{f, hour, e.ProjectID, ep, e.HostID, g}]++
		}
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO waf_event_rollup (project_id, field, hour, enterprise_project_id, host_id, key, host, num)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, field, hour, enterprise_project_id, host_id, key, host)
		DO UPDATE SET num = num + excluded.num`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for k, n := range sums {
		if _, err := stmt.ExecContext(ctx, k.project, int(k.field), k.hour, k.ep, k.hostID, k.group.key, k.group.host, n); err != nil {
			return err
		}
	}
	return nil
}

// CountEvents implements waf.EventCountStore. The whole UTC hours of the
// window are read from the hourly rollup; the rest of the window (and any
// filter but hosts) from the events, over the waf_events_dashboard index.
func (db *DB) CountEvents(ctx context.Context, f waf.EventFilter, by waf.EventField, top int) ([]waf.EventCount, error) {
	if !slices.Contains(rolledFields, by) {
		return nil, fmt.Errorf("sqlite: events cannot be grouped by field %d", by)
	}
	counts := map[eventGroup]int64{}
	plan := waf.PlanEventCount(f)
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if plan.Rolled {
			if err := countRolledEvents(ctx, tx, f, by, plan.First, plan.Last, counts); err != nil {
				return err
			}
		}
		for _, part := range plan.Raw {
			if err := countRawEvents(ctx, tx, part, by, counts); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []waf.EventCount // nil when no event matches
	for g, n := range counts {
		out = append(out, waf.EventCount{Key: g.key, Host: g.host, Num: n})
	}
	return waf.TopEventCounts(out, top), nil
}

// countRawEvents adds the events f selects to counts, grouped by SQLite.
func countRawEvents(ctx context.Context, tx *sql.Tx, f waf.EventFilter, by waf.EventField, counts map[eventGroup]int64) error {
	key, host := eventColumn[by], "''"
	if by == waf.EventFieldURL {
		key, host = eventPath, "host"
	}
	where, args := eventWhere(f)
	return sumGroups(ctx, tx, counts, `SELECT `+key+` AS k, `+host+` AS h, COUNT(*) FROM waf_events WHERE `+where+` GROUP BY k, h`, args...)
}

// countRolledEvents adds the rollup's counts of the hours [first, last)
// to counts.
func countRolledEvents(ctx context.Context, tx *sql.Tx, f waf.EventFilter, by waf.EventField, first, last time.Time,
	counts map[eventGroup]int64) error {
	where := "project_id = ? AND field = ? AND hour >= ? AND hour < ?"
	args := []any{f.ProjectID, int(by), millis(first), millis(last)}
	if f.EnterpriseProjectID != "" && f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND enterprise_project_id = ?"
		args = append(args, f.EnterpriseProjectID)
	}
	if hosts := f.Terms[waf.EventFieldHostID].In; len(hosts) > 0 {
		where += " AND host_id IN (" + wafPlaceholders(len(hosts)) + ")"
		for _, h := range hosts {
			args = append(args, h)
		}
	}
	return sumGroups(ctx, tx, counts, `SELECT key, host, SUM(num) FROM waf_event_rollup WHERE `+where+` GROUP BY key, host`, args...)
}

// sumGroups adds the (key, host, count) rows of a query to counts.
func sumGroups(ctx context.Context, tx *sql.Tx, counts map[eventGroup]int64, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g eventGroup
		var n int64
		if err := rows.Scan(&g.key, &g.host, &n); err != nil {
			return err
		}
		counts[g] += n
	}
	return rows.Err()
}
