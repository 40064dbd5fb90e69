package postgres

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.Store = (*DB)(nil)

// wafWrite runs fn in one write transaction that then bumps the project's
// WAF revision.
func (db *DB) wafWrite(ctx context.Context, projectID string, fn func(tx pgx.Tx) error) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilyWAF)
		return err
	})
}

// wafJSON is the stored JSON form of v (jsonb accepts it as text).
func wafJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// wafPageLimit is a Page's LIMIT argument: NULL (all) for a negative limit.
func wafPageLimit(p waf.Page) *int {
	if p.Limit < 0 {
		return nil
	}
	return &p.Limit
}

// wafNamedWhere adds to a the conditions that select a project's objects
// of one enterprise project (all_granted_eps: every one) whose name column
// contains name ("": any name), over a table aliased t.
func wafNamedWhere(a *sqlArgs, projectID, ep, nameColumn, name string) string {
	where := "t.project_id = " + a.add(projectID)
	if ep != waf.AllEnterpriseProjects {
		where += " AND t.enterprise_project_id = " + a.add(ep)
	}
	if name != "" {
		where += " AND " + nameColumn + " LIKE " + a.add("%"+likeEscape(name)+"%")
	}
	return where
}

// wafPolicyExists fails with the WAF not-found error unless the project
// has the policy. It locks the policy's row as the rule counters' update
// will (FOR NO KEY UPDATE: a concurrent deletion of the policy waits for
// the caller's transaction, and two writers of one policy's rules queue
// here instead of deadlocking on the counter).
func wafPolicyExists(ctx context.Context, tx pgx.Tx, projectID, policyID string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM waf_policies WHERE id = $1 AND project_id = $2 FOR NO KEY UPDATE`, policyID, projectID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return waf.NotFound("policy", policyID)
	}
	return err
}

// wafRuleKind describes how the rules of one type are read: what they
// share is the policy scoping, paging and the update loop.
type wafRuleKind[R any] struct {
	what       string // noun of the not-found error
	table      string
	counter    string // column of waf_policies counting the policy's rules of this kind
	byName     bool   // whether lists filter on name
	selectFrom string // SELECT … FROM <table> r …
	scan       func(pgx.Row) (R, error)
}

// find reads one rule of a policy of the project; lock adds FOR UPDATE of
// the rule's row.
func (k *wafRuleKind[R]) find(ctx context.Context, q querier, projectID, policyID, id string, lock bool) (R, error) {
	sql := k.selectFrom + ` WHERE r.id = $1 AND r.policy_id = $2 AND r.project_id = $3`
	if lock {
		sql += ` FOR UPDATE OF r`
	}
	return findRow(ctx, q, k.scan, func() error { return waf.NotFound(k.what, id) }, false, sql, id, policyID, projectID)
}

// findOne is find outside a transaction, its errors formatted.
func (k *wafRuleKind[R]) findOne(ctx context.Context, db *DB, projectID, policyID, id string) (R, error) {
	r, err := k.find(ctx, db.pool, projectID, policyID, id, false)
	return r, formatError(err)
}

// list reads a page of rules (creation order) and the total of the filter.
// Without a name filter the total is the sum of the policies' rule
// counters; the page's rows are chosen by seq over the (project_id,
// policy_id, seq) index, walking from whichever end is nearer.
func (k *wafRuleKind[R]) list(ctx context.Context, db *DB, f waf.RuleFilter) ([]R, int, error) {
	var a sqlArgs
	where := "r.project_id = " + a.add(f.ProjectID)
	counted := `SELECT COALESCE(sum(` + k.counter + `), 0) FROM waf_policies WHERE project_id = $1`
	switch len(f.PolicyIDs) {
	case 0:
	case 1: // equality keeps the index's seq order
		where += " AND r.policy_id = " + a.add(f.PolicyIDs[0])
		counted += " AND id = $2"
	default:
		where += " AND r.policy_id = ANY (" + a.add(f.PolicyIDs) + ")"
		counted += " AND id = ANY ($2)"
	}
	cargs := a // the counters' query takes the project and the policies
	if k.byName && f.Name != "" {
		where += " AND r.name LIKE " + a.add("%"+likeEscape(f.Name)+"%")
		counted, cargs = `SELECT count(*) FROM `+k.table+` r WHERE `+where, a
	}
	var out []R
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, counted, cargs...).Scan(&total); err != nil {
			return err
		}
		limit, offset, order := f.Page.Limit, f.Page.Offset, "ASC"
		if offset >= total || limit == 0 {
			return nil
		}
		if limit > 0 && offset > total/2 { // nearer the end: walk back from it
			end := total - offset - limit
			if end < 0 {
				limit += end
				end = 0
			}
			order, offset = "DESC", end
		}
		page := a
		rows, err := tx.Query(ctx, k.selectFrom+` WHERE r.seq IN (SELECT r.seq FROM `+k.table+` r WHERE `+where+
			` ORDER BY r.seq `+order+` LIMIT `+page.add(wafPageLimit(waf.Page{Limit: limit}))+` OFFSET `+page.add(offset)+
			`) ORDER BY r.seq`, page...)
		if err != nil {
			return err
		}
		out, err = collectReadable(db, rows, k.scan)
		return err
	})
	return out, total, err
}

// update locks and reads each listed rule, applies fn to it and stores it
// with save, returning the updated rules in order.
func (k *wafRuleKind[R]) update(ctx context.Context, tx pgx.Tx, projectID string, ids []waf.PolicyRuleIDs, fn, save func(R) error) ([]R, error) {
	var out []R
	for _, pr := range ids {
		for _, id := range pr.RuleIDs {
			r, err := k.find(ctx, tx, projectID, pr.PolicyID, id, true)
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

// updateAll runs update in one WAF write and returns its rules.
func (k *wafRuleKind[R]) updateAll(ctx context.Context, db *DB, projectID string, ids []waf.PolicyRuleIDs, fn func(R) error,
	save func(tx pgx.Tx, r R) error) ([]R, error) {
	var out []R
	err := db.wafWrite(ctx, projectID, func(tx pgx.Tx) (err error) {
		out, err = k.update(ctx, tx, projectID, ids, fn, func(r R) error { return save(tx, r) })
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createAll inserts rules in one WAF write of the first rule's project:
// each rule's policy is checked (wafPolicyExists) before insert stores it.
func createAll[R any](ctx context.Context, db *DB, rules []R, project func(R) (projectID, policyID string), insert func(tx pgx.Tx, r R) error) error {
	if len(rules) == 0 {
		return nil
	}
	first, _ := project(rules[0])
	return db.wafWrite(ctx, first, func(tx pgx.Tx) error {
		for _, r := range rules {
			projectID, policyID := project(r)
			if err := wafPolicyExists(ctx, tx, projectID, policyID); err != nil {
				return err
			}
			if err := insert(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// wafClaim records the values a rule holds in a claim table (policy_id,
// column, rule_id), failing with inUse(value, holder) when another rule of
// the policy holds one. The claim table's primary key (policy_id, column)
// decides between concurrent claims.
func wafClaim(ctx context.Context, tx pgx.Tx, table, column, policyID, ruleID string, values []string,
	inUse func(value, holder string) error) error {
	if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE rule_id = $1`, ruleID); err != nil {
		return err
	}
	for _, v := range values {
		tag, err := tx.Exec(ctx, `INSERT INTO `+table+` (policy_id, `+column+`, rule_id) VALUES ($1, $2, $3)
			ON CONFLICT (policy_id, `+column+`) DO NOTHING`, policyID, v, ruleID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			continue
		}
		var holder string
		if err := tx.QueryRow(ctx, `SELECT rule_id FROM `+table+` WHERE policy_id = $1 AND `+column+` = $2`, policyID, v).Scan(&holder); err != nil {
			return err
		}
		if holder != ruleID { // a value listed twice in one rule is one claim
			return inUse(v, holder)
		}
	}
	return nil
}

