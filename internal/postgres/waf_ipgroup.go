package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const ipGroupColumns = `t.id, t.project_id, t.enterprise_project_id, t.name, t.ips, t.remarks, t.description, t.created_at`

func scanIPGroup(row pgx.Row) (*waf.IPGroup, error) {
	var g waf.IPGroup
	var remarks []byte
	var created *time.Time
	if err := row.Scan(&g.ID, &g.ProjectID, &g.EnterpriseProjectID, &g.Name, &g.IPs, &remarks, &g.Description, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = unstamp(created)
	if len(g.IPs) == 0 {
		g.IPs = nil
	}
	g.Remarks = map[string]string{}
	if err := json.Unmarshal(remarks, &g.Remarks); err != nil {
		return nil, unreadable("waf_ip_groups", g.ID, err)
	}
	g.Rules = []waf.RuleRef{}
	return &g, nil
}

// wafWritePrefixes replaces the stored prefixes of g with its entries'.
func wafWritePrefixes(ctx context.Context, tx pgx.Tx, g *waf.IPGroup) error {
	if _, err := tx.Exec(ctx, `DELETE FROM waf_ip_group_prefixes WHERE group_id = $1`, g.ID); err != nil {
		return err
	}
	ps := g.Prefixes()
	if len(ps) == 0 {
		return nil
	}
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.Masked().String()
	}
	_, err := tx.Exec(ctx, `INSERT INTO waf_ip_group_prefixes (group_id, prefix) SELECT $1, unnest($2::cidr[])`, g.ID, texts)
	return err
}

// ipList is a group's entries as stored: an empty array, not NULL, for none.
func ipList(ips []string) []string {
	if ips == nil {
		return []string{}
	}
	return ips
}

// CreateIPGroup implements waf.Store.
func (db *DB) CreateIPGroup(ctx context.Context, g *waf.IPGroup) error {
	return db.wafWrite(ctx, g.ProjectID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO waf_ip_groups (id, project_id, enterprise_project_id, name, ips, remarks,
			description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			g.ID, g.ProjectID, g.EnterpriseProjectID, g.Name, ipList(g.IPs), wafJSON(g.Remarks), g.Description,
			stamp(g.CreatedAt)); err != nil {
			return err
		}
		return wafWritePrefixes(ctx, tx, g)
	})
}

// findIPGroup reads a group of the project with the rules using it; lock
// adds FOR UPDATE of the group's row.
func findIPGroup(ctx context.Context, q querier, projectID, id string, lock bool) (*waf.IPGroup, error) {
	g, err := findRow(ctx, q, scanIPGroup, func() error { return waf.NotFound("IP address group", id) }, lock,
		`SELECT `+ipGroupColumns+` FROM waf_ip_groups t WHERE t.id = $1 AND t.project_id = $2`, id, projectID)
	if err != nil {
		return nil, err
	}
	return g, loadGroupRules(ctx, q, []*waf.IPGroup{g})
}

// loadGroupRules fills the Rules of each group.
func loadGroupRules(ctx context.Context, q querier, gs []*waf.IPGroup) error {
	return attach(ctx, q, gs, func(g *waf.IPGroup) string { return g.ID },
		func(g *waf.IPGroup, r waf.RuleRef) { g.Rules = append(g.Rules, r) },
		func(row pgx.Row) (string, waf.RuleRef, error) {
			var groupID string
			var r waf.RuleRef
			err := row.Scan(&groupID, &r.RuleID, &r.RuleName, &r.PolicyID, &r.PolicyName)
			return groupID, r, err
		}, `SELECT r.ip_group_id, r.id, r.name, r.policy_id, p.name
			FROM waf_whiteblackip_rules r JOIN waf_policies p ON p.id = r.policy_id
			WHERE r.ip_group_id = ANY ($1) ORDER BY r.seq`)
}

// FindIPGroup implements waf.Store.
func (db *DB) FindIPGroup(ctx context.Context, projectID, id string) (*waf.IPGroup, error) {
	var g *waf.IPGroup
	err := db.readTx(ctx, func(tx pgx.Tx) (err error) {
		g, err = findIPGroup(ctx, tx, projectID, id, false)
		return err
	})
	return g, err
}

// FindIPGroups implements waf.Store.
func (db *DB) FindIPGroups(ctx context.Context, f waf.IPGroupFilter) ([]*waf.IPGroup, int, error) {
	var a sqlArgs
	where := wafNamedWhere(&a, f.ProjectID, f.EnterpriseProjectID, "t.name", f.Name)
	if f.IP.IsValid() {
		where += ` AND EXISTS (SELECT 1 FROM waf_ip_group_prefixes x WHERE x.group_id = t.id AND x.prefix >>= ` +
			a.add(f.IP.Unmap().String()) + `::inet)`
	}
	var out []*waf.IPGroup
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM waf_ip_groups t WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		page := a
		rows, err := tx.Query(ctx, `SELECT `+ipGroupColumns+` FROM waf_ip_groups t WHERE `+where+` ORDER BY t.seq LIMIT `+
			page.add(wafPageLimit(f.Page))+` OFFSET `+page.add(f.Page.Offset), page...)
		if err != nil {
			return err
		}
		if out, err = collectReadable(db, rows, scanIPGroup); err != nil {
			return err
		}
		return loadGroupRules(ctx, tx, out)
	})
	return out, total, err
}

// UpdateIPGroup implements waf.Store.
func (db *DB) UpdateIPGroup(ctx context.Context, projectID, id string, fn func(*waf.IPGroup) error) (*waf.IPGroup, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.IPGroup, error) { return findIPGroup(ctx, tx, projectID, id, true) }, fn,
		func(tx pgx.Tx, g *waf.IPGroup) error {
			if _, err := tx.Exec(ctx, `UPDATE waf_ip_groups SET name = $1, ips = $2, remarks = $3, description = $4 WHERE id = $5`,
				g.Name, ipList(g.IPs), wafJSON(g.Remarks), g.Description, g.ID); err != nil {
				return err
			}
			return wafWritePrefixes(ctx, tx, g)
		})
}

// DeleteIPGroup implements waf.Store.
func (db *DB) DeleteIPGroup(ctx context.Context, projectID, id string) (*waf.IPGroup, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.IPGroup, error) { return findIPGroup(ctx, tx, projectID, id, true) }, nil,
		func(tx pgx.Tx, g *waf.IPGroup) error {
			if len(g.Rules) > 0 {
				return waf.ErrInUse("The IP address group %s is used by rule %s of policy %s.", id, g.Rules[0].RuleID, g.Rules[0].PolicyName)
			}
			_, err := tx.Exec(ctx, `DELETE FROM waf_ip_groups WHERE id = $1`, id)
			return err
		})
}
