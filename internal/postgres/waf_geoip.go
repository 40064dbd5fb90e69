package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const geoipColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.geoip, r.white, r.status,
	r.ip_type, r.description, r.created_at`

func scanGeoIP(row pgx.Row) (*waf.GeoIPRule, error) {
	var r waf.GeoIPRule
	var created *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Geoip, &r.White,
		&r.Status, &r.IPType, &r.Description, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = unstamp(created)
	r.Codes = strings.Split(r.Geoip, "|")
	return &r, nil
}

var wafGeoIPKind = &wafRuleKind[*waf.GeoIPRule]{what: "geolocation rule", table: "waf_geoip_rules", counter: "geoip_count",
	selectFrom: `SELECT ` + geoipColumns + ` FROM waf_geoip_rules r`, scan: scanGeoIP}

// wafClaimLocations records the rule's locations, failing with the WAF
// rule conflict when another rule of the policy holds one.
func wafClaimLocations(ctx context.Context, tx pgx.Tx, r *waf.GeoIPRule) error {
	return wafClaim(ctx, tx, "waf_geoip_locations", "code", r.PolicyID, r.ID, r.Codes, waf.ErrLocationInUse)
}

// CreateGeoIPRules implements waf.Store.
func (db *DB) CreateGeoIPRules(ctx context.Context, rules []*waf.GeoIPRule) error {
	return createAll(ctx, db, rules, func(r *waf.GeoIPRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.GeoIPRule) error {
			if _, err := tx.Exec(ctx, `INSERT INTO waf_geoip_rules (id, project_id, policy_id, enterprise_project_id,
				name, geoip, white, status, ip_type, description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Geoip, r.White, r.Status, r.IPType,
				r.Description, stamp(r.CreatedAt)); err != nil {
				return err
			}
			return wafClaimLocations(ctx, tx, r)
		})
}

// FindGeoIPRule implements waf.Store.
func (db *DB) FindGeoIPRule(ctx context.Context, projectID, policyID, id string) (*waf.GeoIPRule, error) {
	return wafGeoIPKind.findOne(ctx, db, projectID, policyID, id)
}

// FindGeoIPRules implements waf.Store.
func (db *DB) FindGeoIPRules(ctx context.Context, f waf.RuleFilter) ([]*waf.GeoIPRule, int, error) {
	return wafGeoIPKind.list(ctx, db, f)
}

// UpdateGeoIPRules implements waf.Store.
func (db *DB) UpdateGeoIPRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.GeoIPRule) error) ([]*waf.GeoIPRule, error) {
	return wafGeoIPKind.updateAll(ctx, db, projectID, ids, fn, func(tx pgx.Tx, r *waf.GeoIPRule) error {
		if _, err := tx.Exec(ctx, `UPDATE waf_geoip_rules SET name = $1, geoip = $2, white = $3, status = $4,
			ip_type = $5, description = $6 WHERE id = $7`,
			r.Name, r.Geoip, r.White, r.Status, r.IPType, r.Description, r.ID); err != nil {
			return err
		}
		return wafClaimLocations(ctx, tx, r)
	})
}
