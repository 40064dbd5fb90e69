package sqlite

import (
	"context"
	"fmt"

	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.EventCountStore = (*DB)(nil)

// eventPath is the URL of an event without its query.
const eventPath = `CASE WHEN instr(url, '?') > 0 THEN substr(url, 1, instr(url, '?') - 1) ELSE url END`

// CountEvents implements waf.EventCountStore: one GROUP BY over the
// events of the window (the waf_events_dashboard index covers every
// grouping but the URL's).
func (db *DB) CountEvents(ctx context.Context, f waf.EventFilter, by waf.EventField, top int) ([]waf.EventCount, error) {
	key, host := "", "''"
	switch by {
	case waf.EventFieldURL:
		key, host = eventPath, "host"
	case waf.EventFieldClientIP, waf.EventFieldHostID, waf.EventFieldAttack, waf.EventFieldAction, waf.EventFieldLocation:
		key = eventColumn[by]
	default:
		return nil, fmt.Errorf("sqlite: events cannot be grouped by field %d", by)
	}
	where, args := eventWhere(f)
	limit := -1
	if top > 0 {
		limit = top
	}
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+key+` AS k, `+host+` AS h, COUNT(*) AS n FROM waf_events WHERE `+where+
		` GROUP BY k, h ORDER BY n DESC, k, h LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []waf.EventCount
	for rows.Next() {
		var c waf.EventCount
		if err := rows.Scan(&c.Key, &c.Host, &c.Num); err != nil {
			return nil, formatError(err)
		}
		out = append(out, c)
	}
	return out, formatError(rows.Err())
}
