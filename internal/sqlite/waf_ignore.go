package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const ignoreColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.domains, r.conditions, r.mode, r.rule,
	r.advanced, r.description, r.status, r.created_at, r.updated_at, r.cleared_at, r.hit_num`

func scanIgnore(s wafScanner) (*waf.IgnoreRule, error) {
	var r waf.IgnoreRule
	var domains, conds string
	var advanced sql.NullString
	var created, updated, cleared int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &domains, &conds, &r.Mode, &r.Rule,
		&advanced, &r.Description, &r.Status, &created, &updated, &cleared, &r.Hits); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.ClearedAt = fromMillis(created), fromMillis(updated), fromMillis(cleared)
	if err := json.Unmarshal([]byte(domains), &r.Domains); err != nil {
		return nil, unreadable("waf_ignore_rules", r.ID, err)
	}
	var err error
	if r.Conditions, err = storeform.DecodeIgnoreConditions([]byte(conds)); err != nil {
		return nil, unreadable("waf_ignore_rules", r.ID, err)
	}
	var adv []byte
	if advanced.Valid {
		adv = []byte(advanced.String)
	}
	if r.Advanced, err = storeform.DecodeIgnoreAdvanced(adv); err != nil {
		return nil, unreadable("waf_ignore_rules", r.ID, err)
	}
	return &r, nil
}

var wafIgnoreKind = &wafRuleKind[*waf.IgnoreRule]{what: "ignore rule", table: "waf_ignore_rules",
	counter: "ignore_count", selectFrom: `SELECT ` + ignoreColumns + ` FROM waf_ignore_rules r`, scan: scanIgnore}

// CreateIgnoreRules implements waf.Store.
func (db *DB) CreateIgnoreRules(ctx context.Context, rules []*waf.IgnoreRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range rules {
			if err := wafPolicyExists(ctx, tx, r.ProjectID, r.PolicyID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO waf_ignore_rules (id, project_id, policy_id, enterprise_project_id,
				domains, conditions, mode, rule, advanced, description, status, created_at, updated_at, cleared_at, hit_num)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, wafJSON(r.Domains), storeform.EncodeIgnoreConditions(r.Conditions),
				r.Mode, r.Rule, storeform.EncodeIgnoreAdvanced(r.Advanced), r.Description, r.Status, millis(r.CreatedAt),
				millis(r.UpdatedAt), millis(r.ClearedAt), r.Hits); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindIgnoreRule implements waf.Store.
func (db *DB) FindIgnoreRule(ctx context.Context, projectID, policyID, id string) (*waf.IgnoreRule, error) {
	r, err := wafIgnoreKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindIgnoreRules implements waf.Store.
func (db *DB) FindIgnoreRules(ctx context.Context, f waf.RuleFilter) ([]*waf.IgnoreRule, int, error) {
	return wafIgnoreKind.list(ctx, db, f)
}

// UpdateIgnoreRules implements waf.Store.
func (db *DB) UpdateIgnoreRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.IgnoreRule) error) ([]*waf.IgnoreRule, error) {
	var out []*waf.IgnoreRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = wafIgnoreKind.update(ctx, tx, projectID, ids, fn, func(r *waf.IgnoreRule) error {
			_, err := tx.ExecContext(ctx, `UPDATE waf_ignore_rules SET domains = ?, conditions = ?, mode = ?, rule = ?,
				advanced = ?, description = ?, status = ?, updated_at = ?, cleared_at = ?, hit_num = ? WHERE id = ?`,
				wafJSON(r.Domains), storeform.EncodeIgnoreConditions(r.Conditions), r.Mode, r.Rule, storeform.EncodeIgnoreAdvanced(r.Advanced),
				r.Description, r.Status, millis(r.UpdatedAt), millis(r.ClearedAt), r.Hits, r.ID)
			return err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddIgnoreRuleHits implements waf.Store. It writes outside the group
// commit of configuration writes, which bumps the WAF revision.
func (db *DB) AddIgnoreRuleHits(ctx context.Context, projectID string, hits []waf.IgnoreHit) error {
	if len(hits) == 0 {
		return nil
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE waf_ignore_rules SET hit_num = hit_num + ? WHERE id = ? AND project_id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, h := range hits {
			if h.Count <= 0 {
				continue
			}
			if _, err := stmt.ExecContext(ctx, h.Count, h.RuleID, projectID); err != nil {
				return err
			}
		}
		return nil
	})
}
