package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/waf"
)

const punishmentColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.category, r.block_time, r.time_unit,
	r.description, r.created_at`

func scanPunishment(s wafScanner) (*waf.PunishmentRule, error) {
	var r waf.PunishmentRule
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Category, &r.BlockTime, &r.TimeUnit,
		&r.Description, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	return &r, nil
}

var wafPunishmentKind = &wafRuleKind[*waf.PunishmentRule]{what: "known-attack-source rule", table: "waf_punishment_rules",
	counter: "punishment_count", selectFrom: `SELECT ` + punishmentColumns + ` FROM waf_punishment_rules r`, scan: scanPunishment}

// CreatePunishmentRule implements waf.Store.
func (db *DB) CreatePunishmentRule(ctx context.Context, r *waf.PunishmentRule) error {
	return db.wafWrite(ctx, r.ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		if err := wafPolicyExists(ctx, tx, r.ProjectID, r.PolicyID); err != nil {
			return err
		}
		var holder string
		err := tx.QueryRowContext(ctx, `SELECT id FROM waf_punishment_rules WHERE policy_id = ? AND category = ?`,
			r.PolicyID, r.Category).Scan(&holder)
		if err == nil {
			return waf.ErrPunishmentCategoryTaken(r.Category, holder)
		}
		if err != sql.ErrNoRows {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO waf_punishment_rules (id, project_id, policy_id, enterprise_project_id,
			category, block_time, time_unit, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Category, r.BlockTime, r.TimeUnit, r.Description,
			millis(r.CreatedAt))
		return err
	})
}

// FindPunishmentRule implements waf.Store.
func (db *DB) FindPunishmentRule(ctx context.Context, projectID, policyID, id string) (*waf.PunishmentRule, error) {
	r, err := wafPunishmentKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindPunishmentRules implements waf.Store.
func (db *DB) FindPunishmentRules(ctx context.Context, f waf.RuleFilter) ([]*waf.PunishmentRule, int, error) {
	return wafPunishmentKind.list(ctx, db, f)
}

// UpdatePunishmentRule implements waf.Store. The category is not written:
// it cannot change.
func (db *DB) UpdatePunishmentRule(ctx context.Context, projectID, policyID, id string, fn func(*waf.PunishmentRule) error) (*waf.PunishmentRule, error) {
	var out *waf.PunishmentRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		rs, err := wafPunishmentKind.update(ctx, tx, projectID, []waf.PolicyRuleIDs{{PolicyID: policyID, RuleIDs: []string{id}}},
			fn, func(r *waf.PunishmentRule) error {
				_, err := tx.ExecContext(ctx, `UPDATE waf_punishment_rules SET block_time = ?, time_unit = ?, description = ?
					WHERE id = ?`, r.BlockTime, r.TimeUnit, r.Description, r.ID)
				return err
			})
		if err == nil {
			out = rs[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// punishmentRuleUse returns an error naming what still names the
// known-attack-source rule id of the policy (followed_action_id of a
// precise-protection rule or of the policy), or nil.
func punishmentRuleUse(ctx context.Context, tx *sql.Tx, policyID, id string) error {
	var ruleID string
	err := tx.QueryRowContext(ctx, `SELECT id FROM waf_custom_rules
		WHERE policy_id = ? AND json_extract(action, '$.followed_action_id') = ? ORDER BY seq LIMIT 1`, policyID, id).Scan(&ruleID)
	if err == nil {
		return waf.ErrInUse("The known-attack-source rule %s is the followed action of precise protection rule %s.", id, ruleID)
	}
	if err != sql.ErrNoRows {
		return err
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM waf_policies WHERE id = ? AND followed_action_id = ?`, policyID, id).Scan(&one)
	if err == nil {
		return waf.ErrInUse("The known-attack-source rule %s is the followed action of policy %s.", id, policyID)
	}
	if err != sql.ErrNoRows {
		return err
	}
	return nil
}
