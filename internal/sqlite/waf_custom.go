package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const customColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.description, r.time_limited,
	r.start, r.terminal, r.conditions, r.action, r.priority, r.status, r.created_at`

func scanCustom(s wafScanner) (*waf.CustomRule, error) {
	var r waf.CustomRule
	var conds, action string
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Description, &r.Time,
		&r.Start, &r.Terminal, &conds, &action, &r.Priority, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	var err error
	if r.Conditions, err = storeform.DecodeConditions([]byte(conds)); err != nil {
		return nil, unreadable("waf_custom_rules", r.ID, err)
	}
	if r.Action, err = storeform.DecodeCustomAction([]byte(action)); err != nil {
		return nil, unreadable("waf_custom_rules", r.ID, err)
	}
	return &r, nil
}

var wafCustomKind = &wafRuleKind[*waf.CustomRule]{what: "precise protection rule", table: "waf_custom_rules",
	counter: "custom_count", selectFrom: `SELECT ` + customColumns + ` FROM waf_custom_rules r`, scan: scanCustom}

// CreateCustomRules implements waf.Store.
func (db *DB) CreateCustomRules(ctx context.Context, rules []*waf.CustomRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range rules {
			if err := wafPolicyExists(ctx, tx, r.ProjectID, r.PolicyID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO waf_custom_rules (id, project_id, policy_id, enterprise_project_id,
				name, description, time_limited, start, terminal, conditions, action, priority, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Description, r.Time, r.Start, r.Terminal,
				storeform.EncodeConditions(r.Conditions), storeform.EncodeCustomAction(r.Action), r.Priority, r.Status, millis(r.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindCustomRule implements waf.Store.
func (db *DB) FindCustomRule(ctx context.Context, projectID, policyID, id string) (*waf.CustomRule, error) {
	r, err := wafCustomKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindCustomRules implements waf.Store.
func (db *DB) FindCustomRules(ctx context.Context, f waf.RuleFilter) ([]*waf.CustomRule, int, error) {
	return wafCustomKind.list(ctx, db, f)
}

// UpdateCustomRules implements waf.Store.
func (db *DB) UpdateCustomRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.CustomRule) error) ([]*waf.CustomRule, error) {
	var out []*waf.CustomRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = wafCustomKind.update(ctx, tx, projectID, ids, fn, func(r *waf.CustomRule) error {
			_, err := tx.ExecContext(ctx, `UPDATE waf_custom_rules SET name = ?, description = ?, time_limited = ?, start = ?,
				terminal = ?, conditions = ?, action = ?, priority = ?, status = ? WHERE id = ?`,
				r.Name, r.Description, r.Time, r.Start, r.Terminal, storeform.EncodeConditions(r.Conditions),
				storeform.EncodeCustomAction(r.Action), r.Priority, r.Status, r.ID)
			return err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
