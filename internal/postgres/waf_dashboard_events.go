package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.EventCountStore = (*DB)(nil)

// eventPath is the URL of an event without its query.
const eventPath = `split_part(url, '?', 1)`

// rolledFields are the fields waf_event_rollup counts events by.
var rolledFields = []waf.EventField{waf.EventFieldClientIP, waf.EventFieldURL, waf.EventFieldHostID, waf.EventFieldAttack,
	waf.EventFieldAction, waf.EventFieldLocation}

// eventGroup is one group of events: its key and, for URL paths, host.
type eventGroup struct{ key, host string }

// rollupKey is one row of waf_event_rollup.
type rollupKey struct {
	field               waf.EventField
	hour                time.Time
	project, ep, hostID string
	group               eventGroup
}

// rollupEvents adds the events to the hourly rollup, in the events'
// transaction: the batch is summed first, then added in one upsert of
// arrays, in key order so that concurrent writers lock shared rows in the
// same order.
func rollupEvents(ctx context.Context, tx pgx.Tx, events []waf.Event) error {
	sums := map[rollupKey]int64{}
	for i := range events {
		e := &events[i]
		ep := cmp.Or(e.EnterpriseProjectID, waf.DefaultEnterpriseProject)
		hour := e.Time.UTC().Truncate(time.Hour)
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
	var projects, eps, hostIDs, keys, hosts []string
	var fields []int32
	var hours []time.Time
	var nums []int64
	for k, n := range sums {
		projects, fields, hours, eps = append(projects, k.project), append(fields, int32(k.field)), append(hours, k.hour), append(eps, k.ep)
		hostIDs, keys, hosts, nums = append(hostIDs, k.hostID), append(keys, k.group.key), append(hosts, k.group.host), append(nums, n)
	}
	_, err := tx.Exec(ctx, `INSERT INTO waf_event_rollup AS r (project_id, field, hour, enterprise_project_id, host_id, key, host, num)
		SELECT * FROM unnest($1::text[], $2::integer[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
		ORDER BY 1, 2, 3, 4, 5, 6, 7
		ON CONFLICT (project_id, field, hour, enterprise_project_id, host_id, key, host) DO UPDATE SET num = r.num + excluded.num`,
		projects, fields, hours, eps, hostIDs, keys, hosts, nums)
	return err
}

// CountEvents implements waf.EventCountStore. The whole UTC hours of the
// window are read from the hourly rollup; the rest of the window (and any
// filter but hosts) from the events, over the waf_events_dashboard index.
func (db *DB) CountEvents(ctx context.Context, f waf.EventFilter, by waf.EventField, top int) ([]waf.EventCount, error) {
	if !slices.Contains(rolledFields, by) {
		return nil, fmt.Errorf("postgres: events cannot be grouped by field %d", by)
	}
	counts := map[eventGroup]int64{}
	plan := waf.PlanEventCount(f)
	err := db.readTx(ctx, func(tx pgx.Tx) error {
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

// countRawEvents adds the events f selects to counts, grouped by
// PostgreSQL.
func countRawEvents(ctx context.Context, tx pgx.Tx, f waf.EventFilter, by waf.EventField, counts map[eventGroup]int64) error {
	key, host := eventColumn[by], "''"
	if by == waf.EventFieldURL {
		key, host = eventPath, "host"
	}
	var a sqlArgs
	where := eventWhere(f, &a)
	return sumGroups(ctx, tx, counts, `SELECT `+key+` AS k, `+host+` AS h, count(*) FROM waf_events WHERE `+where+` GROUP BY k, h`, a...)
}

// countRolledEvents adds the rollup's counts of the hours [first, last)
// to counts.
func countRolledEvents(ctx context.Context, tx pgx.Tx, f waf.EventFilter, by waf.EventField, first, last time.Time,
	counts map[eventGroup]int64) error {
	var a sqlArgs
	where := "project_id = " + a.add(f.ProjectID) + " AND field = " + a.add(int32(by)) + " AND hour >= " + a.add(first.UTC()) +
		" AND hour < " + a.add(last.UTC())
	if f.EnterpriseProjectID != "" && f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND enterprise_project_id = " + a.add(f.EnterpriseProjectID)
	}
	if hosts := f.Terms[waf.EventFieldHostID].In; len(hosts) > 0 {
		where += " AND host_id = ANY (" + a.add(hosts) + ")"
	}
	return sumGroups(ctx, tx, counts, `SELECT key, host, sum(num)::bigint FROM waf_event_rollup WHERE `+where+` GROUP BY key, host`, a...)
}

// sumGroups adds the (key, host, count) rows of a query to counts.
func sumGroups(ctx context.Context, tx pgx.Tx, counts map[eventGroup]int64, query string, args ...any) error {
	rows, _ := tx.Query(ctx, query, args...)
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

// pruneRollup deletes a project's hourly counts of the hours wholly older
// than before, in transactions of at most pruneChunk rows.
func (db *DB) pruneRollup(ctx context.Context, projectID string, before time.Time) (int, error) {
	fields := make([]int32, len(rolledFields))
	for i, f := range rolledFields {
		fields[i] = int32(f)
	}
	return deleteInChunks(ctx, db, `DELETE FROM waf_event_rollup
		WHERE (project_id, field, hour, enterprise_project_id, host_id, key, host) IN
		(SELECT project_id, field, hour, enterprise_project_id, host_id, key, host FROM waf_event_rollup
		WHERE project_id = $1 AND field = ANY ($2) AND hour <= $3 LIMIT $4)`,
		projectID, fields, before.UTC().Add(-time.Hour), pruneChunk)
}
