package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

const valueListColumns = `t.id, t.project_id, t.enterprise_project_id, t.name, t.type, t."values", t.description, t.created_at`

// valueListUsers lists the rule tables whose jsonb conditions can name a
// reference table by value_list_id; DeleteValueList refuses to delete a
// table any of their rows uses. Their GIN indexes answer the containment.
var valueListUsers = []struct {
	ruleType waf.RuleType
	table    string
}{
	{waf.RuleCustom, "waf_custom_rules"},
	{waf.RuleCC, "waf_cc_rules"},
}

// valueListUse returns the first rule of the project that references the
// table id, as "<type> rule <rule id> of policy <policy id>", or "".
func valueListUse(ctx context.Context, tx pgx.Tx, projectID, id string) (string, error) {
	for _, u := range valueListUsers {
		var ruleID, policyID string
		err := tx.QueryRow(ctx, `SELECT id, policy_id FROM `+u.table+` WHERE project_id = $1
			AND conditions @> jsonb_build_array(jsonb_build_object('value_list_id', $2::text)) ORDER BY seq LIMIT 1`,
			projectID, id).Scan(&ruleID, &policyID)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s rule %s of policy %s", u.ruleType, ruleID, policyID), nil
	}
	return "", nil
}

func scanValueList(row pgx.Row) (*waf.ValueList, error) {
	var l waf.ValueList
	var values []byte
	var created *time.Time
	if err := row.Scan(&l.ID, &l.ProjectID, &l.EnterpriseProjectID, &l.Name, &l.Type, &values, &l.Description, &created); err != nil {
		return nil, err
	}
	l.CreatedAt = unstamp(created)
	if err := json.Unmarshal(values, &l.Values); err != nil {
		return nil, unreadable("waf_value_lists", l.ID, err)
	}
	if l.Values == nil {
		l.Values = []string{}
	}
	return &l, nil
}

// CreateValueList implements waf.Store. The quota is checked under the
// transaction advisory lock of the project's reference tables, so
// concurrent creates in one project count one after the other.
func (db *DB) CreateValueList(ctx context.Context, l *waf.ValueList, max int) error {
	return db.wafWrite(ctx, l.ProjectID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/' || $2))`,
			lockValueLists, l.ProjectID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM waf_value_lists WHERE project_id = $1`, l.ProjectID).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return &rampart.Error{Kind: rampart.KindQuota, Field: "name",
				Message: fmt.Sprintf("The project already holds %d reference tables; the limit is %d.", n, max)}
		}
		_, err := tx.Exec(ctx, `INSERT INTO waf_value_lists (id, project_id, enterprise_project_id, name, type, "values",
			description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			l.ID, l.ProjectID, l.EnterpriseProjectID, l.Name, l.Type, wafJSON(l.Values), l.Description, stamp(l.CreatedAt))
		return err
	})
}

// findValueList reads a table of the project; lock adds FOR UPDATE.
func findValueList(ctx context.Context, q querier, projectID, id string, lock bool) (*waf.ValueList, error) {
	return findRow(ctx, q, scanValueList, func() error { return waf.NotFound("reference table", id) }, lock,
		`SELECT `+valueListColumns+` FROM waf_value_lists t WHERE t.id = $1 AND t.project_id = $2`, id, projectID)
}

// FindValueList implements waf.Store.
func (db *DB) FindValueList(ctx context.Context, projectID, id string) (*waf.ValueList, error) {
	l, err := findValueList(ctx, db.pool, projectID, id, false)
	return l, formatError(err)
}

// FindValueLists implements waf.Store.
func (db *DB) FindValueLists(ctx context.Context, f waf.ValueListFilter) ([]*waf.ValueList, int, error) {
	var a sqlArgs
	where := wafNamedWhere(&a, f.ProjectID, f.EnterpriseProjectID, "t.name", f.Name)
	var out []*waf.ValueList
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM waf_value_lists t WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		page := a
		rows, err := tx.Query(ctx, `SELECT `+valueListColumns+` FROM waf_value_lists t WHERE `+where+` ORDER BY t.seq LIMIT `+
			page.add(wafPageLimit(f.Page))+` OFFSET `+page.add(f.Page.Offset), page...)
		if err != nil {
			return err
		}
		out, err = collectReadable(db, rows, scanValueList)
		return err
	})
	return out, total, err
}

// UpdateValueList implements waf.Store.
func (db *DB) UpdateValueList(ctx context.Context, projectID, id string, fn func(*waf.ValueList) error) (*waf.ValueList, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.ValueList, error) { return findValueList(ctx, tx, projectID, id, true) }, fn,
		func(tx pgx.Tx, l *waf.ValueList) error {
			_, err := tx.Exec(ctx, `UPDATE waf_value_lists SET name = $1, "values" = $2, description = $3 WHERE id = $4`,
				l.Name, wafJSON(l.Values), l.Description, l.ID)
			return err
		})
}

// DeleteValueList implements waf.Store.
func (db *DB) DeleteValueList(ctx context.Context, projectID, id string) (*waf.ValueList, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.ValueList, error) { return findValueList(ctx, tx, projectID, id, true) }, nil,
		func(tx pgx.Tx, l *waf.ValueList) error {
			use, err := valueListUse(ctx, tx, projectID, id)
			if err != nil {
				return err
			}
			if use != "" {
				return waf.ErrInUse("The reference table %s is used by %s.", id, use)
			}
			_, err = tx.Exec(ctx, `DELETE FROM waf_value_lists WHERE id = $1`, id)
			return err
		})
}
