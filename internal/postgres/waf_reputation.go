package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const reputationColumns = `r.id, r.project_id, r.policy_id, p.name, r.enterprise_project_id, r.name, r.description, r.type,
	r.tags, r.action, r.status, r.created_at`

func scanReputation(row pgx.Row) (*waf.ReputationRule, error) {
	var r waf.ReputationRule
	var tags []byte
	var created *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.PolicyName, &r.EnterpriseProjectID, &r.Name, &r.Description,
		&r.Type, &tags, &r.Action, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = unstamp(created)
	if err := json.Unmarshal(tags, &r.Tags); err != nil {
		return nil, unreadable("waf_reputation_rules", r.ID, err)
	}
	return &r, nil
}

var wafReputationKind = &wafRuleKind[*waf.ReputationRule]{what: "IP reputation rule", table: "waf_reputation_rules", counter: "reputation_count",
	selectFrom: `SELECT ` + reputationColumns + ` FROM waf_reputation_rules r JOIN waf_policies p ON p.id = r.policy_id`,
	scan:       scanReputation}

// wafClaimTags records the rule's tags, failing with the WAF rule conflict
// when another rule of the policy holds one.
func wafClaimTags(ctx context.Context, tx pgx.Tx, r *waf.ReputationRule) error {
	return wafClaim(ctx, tx, "waf_reputation_tags", "tag", r.PolicyID, r.ID, r.Tags, waf.ErrTagInUse)
}

// CreateReputationRules implements waf.Store.
func (db *DB) CreateReputationRules(ctx context.Context, rules []*waf.ReputationRule) error {
	return createAll(ctx, db, rules, func(r *waf.ReputationRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.ReputationRule) error {
			if err := tx.QueryRow(ctx, `INSERT INTO waf_reputation_rules (id, project_id, policy_id, enterprise_project_id,
				name, description, type, tags, action, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				RETURNING (SELECT name FROM waf_policies WHERE id = $3)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Description, r.Type, wafJSON(r.Tags),
				r.Action, r.Status, stamp(r.CreatedAt)).Scan(&r.PolicyName); err != nil {
				return err
			}
			return wafClaimTags(ctx, tx, r)
		})
}

// FindReputationRule implements waf.Store.
func (db *DB) FindReputationRule(ctx context.Context, projectID, policyID, id string) (*waf.ReputationRule, error) {
	return wafReputationKind.findOne(ctx, db, projectID, policyID, id)
}

// FindReputationRules implements waf.Store.
func (db *DB) FindReputationRules(ctx context.Context, f waf.RuleFilter) ([]*waf.ReputationRule, int, error) {
	return wafReputationKind.list(ctx, db, f)
}

// UpdateReputationRules implements waf.Store.
func (db *DB) UpdateReputationRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.ReputationRule) error) ([]*waf.ReputationRule, error) {
	return wafReputationKind.updateAll(ctx, db, projectID, ids, fn, func(tx pgx.Tx, r *waf.ReputationRule) error {
		if _, err := tx.Exec(ctx, `UPDATE waf_reputation_rules SET name = $1, description = $2, type = $3, tags = $4,
			action = $5, status = $6 WHERE id = $7`,
			r.Name, r.Description, r.Type, wafJSON(r.Tags), r.Action, r.Status, r.ID); err != nil {
			return err
		}
		return wafClaimTags(ctx, tx, r)
	})
}
