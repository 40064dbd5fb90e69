package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const ccColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.description, r.mode, r.url, r.prefix,
	r.conditions, r.action, r.tag_type, r.tag_index, r.tag_condition, r.limit_num, r.limit_period, r.unlock_num, r.lock_time,
	r.domain_aggregation, r.region_aggregation, r.priority, r.cc_priority, r.status, r.created_at`

func scanCC(s wafScanner) (*waf.CCRule, error) {
	var r waf.CCRule
	var conds, action string
	var tagCond sql.NullString
	var priority, ccPriority sql.NullInt64
	var created int64
	if err := s.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Description, &r.Mode, &r.URL,
		&r.Prefix, &conds, &action, &r.TagType, &r.TagIndex, &tagCond, &r.LimitNum, &r.LimitPeriod, &r.UnlockNum,
		&r.LockTime, &r.DomainAggregation, &r.RegionAggregation, &priority, &ccPriority, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	var err error
	if r.Conditions, err = storeform.DecodeConditions([]byte(conds)); err != nil {
		return nil, unreadable("waf_cc_rules", r.ID, err)
	}
	if len(r.Conditions) == 0 {
		r.Conditions = nil // mode 0 rules have none
	}
	if r.Action, err = storeform.DecodeCCAction([]byte(action)); err != nil {
		return nil, unreadable("waf_cc_rules", r.ID, err)
	}
	var tag []byte
	if tagCond.Valid {
		tag = []byte(tagCond.String)
	}
	if r.TagCondition, err = storeform.DecodeCCTagCondition(tag); err != nil {
		return nil, unreadable("waf_cc_rules", r.ID, err)
	}
	if priority.Valid {
		p := int(priority.Int64)
		r.Priority = &p
	}
	if ccPriority.Valid {
		p := int(ccPriority.Int64)
		r.CCPriority = &p
	}
	return &r, nil
}

// nullableInt is p as a SQL value: NULL when p is nil.
func nullableInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

var wafCCKind = &wafRuleKind[*waf.CCRule]{what: "CC rule", table: "waf_cc_rules",
	counter: "cc_count", byName: true, selectFrom: `SELECT ` + ccColumns + ` FROM waf_cc_rules r`, scan: scanCC}

// CreateCCRules implements waf.Store.
func (db *DB) CreateCCRules(ctx context.Context, rules []*waf.CCRule) error {
	if len(rules) == 0 {
		return nil
	}
	return db.wafWrite(ctx, rules[0].ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range rules {
			if err := wafPolicyExists(ctx, tx, r.ProjectID, r.PolicyID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO waf_cc_rules (id, project_id, policy_id, enterprise_project_id,
				name, description, mode, url, prefix, conditions, action, tag_type, tag_index, tag_condition, limit_num,
				limit_period, unlock_num, lock_time, domain_aggregation, region_aggregation, priority, cc_priority, status,
				created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Description, r.Mode, r.URL, r.Prefix,
				storeform.EncodeConditions(r.Conditions), storeform.EncodeCCAction(r.Action), r.TagType, r.TagIndex,
				storeform.EncodeCCTagCondition(r.TagCondition), r.LimitNum, r.LimitPeriod, r.UnlockNum, r.LockTime, r.DomainAggregation,
				r.RegionAggregation, nullableInt(r.Priority), nullableInt(r.CCPriority), r.Status, millis(r.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindCCRule implements waf.Store.
func (db *DB) FindCCRule(ctx context.Context, projectID, policyID, id string) (*waf.CCRule, error) {
	r, err := wafCCKind.find(ctx, db.rdb, projectID, policyID, id)
	return r, formatError(err)
}

// FindCCRules implements waf.Store.
func (db *DB) FindCCRules(ctx context.Context, f waf.RuleFilter) ([]*waf.CCRule, int, error) {
	return wafCCKind.list(ctx, db, f)
}

// UpdateCCRules implements waf.Store.
func (db *DB) UpdateCCRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.CCRule) error) ([]*waf.CCRule, error) {
	var out []*waf.CCRule
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) (err error) {
		out, err = wafCCKind.update(ctx, tx, projectID, ids, fn, func(r *waf.CCRule) error {
			_, err := tx.ExecContext(ctx, `UPDATE waf_cc_rules SET name = ?, description = ?, mode = ?, url = ?, prefix = ?,
				conditions = ?, action = ?, tag_type = ?, tag_index = ?, tag_condition = ?, limit_num = ?, limit_period = ?,
				unlock_num = ?, lock_time = ?, domain_aggregation = ?, region_aggregation = ?, priority = ?, cc_priority = ?,
				status = ? WHERE id = ?`,
				r.Name, r.Description, r.Mode, r.URL, r.Prefix, storeform.EncodeConditions(r.Conditions), storeform.EncodeCCAction(r.Action),
				r.TagType, r.TagIndex, storeform.EncodeCCTagCondition(r.TagCondition), r.LimitNum, r.LimitPeriod, r.UnlockNum, r.LockTime,
				r.DomainAggregation, r.RegionAggregation, nullableInt(r.Priority), nullableInt(r.CCPriority), r.Status, r.ID)
			return err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
