package postgres

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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

// trafficUpsert adds a batch of counts (one array per column, at most one
// element per row) to their rows, creating the rows when needed, in key
// order so that concurrent nodes lock shared rows in the same order.
var trafficUpsert = func() string {
	cols := strings.Join(trafficColumns[:], ", ")
	arrays := []string{"$1::text[]", "$2::timestamptz[]", "$3::text[]", "$4::text[]"}
	var set []string
	for i, c := range trafficColumns {
		arrays = append(arrays, "$"+strconv.Itoa(5+i)+"::bigint[]")
		set = append(set, c+" = t."+c+" + excluded."+c)
	}
	return `INSERT INTO waf_traffic AS t (project_id, minute, host_id, enterprise_project_id, ` + cols + `)
		SELECT * FROM unnest(` + strings.Join(arrays, ", ") + `) ORDER BY 1, 2, 3, 4
		ON CONFLICT (project_id, minute, host_id, enterprise_project_id) DO UPDATE SET ` + strings.Join(set, ", ")
}()

// trafficSums is the SELECT list of SumTraffic.
var trafficSums = func() string {
	var sums []string
	for _, c := range trafficColumns {
		sums = append(sums, "sum("+c+")::bigint")
	}
	return strings.Join(sums, ", ")
}()

// trafficKey is the key of one waf_traffic row.
type trafficKey struct {
	project string
	minute  time.Time
	host    string
	ep      string
}

// AddTraffic implements waf.TrafficStore: the batch is summed per row
// first, then added in one upsert of arrays, in one transaction.
func (db *DB) AddTraffic(ctx context.Context, counts []waf.TrafficCount) error {
	if len(counts) == 0 {
		return nil
	}
	sums := map[trafficKey]*waf.TrafficCounters{}
	var keys []trafficKey
	for i := range counts {
		c := &counts[i]
		k := trafficKey{c.ProjectID, c.Time.UTC().Truncate(waf.TrafficBucket), c.HostID,
			cmp.Or(c.EnterpriseProjectID, waf.DefaultEnterpriseProject)}
		s, ok := sums[k]
		if !ok {
			s = &waf.TrafficCounters{}
			sums[k] = s
			keys = append(keys, k)
		}
		s.Add(&c.Counters)
	}
	args := make([]any, 4+len(trafficColumns))
	projects, minutes, hosts, eps := make([]string, len(keys)), make([]time.Time, len(keys)), make([]string, len(keys)),
		make([]string, len(keys))
	counters := make([][]int64, len(trafficColumns))
	for i := range counters {
		counters[i] = make([]int64, len(keys))
	}
	for i, k := range keys {
		projects[i], minutes[i], hosts[i], eps[i] = k.project, k.minute, k.host, k.ep
		for j, n := range sums[k] {
			counters[j][i] = n
		}
	}
	args[0], args[1], args[2], args[3] = projects, minutes, hosts, eps
	for j := range counters {
		args[4+j] = counters[j]
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, trafficUpsert, args...)
		return err
	})
}

// SumTraffic implements waf.TrafficStore over the (project_id, minute)
// primary key.
func (db *DB) SumTraffic(ctx context.Context, f waf.TrafficFilter) ([]waf.TrafficCount, error) {
	step := max(f.Step.Milliseconds(), waf.TrafficBucket.Milliseconds())
	var a sqlArgs
	span := "floor(extract(epoch FROM minute) * 1000)::bigint"
	span = "(" + span + " - " + span + " % " + a.add(step) + "::bigint)"
	where := "project_id = " + a.add(f.ProjectID) + " AND minute >= " + a.add(f.From.UTC()) + " AND minute <= " + a.add(f.To.UTC())
	if f.EnterpriseProjectID != "" && f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND enterprise_project_id = " + a.add(f.EnterpriseProjectID)
	}
	if len(f.HostIDs) > 0 {
		where += " AND host_id = ANY (" + a.add(f.HostIDs) + ")"
	}
	out, err := collect(ctx, db.pool, func(row pgx.Row) (waf.TrafficCount, error) {
		var c waf.TrafficCount
		var ms int64
		dst := []any{&ms}
		for i := range c.Counters {
			dst = append(dst, &c.Counters[i])
		}
		err := row.Scan(dst...)
		c.Time = time.UnixMilli(ms).UTC()
		return c, err
	}, `SELECT `+span+` AS span, `+trafficSums+` FROM waf_traffic WHERE `+where+` GROUP BY span ORDER BY span`, a...)
	return out, formatError(err)
}

// PruneTraffic implements waf.TrafficStore, in transactions of at most
// pruneChunk rows.
func (db *DB) PruneTraffic(ctx context.Context, before time.Time) (int, error) {
	return deleteInChunks(ctx, db, `DELETE FROM waf_traffic WHERE (project_id, minute, host_id, enterprise_project_id) IN
		(SELECT project_id, minute, host_id, enterprise_project_id FROM waf_traffic WHERE minute < $1 LIMIT $2)`,
		before.UTC(), pruneChunk)
}

// deleteInChunks runs a delete of at most limit rows (its arguments end
// with limit) until it deletes fewer, and returns how many it deleted.
func deleteInChunks(ctx context.Context, db *DB, query string, args ...any) (int, error) {
	limit := args[len(args)-1].(int)
	total := 0
	for {
		n, err := affected(db.pool.Exec(ctx, query, args...))
		total += int(n)
		if err != nil || n < int64(limit) {
			return total, formatError(err)
		}
	}
}
