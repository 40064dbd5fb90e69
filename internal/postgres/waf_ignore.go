package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const ignoreColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.domains, r.conditions, r.mode, r.rule,
	r.advanced, r.description, r.status, r.created_at, r.updated_at, r.cleared_at, r.hit_num`

func scanIgnore(row pgx.Row) (*waf.IgnoreRule, error) {
	var r waf.IgnoreRule
	var domains, conds, advanced []byte
	var created, updated, cleared *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &domains, &conds, &r.Mode, &r.Rule,
		&advanced, &r.Description, &r.Status, &created, &updated, &cleared, &r.Hits); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.ClearedAt = unstamp(created), unstamp(updated), unstamp(cleared)
	if err := json.Unmarshal(domains, &r.Domains); err != nil {
		return nil, unreadable("waf_ignore_rules", r.ID, err)
	}
	var err error
	if r.Conditions, err = storeform.DecodeIgnoreConditions(conds); err != nil {
		return nil, unreadable("waf_ignore_rules", r.ID, err)
	}
	if r.Advanced, err = storeform.DecodeIgnoreAdvanced(advanced); err != nil {
		return nil, unreadable("waf_ignore_rules", r.ID, err)
	}
	return &r, nil
}

var wafIgnoreKind = &wafRuleKind[*waf.IgnoreRule]{what: "ignore rule", table: "waf_ignore_rules", counter: "ignore_count",
	selectFrom: `SELECT ` + ignoreColumns + ` FROM waf_ignore_rules r`, scan: scanIgnore}

// CreateIgnoreRules implements waf.Store.
func (db *DB) CreateIgnoreRules(ctx context.Context, rules []*waf.IgnoreRule) error {
	return createAll(ctx, db, rules, func(r *waf.IgnoreRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.IgnoreRule) error {
			_, err := tx.Exec(ctx, `INSERT INTO waf_ignore_rules (id, project_id, policy_id, enterprise_project_id,
				domains, conditions, mode, rule, advanced, description, status, created_at, updated_at, cleared_at, hit_num)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, wafJSON(r.Domains), storeform.EncodeIgnoreConditions(r.Conditions),
				r.Mode, r.Rule, storeform.EncodeIgnoreAdvanced(r.Advanced), r.Description, r.Status, stamp(r.CreatedAt),
				stamp(r.UpdatedAt), stamp(r.ClearedAt), r.Hits)
			return err
		})
}

// FindIgnoreRule implements waf.Store.
func (db *DB) FindIgnoreRule(ctx context.Context, projectID, policyID, id string) (*waf.IgnoreRule, error) {
	return wafIgnoreKind.findOne(ctx, db, projectID, policyID, id)
}

// FindIgnoreRules implements waf.Store.
func (db *DB) FindIgnoreRules(ctx context.Context, f waf.RuleFilter) ([]*waf.IgnoreRule, int, error) {
	return wafIgnoreKind.list(ctx, db, f)
}

// UpdateIgnoreRules implements waf.Store.
func (db *DB) UpdateIgnoreRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.IgnoreRule) error) ([]*waf.IgnoreRule, error) {
	return wafIgnoreKind.updateAll(ctx, db, projectID, ids, fn, func(tx pgx.Tx, r *waf.IgnoreRule) error {
		_, err := tx.Exec(ctx, `UPDATE waf_ignore_rules SET domains = $1, conditions = $2, mode = $3, rule = $4,
			advanced = $5, description = $6, status = $7, updated_at = $8, cleared_at = $9, hit_num = $10 WHERE id = $11`,
			wafJSON(r.Domains), storeform.EncodeIgnoreConditions(r.Conditions), r.Mode, r.Rule, storeform.EncodeIgnoreAdvanced(r.Advanced),
			r.Description, r.Status, stamp(r.UpdatedAt), stamp(r.ClearedAt), r.Hits, r.ID)
		return err
	})
}

// AddIgnoreRuleHits implements waf.Store: one statement adds every count
// (increments, so concurrent additions from several nodes all count); it
// bumps no revision.
func (db *DB) AddIgnoreRuleHits(ctx context.Context, projectID string, hits []waf.IgnoreHit) error {
	var ids []string
	var counts []int64
	for _, h := range hits {
		if h.Count > 0 {
			ids, counts = append(ids, h.RuleID), append(counts, h.Count)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := db.pool.Exec(ctx, `UPDATE waf_ignore_rules r SET hit_num = r.hit_num + h.n
		FROM (SELECT id, sum(n) AS n FROM unnest($1::text[], $2::bigint[]) AS u (id, n) GROUP BY id) h
		WHERE r.id = h.id AND r.project_id = $3`, ids, counts, projectID)
	return formatError(err)
}
