package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/waf"
)

const whiteblackipColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.addr, r.ip_group_id,
	g.name, g.ips, r.white, r.status, r.time_mode, r.start, r.terminal, r.description, r.created_at`

const whiteblackipFrom = ` FROM waf_whiteblackip_rules r LEFT JOIN waf_ip_groups g ON g.id = r.ip_group_id`

func scanWhiteBlackIP(s wafScanner) (*waf.WhiteBlackIPRule, error) {
	var r waf.WhiteBlackIPRule
	var gid, gname, gips sql.NullString
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Addr, &gid, &gname, &gips,
		&r.White, &r.Status, &r.TimeMode, &r.Start, &r.Terminal, &r.Description, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	if gid.Valid {
		r.IPGroupID = gid.String
		r.IPGroup = &waf.IPGroupRef{ID: gid.String, Name: gname.String, Size: len(wafEntries(gips.String))}
	}
	return &r, nil
}

func wafNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// groupExists fails with the WAF not-found error unless the project has the
// IP group.
func wafGroupExists(ctx context.Context, tx *sql.Tx, projectID, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM waf_ip_groups WHERE id = ? AND project_id = ?`, id, projectID).Scan(&one)
	if err == sql.ErrNoRows {
		return waf.NotFound("IP address group", id)
	}
	return err
}

// insertWhiteBlackIP inserts a rule and checks its policy in one statement:
// no row is inserted when the policy is not the project's.
const insertWhiteBlackIP = `INSERT INTO waf_whiteblackip_rules (id, project_id, policy_id, enterprise_project_id,
	name, addr, ip_group_id, white, status, time_mode, start, terminal, description, created_at)
	SELECT ?, project_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM waf_policies WHERE id = ? AND project_id = ?`

// CreateWhiteBlackIPRules implements waf.Store.
func (db *DB) CreateWhiteBlackIPRules(ctx context.Context, rules []*waf.WhiteBlackIPRule) error {
	if len(rules) == 0 {
		return nil
	}
	insert, err := db.prepared(ctx, insertWhiteBlackIP)
	if err != nil {
		return err
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		ins := tx.StmtContext(ctx, insert)
		for _, r := range rules {
			if r.IPGroupID != "" {
				if err := wafGroupExists(ctx, tx, r.ProjectID, r.IPGroupID); err != nil {
					return err
				}
			}
			res, err := ins.ExecContext(ctx, r.ID, r.EnterpriseProjectID, r.Name, r.Addr, wafNullable(r.IPGroupID), r.White, r.Status,
				r.TimeMode, r.Start, r.Terminal, r.Description, millis(r.CreatedAt), r.PolicyID, r.ProjectID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return waf.NotFound("policy", r.PolicyID)
			}
		}
		return wafFillGroupRefs(ctx, tx, rules)
	})
}

// fillGroupRefs sets IPGroup of rules that reference a group.
func wafFillGroupRefs(ctx context.Context, tx *sql.Tx, rules []*waf.WhiteBlackIPRule) error {
	for _, r := range rules {
		if r.IPGroupID == "" {
			r.IPGroup = nil
			continue
		}
		var name, ips string
		if err := tx.QueryRowContext(ctx, `SELECT name, ips FROM waf_ip_groups WHERE id = ?`, r.IPGroupID).Scan(&name, &ips); err != nil {
			return err
		}
		r.IPGroup = &waf.IPGroupRef{ID: r.IPGroupID, Name: name, Size: len(wafEntries(ips))}
	}
	return nil
}

var wafWhiteBlackIPKind = &wafRuleKind[*waf.WhiteBlackIPRule]{what: "black/white IP rule", table: "waf_whiteblackip_rules",
	counter: "whiteblackip_count", byName: true, selectFrom: `SELECT ` + whiteblackipColumns + whiteblackipFrom, scan: scanWhiteBlackIP}

// FindWhiteBlackIPRule implements waf.Store.
func (db *DB) FindWhiteBlackIPRule(ctx context.Context, projectID, policyID, id string) (*waf.WhiteBlackIPRule, error) {
	r, err := wafWhiteBlackIPKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindWhiteBlackIPRules implements waf.Store.
func (db *DB) FindWhiteBlackIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.WhiteBlackIPRule, int, error) {
	return wafWhiteBlackIPKind.list(ctx, db, f)
}

// UpdateWhiteBlackIPRules implements waf.Store.
func (db *DB) UpdateWhiteBlackIPRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.WhiteBlackIPRule) error) ([]*waf.WhiteBlackIPRule, error) {
	var out []*waf.WhiteBlackIPRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = wafWhiteBlackIPKind.update(ctx, tx, projectID, ids, fn, func(r *waf.WhiteBlackIPRule) error {
			if r.IPGroupID != "" {
				if err := wafGroupExists(ctx, tx, projectID, r.IPGroupID); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `UPDATE waf_whiteblackip_rules SET name = ?, addr = ?, ip_group_id = ?, white = ?,
				status = ?, time_mode = ?, start = ?, terminal = ?, description = ? WHERE id = ?`,
				r.Name, r.Addr, wafNullable(r.IPGroupID), r.White, r.Status, r.TimeMode, r.Start, r.Terminal, r.Description, r.ID)
			return err
		})
		if err != nil {
			return err
		}
		return wafFillGroupRefs(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
