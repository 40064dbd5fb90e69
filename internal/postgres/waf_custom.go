package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const customColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.description, r.time_limited,
	r.start, r.terminal, r.conditions, r.action, r.priority, r.status, r.created_at`

func scanCustom(row pgx.Row) (*waf.CustomRule, error) {
	var r waf.CustomRule
	var conds, action []byte
	var created *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Description, &r.Time,
		&r.Start, &r.Terminal, &conds, &action, &r.Priority, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = unstamp(created)
	var err error
	if r.Conditions, err = storeform.DecodeConditions(conds); err != nil {
		return nil, unreadable("waf_custom_rules", r.ID, err)
	}
	if r.Action, err = storeform.DecodeCustomAction(action); err != nil {
		return nil, unreadable("waf_custom_rules", r.ID, err)
	}
	return &r, nil
}

var wafCustomKind = &wafRuleKind[*waf.CustomRule]{what: "precise protection rule", table: "waf_custom_rules", counter: "custom_count",
	selectFrom: `SELECT ` + customColumns + ` FROM waf_custom_rules r`, scan: scanCustom}

// CreateCustomRules implements waf.Store.
func (db *DB) CreateCustomRules(ctx context.Context, rules []*waf.CustomRule) error {
	return createAll(ctx, db, rules, func(r *waf.CustomRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.CustomRule) error {
			_, err := tx.Exec(ctx, `INSERT INTO waf_custom_rules (id, project_id, policy_id, enterprise_project_id,
				name, description, time_limited, start, terminal, conditions, action, priority, status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Description, r.Time, r.Start, r.Terminal,
				storeform.EncodeConditions(r.Conditions), storeform.EncodeCustomAction(r.Action), r.Priority, r.Status, stamp(r.CreatedAt))
			return err
		})
}

// FindCustomRule implements waf.Store.
func (db *DB) FindCustomRule(ctx context.Context, projectID, policyID, id string) (*waf.CustomRule, error) {
	return wafCustomKind.findOne(ctx, db, projectID, policyID, id)
}

// FindCustomRules implements waf.Store.
func (db *DB) FindCustomRules(ctx context.Context, f waf.RuleFilter) ([]*waf.CustomRule, int, error) {
	return wafCustomKind.list(ctx, db, f)
}

// UpdateCustomRules implements waf.Store.
func (db *DB) UpdateCustomRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.CustomRule) error) ([]*waf.CustomRule, error) {
	return wafCustomKind.updateAll(ctx, db, projectID, ids, fn, func(tx pgx.Tx, r *waf.CustomRule) error {
		_, err := tx.Exec(ctx, `UPDATE waf_custom_rules SET name = $1, description = $2, time_limited = $3, start = $4,
			terminal = $5, conditions = $6, action = $7, priority = $8, status = $9 WHERE id = $10`,
			r.Name, r.Description, r.Time, r.Start, r.Terminal, storeform.EncodeConditions(r.Conditions),
			storeform.EncodeCustomAction(r.Action), r.Priority, r.Status, r.ID)
		return err
	})
}