// wafRuleTables maps each rule type to its table.
var wafRuleTables = map[waf.RuleType]string{
	waf.RuleCC:           "waf_cc_rules",
	waf.RulePunishment:   "waf_punishment_rules",
	waf.RuleCustom:       "waf_custom_rules",
	waf.RuleGeoIP:        "waf_geoip_rules",
	waf.RuleIgnore:       "waf_ignore_rules",
	waf.RuleReputation:   "waf_reputation_rules",
	waf.RuleWhiteBlackIP: "waf_whiteblackip_rules",
}

// DeleteRules implements waf.Store.
func (db *DB) DeleteRules(ctx context.Context, projectID string, t waf.RuleType, ids []waf.PolicyRuleIDs) error {
	table, ok := wafRuleTables[t]
	if !ok {
		return rampart.Invalid("rule_type", "Unknown rule type %q.", t)
	}
	return db.wafWrite(ctx, projectID, func(tx pgx.Tx) error {
		for _, pr := range ids {
			for _, id := range pr.RuleIDs {
				var one int
				err := tx.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = $1 AND policy_id = $2 AND project_id = $3 FOR UPDATE`,
					id, pr.PolicyID, projectID).Scan(&one)
				if errors.Is(err, pgx.ErrNoRows) {
					return waf.NotFound("rule", id)
				}
				if err != nil {
					return err
				}
				if t == waf.RulePunishment {
					if err := punishmentRuleUse(ctx, tx, pr.PolicyID, id); err != nil {
						return err
					}
				}
				if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1`, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
