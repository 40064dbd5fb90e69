package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const ccColumns = `r.id, r.project_id, r.policy_id, r.enterprise_project_id, r.name, r.description, r.mode, r.url, r.prefix,
	r.conditions, r.action, r.tag_type, r.tag_index, r.tag_condition, r.limit_num, r.limit_period, r.unlock_num, r.lock_time,
	r.domain_aggregation, r.region_aggregation, r.priority, r.cc_priority, r.status, r.created_at`

func scanCC(row pgx.Row) (*waf.CCRule, error) {
	var r waf.CCRule
	var conds, action, tagCond []byte
	var created *time.Time
	if err := row.Scan(&r.ID, &r.ProjectID, &r.PolicyID, &r.EnterpriseProjectID, &r.Name, &r.Description, &r.Mode, &r.URL,
		&r.Prefix, &conds, &action, &r.TagType, &r.TagIndex, &tagCond, &r.LimitNum, &r.LimitPeriod, &r.UnlockNum,
		&r.LockTime, &r.DomainAggregation, &r.RegionAggregation, &r.Priority, &r.CCPriority, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = unstamp(created)
	var err error
	if r.Conditions, err = storeform.DecodeConditions(conds); err != nil {
		return nil, unreadable("waf_cc_rules", r.ID, err)
	}
	if len(r.Conditions) == 0 {
		r.Conditions = nil // mode 0 rules have none
	}
	if r.Action, err = storeform.DecodeCCAction(action); err != nil {
		return nil, unreadable("waf_cc_rules", r.ID, err)
	}
	if r.TagCondition, err = storeform.DecodeCCTagCondition(tagCond); err != nil {
		return nil, unreadable("waf_cc_rules", r.ID, err)
	}
	return &r, nil
}

var wafCCKind = &wafRuleKind[*waf.CCRule]{what: "CC rule", table: "waf_cc_rules", counter: "cc_count",
	byName: true, selectFrom: `SELECT ` + ccColumns + ` FROM waf_cc_rules r`, scan: scanCC}

// CreateCCRules implements waf.Store.
func (db *DB) CreateCCRules(ctx context.Context, rules []*waf.CCRule) error {
	return createAll(ctx, db, rules, func(r *waf.CCRule) (string, string) { return r.ProjectID, r.PolicyID },
		func(tx pgx.Tx, r *waf.CCRule) error {
			_, err := tx.Exec(ctx, `INSERT INTO waf_cc_rules (id, project_id, policy_id, enterprise_project_id,
				name, description, mode, url, prefix, conditions, action, tag_type, tag_index, tag_condition, limit_num,
				limit_period, unlock_num, lock_time, domain_aggregation, region_aggregation, priority, cc_priority, status,
				created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
				$21, $22, $23, $24)`,
				r.ID, r.ProjectID, r.PolicyID, r.EnterpriseProjectID, r.Name, r.Description, r.Mode, r.URL, r.Prefix,
				storeform.EncodeConditions(r.Conditions), storeform.EncodeCCAction(r.Action), r.TagType, r.TagIndex,
				storeform.EncodeCCTagCondition(r.TagCondition), r.LimitNum, r.LimitPeriod, r.UnlockNum, r.LockTime, r.DomainAggregation,
				r.RegionAggregation, r.Priority, r.CCPriority, r.Status, stamp(r.CreatedAt))
			return err
		})
}

// FindCCRule implements waf.Store.
func (db *DB) FindCCRule(ctx context.Context, projectID, policyID, id string) (*waf.CCRule, error) {
	return wafCCKind.findOne(ctx, db, projectID, policyID, id)
}

// FindCCRules implements waf.Store.
func (db *DB) FindCCRules(ctx context.Context, f waf.RuleFilter) ([]*waf.CCRule, int, error) {
	return wafCCKind.list(ctx, db, f)
}

// UpdateCCRules implements waf.Store.
func (db *DB) UpdateCCRules(ctx context.Context, projectID string, ids []waf.PolicyRuleIDs, fn func(*waf.CCRule) error) ([]*waf.CCRule, error) {
	return wafCCKind.updateAll(ctx, db, projectID, ids, fn, func(tx pgx.Tx, r *waf.CCRule) error {
		_, err := tx.Exec(ctx, `UPDATE waf_cc_rules SET name = $1, description = $2, mode = $3, url = $4, prefix = $5,
			conditions = $6, action = $7, tag_type = $8, tag_index = $9, tag_condition = $10, limit_num = $11, limit_period = $12,
			unlock_num = $13, lock_time = $14, domain_aggregation = $15, region_aggregation = $16, priority = $17, cc_priority = $18,
			status = $19 WHERE id = $20`,
			r.Name, r.Description, r.Mode, r.URL, r.Prefix, storeform.EncodeConditions(r.Conditions), storeform.EncodeCCAction(r.Action),
			r.TagType, r.TagIndex, storeform.EncodeCCTagCondition(r.TagCondition), r.LimitNum, r.LimitPeriod, r.UnlockNum, r.LockTime,
			r.DomainAggregation, r.RegionAggregation, r.Priority, r.CCPriority, r.Status, r.ID)
		return err
	})
}
