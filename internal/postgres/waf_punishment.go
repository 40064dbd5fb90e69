package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const punishmentColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.category, r.block_time, r.time_unit,
	r.description, r.created_at`

func scanPunishment(row pgx.Row) (*waf.PunishmentRule, error) {
	var r waf.PunishmentRule
	var created *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Category, &r.BlockTime, &r.TimeUnit,
		&r.Description, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = unstamp(created)
	return &r, nil
}

var wafPunishmentKind = &wafRuleKind[*waf.PunishmentRule]{what: "known-attack-source rule", table: "waf_punishment_rules", counter: "punishment_count",
	selectFrom: `SELECT ` + punishmentColumns + ` FROM waf_punishment_rules r`, scan: scanPunishment}

// CreatePunishmentRule implements waf.Store. The insert yields to a rule
// of the same category (the unique key policy_id, category decides between
// concurrent creates), which the error then names.
func (db *DB) CreatePunishmentRule(ctx context.Context, r *waf.PunishmentRule) error {
	return createAll(ctx, db, []*waf.PunishmentRule{r}, func(r *waf.PunishmentRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.PunishmentRule) error {
			tag, err := tx.Exec(ctx, `INSERT INTO waf_punishment_rules (id, project_id, policy_id, enterprise_project_id,
				category, block_time, time_unit, description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (policy_id, category) DO NOTHING`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Category, r.BlockTime, r.TimeUnit, r.Description,
				stamp(r.CreatedAt))
			if err != nil || tag.RowsAffected() == 1 {
				return err
			}
			var holder string
			if err := tx.QueryRow(ctx, `SELECT id FROM waf_punishment_rules WHERE policy_id = $1 AND category = $2`,
				r.PolicyID, r.Category).Scan(&holder); err != nil {
				return err
			}
			return waf.ErrPunishmentCategoryTaken(r.Category, holder)
		})
}

// FindPunishmentRule implements waf.Store.
func (db *DB) FindPunishmentRule(ctx context.Context, projectID, policyID, id string) (*waf.PunishmentRule, error) {
	return wafPunishmentKind.findOne(ctx, db, projectID, policyID, id)
}

// FindPunishmentRules implements waf.Store.
func (db *DB) FindPunishmentRules(ctx context.Context, f waf.RuleFilter) ([]*waf.PunishmentRule, int, error) {
	return wafPunishmentKind.list(ctx, db, f)
}

// UpdatePunishmentRule implements waf.Store. The category is not written:
// it cannot change.
func (db *DB) UpdatePunishmentRule(ctx context.Context, projectID, policyID, id string, fn func(*waf.PunishmentRule) error) (*waf.PunishmentRule, error) {
	rs, err := wafPunishmentKind.updateAll(ctx, db, projectID, []waf.PolicyRuleIDs{{PolicyID: policyID, RuleIDs: []string{id}}}, fn,
		func(tx pgx.Tx, r *waf.PunishmentRule) error {
			_, err := tx.Exec(ctx, `UPDATE waf_punishment_rules SET block_time = $1, time_unit = $2, description = $3
				WHERE id = $4`, r.BlockTime, r.TimeUnit, r.Description, r.ID)
			return err
		})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// punishmentRuleUse returns an error naming what still names the
// known-attack-source rule id of the policy (followed_action_id of a
// precise-protection rule or of the policy), or nil.
func punishmentRuleUse(ctx context.Context, tx pgx.Tx, policyID, id string) error {
	var ruleID string
	err := tx.QueryRow(ctx, `SELECT id FROM waf_custom_rules
		WHERE policy_id = $1 AND action ->> 'followed_action_id' = $2 ORDER BY seq LIMIT 1`, policyID, id).Scan(&ruleID)
	if err == nil {
		return waf.ErrInUse("The known-attack-source rule %s is the followed action of precise protection rule %s.", id, ruleID)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	var one int
	err = tx.QueryRow(ctx, `SELECT 1 FROM waf_policies WHERE id = $1 AND followed_action_id = $2`, policyID, id).Scan(&one)
	if err == nil {
		return waf.ErrInUse("The known-attack-source rule %s is the followed action of policy %s.", id, policyID)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return nil
}
