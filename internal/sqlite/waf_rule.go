package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafScanner is a *sql.Row or *sql.Rows.
type wafScanner = interface{ Scan(...any) error }

// wafRowQuerier is a *sql.DB or a *sql.Tx.
type wafRowQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// wafRuleKind describes how the rules of one type (geolocation, IP
// reputation, black/white IP) are read: what they share is the policy
// scoping, paging and update loop.
type wafRuleKind[R any] struct {
	what       string // noun of the not-found error
	table      string
	counter    string // column of the per-policy rule counter
	byName     bool   // whether lists filter on name
	selectFrom string // SELECT … FROM <table> r …
	scan       func(wafScanner) (R, error)
}

// find reads one rule of a policy of the project.
func (k *wafRuleKind[R]) find(ctx context.Context, q wafRowQuerier, projectID, policyID, id string) (R, error) {
	r, err := k.scan(q.QueryRowContext(ctx, k.selectFrom+`
		WHERE r.id = ? AND r.policy_id = ? AND r.project_id = ?`, id, policyID, projectID))
	if err == sql.ErrNoRows {
		var none R
		return none, waf.NotFound(k.what, id)
	}
	return r, err
}

// list reads a page of rules and the total of the filter.
func (k *wafRuleKind[R]) list(ctx context.Context, db *DB, f waf.RuleFilter) ([]R, int, error) {
	var out []R
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var page string
		var args []any
		var err error
		total, page, args, err = wafRulePage(ctx, tx, k.table, k.counter, f, k.byName)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, k.selectFrom+` WHERE `+page+` ORDER BY r.seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out, err = scanAll(db, rows, k.scan)
		return err
	})
	return out, total, err
}

// update reads each listed rule, applies fn to it and stores it with save,
// returning the updated rules in order.
func (k *wafRuleKind[R]) update(ctx context.Context, tx *sql.Tx, projectID string, ids []waf.PolicyRuleIDs,
	fn, save func(R) error) ([]R, error) {
	var out []R
	for _, pr := range ids {
		for _, id := range pr.RuleIDs {
			r, err := k.find(ctx, tx, projectID, pr.PolicyID, id)
			if err != nil {
				return nil, err
			}
			if err := fn(r); err != nil {
				return nil, err
			}
			if err := save(r); err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// wafClaim records the values a rule holds in a claim table (policy_id,
// column, rule_id), failing with inUse(value, holder) when another rule of
// the policy holds one.
func wafClaim(ctx context.Context, tx *sql.Tx, table, column, policyID, ruleID string, values []string,
	inUse func(value, holder string) error) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE rule_id = ?`, ruleID); err != nil {
		return err
	}
	for _, v := range values {
		var holder string
		err := tx.QueryRowContext(ctx, `SELECT rule_id FROM `+table+` WHERE policy_id = ? AND `+column+` = ?`, policyID, v).Scan(&holder)
		if err == nil {
			return inUse(v, holder)
		}
		if err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (policy_id, `+column+`, rule_id) VALUES (?, ?, ?)`, policyID, v, ruleID); err != nil {
			return err
		}
	}
	return nil
}
