package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

const geoipColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.geoip, r.white, r.status,
	r.ip_type, r.description, r.created_at`

func scanGeoIP(s interface{ Scan(...any) error }) (*waf.GeoIPRule, error) {
	var r waf.GeoIPRule
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Geoip, &r.White,
		&r.Status, &r.IPType, &r.Description, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	r.Codes = strings.Split(r.Geoip, "|")
	return &r, nil
}

// claimLocations records the rule's locations, failing with the WAF rule
// conflict when another rule of the policy holds one.
func wafClaimLocations(ctx context.Context, tx *sql.Tx, r *waf.GeoIPRule) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM waf_geoip_locations WHERE rule_id = ?`, r.ID); err != nil {
		return err
	}
	for _, code := range r.Codes {
		var holder string
		err := tx.QueryRowContext(ctx, `SELECT rule_id FROM waf_geoip_locations WHERE policy_id = ? AND code = ?`, r.PolicyID, code).Scan(&holder)
		if err == nil {
			return waf.ErrLocationInUse(code, holder)
		}
		if err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO waf_geoip_locations (policy_id, code, rule_id) VALUES (?, ?, ?)`, r.PolicyID, code, r.ID); err != nil {
			return err
		}
	}
	return nil
}

// CreateGeoIPRules implements waf.Store.
func (db *DB) CreateGeoIPRules(ctx context.Context, rules []*waf.GeoIPRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(tx *sql.Tx) error {
		for _, r := range rules {
			if err := wafPolicyExists(ctx, tx, r.ProjectID, r.PolicyID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO waf_geoip_rules (id, project_id, policy_id, enterprise_project_id,
				name, geoip, white, status, ip_type, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Geoip, r.White, r.Status, r.IPType,
				r.Description, millis(r.CreatedAt)); err != nil {
				return err
			}
			if err := wafClaimLocations(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func findGeoIP(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, projectID, policyID, id string) (*waf.GeoIPRule, error) {
	r, err := scanGeoIP(q.QueryRowContext(ctx, `SELECT `+geoipColumns+` FROM waf_geoip_rules r
		WHERE r.id = ? AND r.policy_id = ? AND r.project_id = ?`, id, policyID, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("geolocation rule", id)
	}
	return r, err
}

// FindGeoIPRule implements waf.Store.
func (db *DB) FindGeoIPRule(ctx context.Context, projectID, policyID, id string) (*waf.GeoIPRule, error) {
	r, err := findGeoIP(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindGeoIPRules implements waf.Store.
func (db *DB) FindGeoIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.GeoIPRule, int, error) {
	var out []*waf.GeoIPRule
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var page string
		var args []any
		var err error
		total, page, args, err = wafRulePage(ctx, tx, "waf_geoip_rules", "geoip_count", f, false)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+geoipColumns+` FROM waf_geoip_rules r WHERE `+page+` ORDER BY r.seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanGeoIP(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, total, err
}

// UpdateGeoIPRules implements waf.Store.
func (db *DB) UpdateGeoIPRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.GeoIPRule) error) ([]*waf.GeoIPRule, error) {
	var out []*waf.GeoIPRule
	err := db.wafWrite(ctx, projectID, func(tx *sql.Tx) error {
		for _, pr := range ids {
			for _, id := range pr.RuleIDs {
				r, err := findGeoIP(ctx, tx, projectID, pr.PolicyID, id)
				if err != nil {
					return err
				}
				if err := fn(r); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE waf_geoip_rules SET name = ?, geoip = ?, white = ?, status = ?,
					ip_type = ?, description = ? WHERE id = ?`,
					r.Name, r.Geoip, r.White, r.Status, r.IPType, r.Description, r.ID); err != nil {
					return err
				}
				if err := wafClaimLocations(ctx, tx, r); err != nil {
					return err
				}
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
