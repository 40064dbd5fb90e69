package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

var _ waf.Store = (*DB)(nil)

// wafWrite runs fn as one group-committed WAF write (see groupWrite, also
// for the context fn gets).
func (db *DB) wafWrite(ctx context.Context, projectID string, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return db.groupWrite(ctx, rampart.FamilyWAF, projectID, fn)
}

// placeholders returns "?, ?, …" for n arguments.
func wafPlaceholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// likeArg escapes s for a LIKE '%s%' ESCAPE '\' substring match.
func wafLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// wafNamedWhere returns the WHERE clause and arguments that select a
// project's objects of one enterprise project (all_granted_eps: every one)
// whose name contains name ("" : any name).
func wafNamedWhere(projectID, ep, name string) (string, []any) {
	where := "project_id = ?"
	args := []any{projectID}
	if ep != waf.AllEnterpriseProjects {
		where += " AND enterprise_project_id = ?"
		args = append(args, ep)
	}
	if name != "" {
		where += ` AND name LIKE ? ESCAPE '\'`
		args = append(args, wafLike(name))
	}
	return where, args
}

// limitArgs returns LIMIT/OFFSET values; a negative limit means all.
func wafLimit(p waf.Page) (int, int) {
	if p.Limit < 0 {
		return -1, p.Offset
	}
	return p.Limit, p.Offset
}

func wafJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// ruleWhere returns the WHERE clause of a rule filter over a table aliased r.
func wafRuleWhere(f waf.RuleFilter, nameColumn bool) (string, []any) {
	where := "r.project_id = ?"
	args := []any{f.ProjectID}
	if len(f.PolicyIDs) > 0 {
		where += " AND r.policy_id IN (" + wafPlaceholders(len(f.PolicyIDs)) + ")"
		for _, id := range f.PolicyIDs {
			args = append(args, id)
		}
	}
	if nameColumn && f.Name != "" {
		where += ` AND r.name LIKE ? ESCAPE '\'`
		args = append(args, wafLike(f.Name))
	}
	return where, args
}

// wafRulePage computes the total of a rule list and the clause selecting
// the page: "r.seq IN (…)" over the covering (policy_id, project_id, seq)
// index, so skipped rows are never read, walking from whichever end is
// nearer. Without a name filter the total comes from the policies' rule
// counters instead of counting rows.
func wafRulePage(ctx context.Context, tx *sql.Tx, table, counter string, f waf.RuleFilter, byName bool) (int, string, []any, error) {
	where, args := wafRuleWhere(f, byName)
	var total int
	var err error
	if byName && f.Name != "" {
		total, err = wafCount(ctx, tx, `SELECT COUNT(*) FROM `+table+` r WHERE `+where, args...)
	} else {
		q := `SELECT COALESCE(SUM(` + counter + `), 0) FROM waf_policies WHERE project_id = ?`
		cargs := []any{f.ProjectID}
		if len(f.PolicyIDs) > 0 {
			q += ` AND id IN (` + wafPlaceholders(len(f.PolicyIDs)) + `)`
			for _, id := range f.PolicyIDs {
				cargs = append(cargs, id)
			}
		}
		total, err = wafCount(ctx, tx, q, cargs...)
	}
	if err != nil {
		return 0, "", nil, err
	}
	limit, offset := wafLimit(f.Page)
	order := "ASC"
	if limit >= 0 {
		switch {
		case offset >= total:
			return total, "0", nil, nil // past the end: nothing to walk
		case offset > total/2:
			// SQLite walks OFFSET rows one by one: take a page in the
			// second half from the end instead.
			end := total - offset - limit
			if end < 0 {
				limit += end
				end = 0
			}
			order, offset = "DESC", end
		}
	}
	return total, `r.seq IN (SELECT r.seq FROM ` + table + ` r WHERE ` + where + ` ORDER BY r.seq ` + order + ` LIMIT ? OFFSET ?)`,
		append(args, limit, offset), nil
}

// wafCount runs a COUNT(*) query.
func wafCount(ctx context.Context, tx *sql.Tx, query string, args ...any) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// policyExists fails with the WAF not-found error unless the project has
// the policy.
func wafPolicyExists(ctx context.Context, tx *sql.Tx, projectID, policyID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM waf_policies WHERE id = ? AND project_id = ?`, policyID, projectID).Scan(&one)
	if err == sql.ErrNoRows {
		return waf.NotFound("policy", policyID)
	}
	return err
}

// forEachRuleID checks that every listed rule of a table belongs to its
// policy in the project and calls fn for it.
func wafForEachRule(ctx context.Context, tx *sql.Tx, table, projectID string, ids []waf.PolicyRuleIDs, fn func(policyID, ruleID string) error) error {
	for _, pr := range ids {
		for _, id := range pr.RuleIDs {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = ? AND policy_id = ? AND project_id = ?`,
				id, pr.PolicyID, projectID).Scan(&one)
			if err == sql.ErrNoRows {
				return waf.NotFound("rule", id)
			}
			if err != nil {
				return err
			}
			if err := fn(pr.PolicyID, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteRules implements waf.Store.
func (db *DB) DeleteRules(ctx context.Context, projectID string, t waf.RuleType, ids []waf.PolicyRuleIDs) error {
	table := ""
	switch t {
	case waf.RuleCC:
		table = "waf_cc_rules"
	case waf.RulePunishment:
		table = "waf_punishment_rules"
	case waf.RuleCustom:
		table = "waf_custom_rules"
	case waf.RuleGeoIP:
		table = "waf_geoip_rules"
	case waf.RuleIgnore:
		table = "waf_ignore_rules"
	case waf.RuleReputation:
		table = "waf_reputation_rules"
	case waf.RuleWhiteBlackIP:
		table = "waf_whiteblackip_rules"
	default:
		return rampart.Invalid("rule_type", "Unknown rule type %q.", t)
	}
	return db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		return wafForEachRule(ctx, tx, table, projectID, ids, func(policyID, id string) error {
			if t == waf.RulePunishment {
				if err := punishmentRuleUse(ctx, tx, policyID, id); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
			return err
		})
	})
}
