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

func scanReputation(s interface{ Scan(...any) error }) (*waf.ReputationRule, error) {
	var r waf.ReputationRule
	var tags string
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.PolicyName, &r.EnterpriseProjectID, &r.Name, &r.Description,
		&r.Type, &tags, &r.Action, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
		return nil, err
	}
	return &r, nil
}

// claimTags records the rule's tags, failing with the WAF rule conflict
// when another rule of the policy holds one.
func wafClaimTags(ctx context.Context, tx *sql.Tx, r *waf.ReputationRule) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM waf_reputation_tags WHERE rule_id = ?`, r.ID); err != nil {
		return err
	}
	for _, tag := range r.Tags {
		var holder string
		err := tx.QueryRowContext(ctx, `SELECT rule_id FROM waf_reputation_tags WHERE policy_id = ? AND tag = ?`, r.PolicyID, tag).Scan(&holder)
		if err == nil {
			return waf.ErrTagInUse(tag, holder)
		}
		if err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO waf_reputation_tags (policy_id, tag, rule_id) VALUES (?, ?, ?)`, r.PolicyID, tag, r.ID); err != nil {
			return err
		}
	}
	return nil
}

// CreateReputationRules implements waf.Store.
func (db *DB) CreateReputationRules(ctx context.Context, rules []*waf.ReputationRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(tx *sql.Tx) error {
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

func findReputation(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, projectID, policyID, id string) (*waf.ReputationRule, error) {
	r, err := scanReputation(q.QueryRowContext(ctx, `SELECT `+reputationColumns+reputationFrom+`
		WHERE r.id = ? AND r.policy_id = ? AND r.project_id = ?`, id, policyID, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("IP reputation rule", id)
	}
	return r, err
}

// FindReputationRule implements waf.Store.
func (db *DB) FindReputationRule(ctx context.Context, projectID, policyID, id string) (*waf.ReputationRule, error) {
	r, err := findReputation(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindReputationRules implements waf.Store.
func (db *DB) FindReputationRules(ctx context.Context, f waf.RuleFilter) ([]*waf.ReputationRule, int, error) {
	var out []*waf.ReputationRule
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var page string
		var args []any
		var err error
		total, page, args, err = wafRulePage(ctx, tx, "waf_reputation_rules", "reputation_count", f, false)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+reputationColumns+reputationFrom+` WHERE `+page+` ORDER BY r.seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanReputation(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, total, err
}

// UpdateReputationRules implements waf.Store.
func (db *DB) UpdateReputationRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.ReputationRule) error) ([]*waf.ReputationRule, error) {
	var out []*waf.ReputationRule
	err := db.wafWrite(ctx, projectID, func(tx *sql.Tx) error {
		for _, pr := range ids {
			for _, id := range pr.RuleIDs {
				r, err := findReputation(ctx, tx, projectID, pr.PolicyID, id)
				if err != nil {
					return err
				}
				if err := fn(r); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE waf_reputation_rules SET name = ?, description = ?, type = ?, tags = ?,
					action = ?, status = ? WHERE id = ?`,
					r.Name, r.Description, r.Type, wafJSON(r.Tags), r.Action, r.Status, r.ID); err != nil {
					return err
				}
				if err := wafClaimTags(ctx, tx, r); err != nil {
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
