package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

const ipGroupColumns = `id, project_id, enterprise_project_id, name, ips, remarks, description, created_at`

func wafEntries(ips string) []string {
	if ips == "" {
		return nil
	}
	return strings.Split(ips, ",")
}

func scanIPGroup(s wafScanner) (*waf.IPGroup, error) {
	var g waf.IPGroup
	var ips, remarks string
	var created int64
	if err := s.Scan(&g.ID, &g.ProjectID, &g.EnterpriseProjectID, &g.Name, &ips, &remarks, &g.Description, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = fromMillis(created)
	g.IPs = wafEntries(ips)
	g.Remarks = map[string]string{}
	if err := json.Unmarshal([]byte(remarks), &g.Remarks); err != nil {
		return nil, unreadable("waf_ip_groups", g.ID, err)
	}
	g.Rules = []waf.RuleRef{}
	return &g, nil
}

// rangeOf returns the first and last address of p as 16-byte values.
func wafRange(p netip.Prefix) ([]byte, []byte) {
	p = p.Masked()
	lo := p.Addr()
	hi := lo
	if lo.Is4() {
		b := lo.As4()
		for i := p.Bits(); i < 32; i++ {
			b[i/8] |= 1 << (7 - i%8)
		}
		hi = netip.AddrFrom4(b)
		lo16, hi16 := netip.AddrFrom16(lo.As16()).As16(), netip.AddrFrom16(hi.As16()).As16()
		return lo16[:], hi16[:]
	}
	b := lo.As16()
	for i := p.Bits(); i < 128; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	l := lo.As16()
	return l[:], b[:]
}

// addrKey returns the 16-byte form of a, comparable with the stored ranges.
func wafAddrKey(a netip.Addr) []byte {
	b := a.As16()
	return b[:]
}

func wafWriteRanges(ctx context.Context, tx *sql.Tx, g *waf.IPGroup) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM waf_ip_group_ranges WHERE group_id = ?`, g.ID); err != nil {
		return err
	}
	for _, p := range g.Prefixes() {
		lo, hi := wafRange(p)
		if _, err := tx.ExecContext(ctx, `INSERT INTO waf_ip_group_ranges (group_id, lo, hi) VALUES (?, ?, ?)`, g.ID, lo, hi); err != nil {
			return err
		}
	}
	return nil
}

// CreateIPGroup implements waf.Store.
func (db *DB) CreateIPGroup(ctx context.Context, g *waf.IPGroup) error {
	return db.wafWrite(ctx, g.ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO waf_ip_groups (`+ipGroupColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			g.ID, g.ProjectID, g.EnterpriseProjectID, g.Name, strings.Join(g.IPs, ","), wafJSON(g.Remarks), g.Description,
			millis(g.CreatedAt)); err != nil {
			return err
		}
		return wafWriteRanges(ctx, tx, g)
	})
}

func findIPGroup(ctx context.Context, tx *sql.Tx, projectID, id string) (*waf.IPGroup, error) {
	g, err := scanIPGroup(tx.QueryRowContext(ctx, `SELECT `+ipGroupColumns+` FROM waf_ip_groups WHERE id = ? AND project_id = ?`, id, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("IP address group", id)
	}
	if err != nil {
		return nil, err
	}
	return g, loadGroupRules(ctx, tx, []*waf.IPGroup{g})
}

// loadGroupRules fills the Rules of each group.
func loadGroupRules(ctx context.Context, tx *sql.Tx, gs []*waf.IPGroup) error {
	if len(gs) == 0 {
		return nil
	}
	byID := make(map[string]*waf.IPGroup, len(gs))
	args := make([]any, len(gs))
	for i, g := range gs {
		byID[g.ID] = g
		args[i] = g.ID
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.ip_group_id, r.id, r.name, r.policy_id, p.name
		FROM waf_whiteblackip_rules r JOIN waf_policies p ON p.id = r.policy_id
		WHERE r.ip_group_id IN (`+wafPlaceholders(len(gs))+`) ORDER BY r.seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var gid string
		var ref waf.RuleRef
		if err := rows.Scan(&gid, &ref.RuleID, &ref.RuleName, &ref.PolicyID, &ref.PolicyName); err != nil {
			return err
		}
		byID[gid].Rules = append(byID[gid].Rules, ref)
	}
	return rows.Err()
}

// FindIPGroup implements waf.Store.
func (db *DB) FindIPGroup(ctx context.Context, projectID, id string) (*waf.IPGroup, error) {
	var g *waf.IPGroup
	err := db.readTx(ctx, func(tx *sql.Tx) (err error) {
		g, err = findIPGroup(ctx, tx, projectID, id)
		return err
	})
	return g, err
}

// FindIPGroups implements waf.Store.
func (db *DB) FindIPGroups(ctx context.Context, f waf.IPGroupFilter) ([]*waf.IPGroup, int, error) {
	where := "g.project_id = ?"
	args := []any{f.ProjectID}
	if f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND g.enterprise_project_id = ?"
		args = append(args, f.EnterpriseProjectID)
	}
	if f.Name != "" {
		where += ` AND g.name LIKE ? ESCAPE '\'`
		args = append(args, wafLike(f.Name))
	}
	if f.IP.IsValid() {
		where += ` AND EXISTS (SELECT 1 FROM waf_ip_group_ranges x WHERE x.group_id = g.id AND x.lo <= ? AND x.hi >= ?)`
		k := wafAddrKey(f.IP)
		args = append(args, k, k)
	}
	var out []*waf.IPGroup
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = wafCount(ctx, tx, `SELECT COUNT(*) FROM waf_ip_groups g WHERE `+where, args...); err != nil {
			return err
		}
		limit, offset := wafLimit(f.Page)
		rows, err := tx.QueryContext(ctx, `SELECT g.`+strings.ReplaceAll(ipGroupColumns, ", ", ", g.")+` FROM waf_ip_groups g WHERE `+where+` ORDER BY g.seq LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if out, err = scanAll(db, rows, scanIPGroup); err != nil {
			return err
		}
		return loadGroupRules(ctx, tx, out)
	})
	return out, total, err
}

// UpdateIPGroup implements waf.Store.
func (db *DB) UpdateIPGroup(ctx context.Context, projectID, id string, fn func(*waf.IPGroup) error) (*waf.IPGroup, error) {
	var g *waf.IPGroup
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if g, err = findIPGroup(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := fn(g); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE waf_ip_groups SET name = ?, ips = ?, remarks = ?, description = ? WHERE id = ?`,
			g.Name, strings.Join(g.IPs, ","), wafJSON(g.Remarks), g.Description, g.ID); err != nil {
			return err
		}
		return wafWriteRanges(ctx, tx, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// DeleteIPGroup implements waf.Store.
func (db *DB) DeleteIPGroup(ctx context.Context, projectID, id string) (*waf.IPGroup, error) {
	var g *waf.IPGroup
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if g, err = findIPGroup(ctx, tx, projectID, id); err != nil {
			return err
		}
		if len(g.Rules) > 0 {
			return waf.ErrInUse("The IP address group %s is used by rule %s of policy %s.", id, g.Rules[0].RuleID, g.Rules[0].PolicyName)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM waf_ip_groups WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}
