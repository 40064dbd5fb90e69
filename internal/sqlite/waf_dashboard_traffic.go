package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.TrafficStore = (*DB)(nil)

// trafficColumns are the counter columns of waf_traffic, in the order of
// the waf.Traffic* counters.
var trafficColumns = [waf.NumTrafficCounters]string{
	"upstream_1xx", "upstream_2xx", "upstream_3xx", "upstream_4xx", "upstream_5xx",
	"local_1xx", "local_2xx", "local_3xx", "local_4xx", "local_5xx",
	"address_block", "address_log", "web_block", "web_log", "precise_block", "precise_log",
	"cc_block", "cc_log", "punishment_block", "punishment_log", "crawler",
}

// trafficUpsert adds one count to its row, creating the row when needed.
var trafficUpsert = func() string {
	cols := strings.Join(trafficColumns[:], ", ")
	var set []string
	for _, c := range trafficColumns {
		set = append(set, c+" = "+c+" + excluded."+c)
	}
	return `INSERT INTO waf_traffic (project_id, minute, host_id, enterprise_project_id, ` + cols + `) VALUES (?, ?, ?, ?, ` +
		wafPlaceholders(len(trafficColumns)) + `) ON CONFLICT (project_id, minute, host_id, enterprise_project_id) DO UPDATE SET ` +
		strings.Join(set, ", ")
}()

// trafficSums is the SELECT list of SumTraffic.
var trafficSums = func() string {
	var sums []string
	for _, c := range trafficColumns {
		sums = append(sums, "SUM("+c+")")
	}
	return strings.Join(sums, ", ")
}()

// AddTraffic implements waf.TrafficStore: one transaction; each count is
// added to the row of its host and minute.
func (db *DB) AddTraffic(ctx context.Context, counts []waf.TrafficCount) error {
	if len(counts) == 0 {
		return nil
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, trafficUpsert)
		if err != nil {
			return err
		}
		defer stmt.Close()
		args := make([]any, 0, 4+len(trafficColumns))
		for i := range counts {
			c := &counts[i]
			ep := c.EnterpriseProjectID
			if ep == "" {
				ep = waf.DefaultEnterpriseProject
			}
			args = append(args[:0], c.ProjectID, millis(c.Time.Truncate(waf.TrafficBucket)), c.HostID, ep)
			for _, n := range c.Counters {
				args = append(args, n)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// SumTraffic implements waf.TrafficStore over the (project_id, minute)
// primary key.
func (db *DB) SumTraffic(ctx context.Context, f waf.TrafficFilter) ([]waf.TrafficCount, error) {
	step := f.Step.Milliseconds()
	if step < waf.TrafficBucket.Milliseconds() {
		step = waf.TrafficBucket.Milliseconds()
	}
	where := "project_id = ? AND minute >= ? AND minute <= ?"
	args := []any{step, f.ProjectID, millis(f.From), millis(f.To)}
	if f.EnterpriseProjectID != "" && f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND enterprise_project_id = ?"
		args = append(args, f.EnterpriseProjectID)
	}
	if len(f.HostIDs) > 0 {
		where += " AND host_id IN (" + wafPlaceholders(len(f.HostIDs)) + ")"
		for _, id := range f.HostIDs {
			args = append(args, id)
		}
	}
	rows, err := db.rdb.QueryContext(ctx, `SELECT minute - minute % ? AS span, `+trafficSums+` FROM waf_traffic WHERE `+where+
		` GROUP BY span ORDER BY span`, args...)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []waf.TrafficCount
	for rows.Next() {
		var c waf.TrafficCount
		var span int64
		dst := []any{&span}
		for i := range c.Counters {
			dst = append(dst, &c.Counters[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, formatError(err)
		}
		c.Time = time.UnixMilli(span).UTC()
		out = append(out, c)
	}
	return out, formatError(rows.Err())
}

// PruneTraffic implements waf.TrafficStore, in transactions of at most
// pruneChunk rows.
func (db *DB) PruneTraffic(ctx context.Context, before time.Time) (int, error) {
	return db.deleteInChunks(ctx, `DELETE FROM waf_traffic WHERE (project_id, minute, host_id, enterprise_project_id) IN
		(SELECT project_id, minute, host_id, enterprise_project_id FROM waf_traffic WHERE minute < ? LIMIT ?)`, millis(before), pruneChunk)
}
