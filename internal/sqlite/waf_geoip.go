package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

const geoipColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.geoip, r.white, r.status,
	r.ip_type, r.description, r.created_at`

func scanGeoIP(s wafScanner) (*waf.GeoIPRule, error) {
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

var wafGeoIPKind = &wafRuleKind[*waf.GeoIPRule]{what: "geolocation rule", table: "waf_geoip_rules",
	counter: "geoip_count", selectFrom: `SELECT ` + geoipColumns + ` FROM waf_geoip_rules r`, scan: scanGeoIP}

// claimLocations records the rule's locations, failing with the WAF rule
// conflict when another rule of the policy holds one.
func wafClaimLocations(ctx context.Context, tx *sql.Tx, r *waf.GeoIPRule) error {
	return wafClaim(ctx, tx, "waf_geoip_locations", "code", r.PolicyID, r.ID, r.Codes, waf.ErrLocationInUse)
}

// CreateGeoIPRules implements waf.Store.
func (db *DB) CreateGeoIPRules(ctx context.Context, rules []*waf.GeoIPRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(ctx context.Context, tx *sql.Tx) error {
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

// FindGeoIPRule implements waf.Store.
func (db *DB) FindGeoIPRule(ctx context.Context, projectID, policyID, id string) (*waf.GeoIPRule, error) {
	r, err := wafGeoIPKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindGeoIPRules implements waf.Store.
func (db *DB) FindGeoIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.GeoIPRule, int, error) {
	return wafGeoIPKind.list(ctx, db, f)
}

// UpdateGeoIPRules implements waf.Store.
func (db *DB) UpdateGeoIPRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.GeoIPRule) error) ([]*waf.GeoIPRule, error) {
	var out []*waf.GeoIPRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = wafGeoIPKind.update(ctx, tx, projectID, ids, fn, func(r *waf.GeoIPRule) error {
			if _, err := tx.ExecContext(ctx, `UPDATE waf_geoip_rules SET name = ?, geoip = ?, white = ?, status = ?,
				ip_type = ?, description = ? WHERE id = ?`,
				r.Name, r.Geoip, r.White, r.Status, r.IPType, r.Description, r.ID); err != nil {
				return err
			}
			return wafClaimLocations(ctx, tx, r)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
