package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/rampartsec/rampart/internal/waf"
)

const reputationColumns = `r.id, r.project_id, r.policy_id, p.name, r.enterprise_project_id, r.name, r.description, r.type,
	r.tags, r.action, r.status, r.created_at`

const reputationFrom = ` FROM waf_reputation_rules r JOIN waf_policies p ON p.id = r.policy_id`

func scanReputation(s wafScanner) (*waf.ReputationRule, error) {
	var r waf.ReputationRule
	var tags string
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.PolicyName, &r.EnterpriseProjectID, &r.Name, &r.Description,
		&r.Type, &tags, &r.Action, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
		return nil, unreadable("waf_reputation_rules", r.ID, err)
	}
	return &r, nil
}

var wafReputationKind = &wafRuleKind[*waf.ReputationRule]{what: "IP reputation rule", table: "waf_reputation_rules",
	counter: "reputation_count", selectFrom: `SELECT ` + reputationColumns + reputationFrom, scan: scanReputation}

// claimTags records the rule's tags, failing with the WAF rule conflict
// when another rule of the policy holds one.
func wafClaimTags(ctx context.Context, tx *sql.Tx, r *waf.ReputationRule) error {
	return wafClaim(ctx, tx, "waf_reputation_tags", "tag", r.PolicyID, r.ID, r.Tags, waf.ErrTagInUse)
}

// CreateReputationRules implements waf.Store.
func (db *DB) CreateReputationRules(ctx context.Context, rules []*waf.ReputationRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range rules {
			if err := tx.QueryRowContext(ctx, `SELECT name FROM waf_policies WHERE id = ? AND project_id = ?`,
				r.PolicyID, r.ProjectID).Scan(&r.PolicyName); err == sql.ErrNoRows {
				return waf.NotFound("policy", r.PolicyID)
			} else if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO waf_reputation_rules (id, project_id, policy_id, enterprise_project_id,
				name, description, type, tags, action, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Description, r.Type, wafJSON(r.Tags),
				r.Action, r.Status, millis(r.CreatedAt)); err != nil {
				return err
			}
			if err := wafClaimTags(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindReputationRule implements waf.Store.
func (db *DB) FindReputationRule(ctx context.Context, projectID, policyID, id string) (*waf.ReputationRule, error) {
	r, err := wafReputationKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindReputationRules implements waf.Store.
func (db *DB) FindReputationRules(ctx context.Context, f waf.RuleFilter) ([]*waf.ReputationRule, int, error) {
	return wafReputationKind.list(ctx, db, f)
}

// UpdateReputationRules implements waf.Store.
func (db *DB) UpdateReputationRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.ReputationRule) error) ([]*waf.ReputationRule, error) {
	var out []*waf.ReputationRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = wafReputationKind.update(ctx, tx, projectID, ids, fn, func(r *waf.ReputationRule) error {
			if _, err := tx.ExecContext(ctx, `UPDATE waf_reputation_rules SET name = ?, description = ?, type = ?, tags = ?,
				action = ?, status = ? WHERE id = ?`,
				r.Name, r.Description, r.Type, wafJSON(r.Tags), r.Action, r.Status, r.ID); err != nil {
				return err
			}
			return wafClaimTags(ctx, tx, r)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
