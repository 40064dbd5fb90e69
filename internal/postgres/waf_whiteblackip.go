package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const whiteblackipColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.addr, r.ip_group_id,
	g.name, cardinality(g.ips), r.white, r.status, r.time_mode, r.start, r.terminal, r.description, r.created_at`

const whiteblackipFrom = ` FROM waf_whiteblackip_rules r LEFT JOIN waf_ip_groups g ON g.id = r.ip_group_id`

func scanWhiteBlackIP(row pgx.Row) (*waf.WhiteBlackIPRule, error) {
	var r waf.WhiteBlackIPRule
	var gid, gname *string
	var gsize *int
	var created *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Addr, &gid, &gname, &gsize,
		&r.White, &r.Status, &r.TimeMode, &r.Start, &r.Terminal, &r.Description, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = unstamp(created)
	if gid != nil {
		r.IPGroupID = *gid
		r.IPGroup = &waf.IPGroupRef{ID: *gid, Name: *gname, Size: *gsize}
	}
	return &r, nil
}

// nullIfEmpty is s as a SQL value: NULL when s is empty.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// wafGroupExists fails with the WAF not-found error unless the project has
// the IP group; it share-locks the group's row, so that a concurrent
// deletion waits and then sees the rule using it.
func wafGroupExists(ctx context.Context, tx pgx.Tx, projectID, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM waf_ip_groups WHERE id = $1 AND project_id = $2 FOR SHARE`, id, projectID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return waf.NotFound("IP address group", id)
	}
	return err
}

// CreateWhiteBlackIPRules implements waf.Store.
func (db *DB) CreateWhiteBlackIPRules(ctx context.Context, rules []*waf.WhiteBlackIPRule) error {
	return createAll(ctx, db, rules, func(r *waf.WhiteBlackIPRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.WhiteBlackIPRule) error {
			if r.IPGroupID != "" {
				if err := wafGroupExists(ctx, tx, r.ProjectID, r.IPGroupID); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO waf_whiteblackip_rules (id, project_id, policy_id, enterprise_project_id,
				name, addr, ip_group_id, white, status, time_mode, start, terminal, description, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Addr, nullIfEmpty(r.IPGroupID), r.White,
				r.Status, r.TimeMode, r.Start, r.Terminal, r.Description, stamp(r.CreatedAt)); err != nil {
				return err
			}
			return wafFillGroupRef(ctx, tx, r)
		})
}

// wafFillGroupRef sets the IPGroup of a rule that references a group.
func wafFillGroupRef(ctx context.Context, tx pgx.Tx, r *waf.WhiteBlackIPRule) error {
	if r.IPGroupID == "" {
		r.IPGroup = nil
		return nil
	}
	ref := &waf.IPGroupRef{ID: r.IPGroupID}
	if err := tx.QueryRow(ctx, `SELECT name, cardinality(ips) FROM waf_ip_groups WHERE id = $1`, r.IPGroupID).Scan(&ref.Name, &ref.Size); err != nil {
		return err
	}
	r.IPGroup = ref
	return nil
}

var wafWhiteBlackIPKind = &wafRuleKind[*waf.WhiteBlackIPRule]{what: "black/white IP rule", table: "waf_whiteblackip_rules", counter: "whiteblackip_count",
	byName: true, selectFrom: `SELECT ` + whiteblackipColumns + whiteblackipFrom, scan: scanWhiteBlackIP}

// FindWhiteBlackIPRule implements waf.Store.
func (db *DB) FindWhiteBlackIPRule(ctx context.Context, projectID, policyID, id string) (*waf.WhiteBlackIPRule, error) {
	return wafWhiteBlackIPKind.findOne(ctx, db, projectID, policyID, id)
}

// FindWhiteBlackIPRules implements waf.Store.
func (db *DB) FindWhiteBlackIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.WhiteBlackIPRule, int, error) {
	return wafWhiteBlackIPKind.list(ctx, db, f)
}

// UpdateWhiteBlackIPRules implements waf.Store.
func (db *DB) UpdateWhiteBlackIPRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.WhiteBlackIPRule) error) ([]*waf.WhiteBlackIPRule, error) {
	return wafWhiteBlackIPKind.updateAll(ctx, db, projectID, ids, fn, func(tx pgx.Tx, r *waf.WhiteBlackIPRule) error {
		if r.IPGroupID != "" {
			if err := wafGroupExists(ctx, tx, projectID, r.IPGroupID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE waf_whiteblackip_rules SET name = $1, addr = $2, ip_group_id = $3, white = $4,
			status = $5, time_mode = $6, start = $7, terminal = $8, description = $9 WHERE id = $10`,
			r.Name, r.Addr, nullIfEmpty(r.IPGroupID), r.White, r.Status, r.TimeMode, r.Start, r.Terminal, r.Description, r.ID); err != nil {
			return err
		}
		return wafFillGroupRef(ctx, tx, r)
	})
}

// WhiteBlackIPCursor returns the position of the latest committed
// whiteblackip rule write in the change log (0: none): a reader that loads
// every rule after reading it passes it to WhiteBlackIPChanges next. The
// log's seq follows commit order (see 0005_waf.sql).
func (db *DB) WhiteBlackIPCursor(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT COALESCE(max(seq), 0) FROM waf_whiteblackip_changes`).Scan(&n)
	return n, formatError(err)
}

// WhiteBlackIPChanges returns the IDs of the project's whiteblackip rules
// created, updated or deleted after the cursor, once each, and the cursor
// to pass next. complete is false when the log has been trimmed past the
// cursor: the caller must then reload every rule.
func (db *DB) WhiteBlackIPChanges(ctx context.Context, projectID string, after int64) (ids []string, cursor int64, complete bool, err error) {
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		var oldest int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(min(seq), 0), COALESCE(max(seq), 0) FROM waf_whiteblackip_changes`).
			Scan(&oldest, &cursor); err != nil {
			return err
		}
		complete = oldest == 0 || after >= oldest-1
		if !complete {
			return nil
		}
		rows, _ := tx.Query(ctx, `SELECT DISTINCT rule_id FROM waf_whiteblackip_changes
			WHERE project_id = $1 AND seq > $2 AND seq <= $3`, projectID, after, cursor)
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return ids, cursor, complete, err
}

// WhiteBlackIPRulesByID returns the project's whiteblackip rules among
// ids; an ID with no rule (deleted) is left out.
func (db *DB) WhiteBlackIPRulesByID(ctx context.Context, projectID string, ids []string) ([]*waf.WhiteBlackIPRule, error) {
	return collect(ctx, db.pool, scanWhiteBlackIP, `SELECT `+whiteblackipColumns+whiteblackipFrom+`
		WHERE r.project_id = $1 AND r.id = ANY ($2)`, projectID, ids)
}
