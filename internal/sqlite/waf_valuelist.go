package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

const valueListColumns = `id, project_id, enterprise_project_id, name, type, "values", description, created_at`

// valueListUser is a rule table whose rows can reference a reference table:
// either its JSON array column conditions holds objects whose member key
// names a table by ID, or (conditions "") its column key does. The table
// must have the columns id, project_id and policy_id.
type valueListUser struct {
	ruleType   waf.RuleType
	table      string
	conditions string // the JSON array column of conditions; "" when key is a column
	key        string // the member of a condition (or the column) that holds the table ID
}

// query returns the first rule of a project (first argument) that
// references a table (second argument): its ID and policy ID.
func (u valueListUser) query() string {
	if u.conditions == "" {
		return fmt.Sprintf(`SELECT r.id, r.policy_id FROM %s r WHERE r.project_id = ? AND r.%s = ? ORDER BY r.rowid LIMIT 1`, u.table, u.key)
	}
	return fmt.Sprintf(`SELECT r.id, r.policy_id FROM %s r, json_each(r.%s) c
		WHERE r.project_id = ? AND json_extract(c.value, '$.%s') = ? ORDER BY r.rowid LIMIT 1`, u.table, u.conditions, u.key)
}

// valueListUsers lists every rule table that can reference a reference
// table; DeleteValueList refuses to delete a table any of their rows uses.
// A rule type whose conditions take value_list_id adds one line here, e.g.
// {waf.RuleCustom, "waf_custom_rules", "conditions", "value_list_id"} for a
// JSON conditions column, or {waf.RuleCC, "waf_cc_conditions", "",
// "value_list_id"} for a table with one condition per row.
var valueListUsers = []valueListUser{
	{waf.RuleCustom, "waf_custom_rules", "conditions", "value_list_id"},
	{waf.RuleCC, "waf_cc_rules", "conditions", "value_list_id"},
}

// valueListUse returns the first rule of the project that references the
// table id, as "<type> rule <rule id> of policy <policy id>", or "".
func valueListUse(ctx context.Context, tx *sql.Tx, users []valueListUser, projectID, id string) (string, error) {
	for _, u := range users {
		var ruleID, policyID string
		err := tx.QueryRowContext(ctx, u.query(), projectID, id).Scan(&ruleID, &policyID)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s rule %s of policy %s", u.ruleType, ruleID, policyID), nil
	}
	return "", nil
}

func scanValueList(s wafScanner) (*waf.ValueList, error) {
	var l waf.ValueList
	var values string
	var created int64
	if err := s.Scan(&l.ID, &l.ProjectID, &l.EnterpriseProjectID, &l.Name, &l.Type, &values, &l.Description, &created); err != nil {
		return nil, err
	}
	l.CreatedAt = fromMillis(created)
	if err := json.Unmarshal([]byte(values), &l.Values); err != nil {
		return nil, unreadable("waf_value_lists", l.ID, err)
	}
	if l.Values == nil {
		l.Values = []string{}
	}
	return &l, nil
}

// CreateValueList implements waf.Store.
func (db *DB) CreateValueList(ctx context.Context, l *waf.ValueList, max int) error {
	return db.wafWrite(ctx, l.ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		n, err := wafCount(ctx, tx, `SELECT COUNT(*) FROM waf_value_lists WHERE project_id = ?`, l.ProjectID)
		if err != nil {
			return err
		}
		if n >= max {
			return &rampart.Error{Kind: rampart.KindQuota, Field: "name",
				Message: fmt.Sprintf("The project already holds %d reference tables; the limit is %d.", n, max)}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO waf_value_lists (`+valueListColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.ProjectID, l.EnterpriseProjectID, l.Name, l.Type, wafJSON(l.Values), l.Description, millis(l.CreatedAt))
		return err
	})
}

// findValueList reads a table of the project inside tx; the stores of rule
// types that reference tables use it to check a value_list_id.
func findValueList(ctx context.Context, tx *sql.Tx, projectID, id string) (*waf.ValueList, error) {
	l, err := scanValueList(tx.QueryRowContext(ctx, `SELECT `+valueListColumns+` FROM waf_value_lists WHERE id = ? AND project_id = ?`, id, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("reference table", id)
	}
	return l, err
}

// FindValueList implements waf.Store.
func (db *DB) FindValueList(ctx context.Context, projectID, id string) (*waf.ValueList, error) {
	var l *waf.ValueList
	err := db.readTx(ctx, func(tx *sql.Tx) (err error) {
		l, err = findValueList(ctx, tx, projectID, id)
		return err
	})
	return l, err
}

// FindValueLists implements waf.Store.
func (db *DB) FindValueLists(ctx context.Context, f waf.ValueListFilter) ([]*waf.ValueList, int, error) {
	where, args := wafNamedWhere(f.ProjectID, f.EnterpriseProjectID, f.Name)
	var out []*waf.ValueList
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = wafCount(ctx, tx, `SELECT COUNT(*) FROM waf_value_lists WHERE `+where, args...); err != nil {
			return err
		}
		limit, offset := wafLimit(f.Page)
		rows, err := tx.QueryContext(ctx, `SELECT `+valueListColumns+` FROM waf_value_lists WHERE `+where+` ORDER BY seq LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out, err = scanAll(db, rows, scanValueList)
		return err
	})
	return out, total, err
}

// UpdateValueList implements waf.Store.
func (db *DB) UpdateValueList(ctx context.Context, projectID, id string, fn func(*waf.ValueList) error) (*waf.ValueList, error) {
	var l *waf.ValueList
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if l, err = findValueList(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE waf_value_lists SET name = ?, "values" = ?, description = ? WHERE id = ?`,
			l.Name, wafJSON(l.Values), l.Description, l.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteValueList implements waf.Store.
func (db *DB) DeleteValueList(ctx context.Context, projectID, id string) (*waf.ValueList, error) {
	return db.deleteValueList(ctx, valueListUsers, projectID, id)
}

func (db *DB) deleteValueList(ctx context.Context, users []valueListUser, projectID, id string) (*waf.ValueList, error) {
	var l *waf.ValueList
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if l, err = findValueList(ctx, tx, projectID, id); err != nil {
			return err
		}
		use, err := valueListUse(ctx, tx, users, projectID, id)
		if err != nil {
			return err
		}
		if use != "" {
			return waf.ErrInUse("The reference table %s is used by %s.", id, use)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM waf_value_lists WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}
