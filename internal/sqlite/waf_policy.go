package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/rampartsec/rampart/internal/waf"
)

const policyColumns = `id, project_id, enterprise_project_id, name, level, full_detection, log_action_replaced,
	robot_action, action, followed_action_id, options, modulex_options, extend, created_at`

func scanPolicy(s wafScanner) (*waf.Policy, error) {
	var p waf.Policy
	var opts, modx, ext string
	var created int64
	if err := s.Scan(&p.ID, &p.ProjectID, &p.EnterpriseProjectID, &p.Name, &p.Level, &p.FullDetection,
		&p.LogActionReplaced, &p.RobotAction, &p.Action, &p.FollowedActionID, &opts, &modx, &ext, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMillis(created)
	p.Options, p.ModulexOptions, p.Extend = map[string]bool{}, map[string]any{}, map[string]string{}
	if err := json.Unmarshal([]byte(opts), &p.Options); err != nil {
		return nil, unreadable("waf_policies", p.ID, err)
	}
	if err := json.Unmarshal([]byte(modx), &p.ModulexOptions); err != nil {
		return nil, unreadable("waf_policies", p.ID, err)
	}
	if err := json.Unmarshal([]byte(ext), &p.Extend); err != nil {
		return nil, unreadable("waf_policies", p.ID, err)
	}
	p.Hosts = []waf.BoundHost{}
	return &p, nil
}

func insertPolicy(ctx context.Context, tx *sql.Tx, p *waf.Policy) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO waf_policies (`+policyColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.ProjectID, p.EnterpriseProjectID, p.Name, p.Level, p.FullDetection, p.LogActionReplaced,
		p.RobotAction, p.Action, p.FollowedActionID, wafJSON(p.Options), wafJSON(p.ModulexOptions), wafJSON(p.Extend),
		millis(p.CreatedAt))
	return err
}

// CreatePolicy implements waf.Store.
func (db *DB) CreatePolicy(ctx context.Context, p *waf.Policy) error {
	return db.wafWrite(ctx, p.ProjectID, func(ctx context.Context, tx *sql.Tx) error { return insertPolicy(ctx, tx, p) })
}

func findPolicy(ctx context.Context, tx *sql.Tx, projectID, id string) (*waf.Policy, error) {
	p, err := scanPolicy(tx.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM waf_policies WHERE id = ? AND project_id = ?`, id, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("policy", id)
	}
	if err != nil {
		return nil, err
	}
	return p, loadBoundHosts(ctx, tx, []*waf.Policy{p})
}

// loadBoundHosts fills the Hosts of each policy.
func loadBoundHosts(ctx context.Context, tx *sql.Tx, ps []*waf.Policy) error {
	if len(ps) == 0 {
		return nil
	}
	byID := make(map[string]*waf.Policy, len(ps))
	args := make([]any, len(ps))
	for i, p := range ps {
		byID[p.ID] = p
		args[i] = p.ID
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, hostname, policy_id FROM waf_hosts WHERE policy_id IN (`+wafPlaceholders(len(ps))+`) ORDER BY seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var h waf.BoundHost
		var pid string
		if err := rows.Scan(&h.ID, &h.Hostname, &pid); err != nil {
			return err
		}
		h.WAFType = "cloud"
		byID[pid].Hosts = append(byID[pid].Hosts, h)
	}
	return rows.Err()
}

// FindPolicy implements waf.Store.
func (db *DB) FindPolicy(ctx context.Context, projectID, id string) (*waf.Policy, error) {
	var p *waf.Policy
	err := db.readTx(ctx, func(tx *sql.Tx) (err error) {
		p, err = findPolicy(ctx, tx, projectID, id)
		return err
	})
	return p, err
}

// FindPolicies implements waf.Store.
func (db *DB) FindPolicies(ctx context.Context, f waf.PolicyFilter) ([]*waf.Policy, int, error) {
	where, args := wafNamedWhere(f.ProjectID, f.EnterpriseProjectID, f.Name)
	var out []*waf.Policy
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = wafCount(ctx, tx, `SELECT COUNT(*) FROM waf_policies WHERE `+where, args...); err != nil {
			return err
		}
		limit, offset := wafLimit(f.Page)
		if offset >= total || limit == 0 {
			return nil // an empty collection or a page past the end: no rows to read
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+policyColumns+` FROM waf_policies WHERE `+where+` ORDER BY seq LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		if out, err = scanAll(db, rows, scanPolicy); err != nil {
			return err
		}
		return loadBoundHosts(ctx, tx, out)
	})
	return out, total, err
}

// UpdatePolicy implements waf.Store.
func (db *DB) UpdatePolicy(ctx context.Context, projectID, id string, fn func(*waf.Policy) error) (*waf.Policy, error) {
	var p *waf.Policy
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if p, err = findPolicy(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE waf_policies SET name = ?, level = ?, full_detection = ?, log_action_replaced = ?,
			robot_action = ?, action = ?, followed_action_id = ?, options = ?, modulex_options = ?, extend = ? WHERE id = ?`,
			p.Name, p.Level, p.FullDetection, p.LogActionReplaced, p.RobotAction, p.Action, p.FollowedActionID,
			wafJSON(p.Options), wafJSON(p.ModulexOptions), wafJSON(p.Extend), p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeletePolicies implements waf.Store.
func (db *DB) DeletePolicies(ctx context.Context, projectID string, ids []string) ([]*waf.Policy, error) {
	var out []*waf.Policy
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		for _, id := range ids {
			p, err := findPolicy(ctx, tx, projectID, id)
			if err != nil {
				return err
			}
			if len(p.Hosts) > 0 {
				return waf.ErrInUse("The policy %s is used by host %s; bind the host to another policy first.", id, p.Hosts[0].Hostname)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM waf_policies WHERE id = ?`, id); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CopyPolicy implements waf.Store.
func (db *DB) CopyPolicy(ctx context.Context, projectID, srcID string, dst *waf.Policy, newID func() string) error {
	return db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		if err := wafPolicyExists(ctx, tx, projectID, srcID); err != nil {
			return err
		}
		if err := insertPolicy(ctx, tx, dst); err != nil {
			return err
		}
		created := millis(dst.CreatedAt)
		for _, table := range []struct{ name, cols string }{
			{"waf_geoip_rules", "name, geoip, white, status, ip_type, description"},
			{"waf_reputation_rules", "name, description, type, tags, action, status"},
			{"waf_whiteblackip_rules", "name, addr, ip_group_id, white, status, time_mode, start, terminal, description"},
			{"waf_ignore_rules", "domains, conditions, mode, rule, advanced, description, status, updated_at"},
			{"waf_custom_rules", "name, description, time_limited, start, terminal, conditions, action, priority, status"},
			{"waf_cc_rules", "name, description, mode, url, prefix, conditions, action, tag_type, tag_index, tag_condition, " +
				"limit_num, limit_period, unlock_num, lock_time, domain_aggregation, region_aggregation, priority, cc_priority, status"},
			{"waf_punishment_rules", "category, block_time, time_unit, description"},
		} {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM `+table.name+` WHERE policy_id = ? ORDER BY seq`, srcID)
			if err != nil {
				return err
			}
			var ids []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, old := range ids {
				nid := newID()
				if _, err := tx.ExecContext(ctx, `INSERT INTO `+table.name+` (id, project_id, policy_id, enterprise_project_id, created_at, `+table.cols+`)
					SELECT ?, project_id, ?, ?, ?, `+table.cols+` FROM `+table.name+` WHERE id = ?`,
					nid, dst.ID, dst.EnterpriseProjectID, created, old); err != nil {
					return err
				}
				switch table.name {
				case "waf_punishment_rules":
					err = remapFollowedAction(ctx, tx, dst.ID, old, nid)
					if dst.FollowedActionID == old {
						dst.FollowedActionID = nid
					}
				case "waf_geoip_rules":
					_, err = tx.ExecContext(ctx, `INSERT INTO waf_geoip_locations (policy_id, code, rule_id)
						SELECT ?, code, ? FROM waf_geoip_locations WHERE rule_id = ?`, dst.ID, nid, old)
				case "waf_reputation_rules":
					_, err = tx.ExecContext(ctx, `INSERT INTO waf_reputation_tags (policy_id, tag, rule_id)
						SELECT ?, tag, ? FROM waf_reputation_tags WHERE rule_id = ?`, dst.ID, nid, old)
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// remapFollowedAction points the followed actions of a copied policy and
// of its copied precise-protection rules from the source policy's
// known-attack-source rule old to its copy nid.
func remapFollowedAction(ctx context.Context, tx *sql.Tx, policyID, old, nid string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE waf_custom_rules SET action = json_set(action, '$.followed_action_id', ?)
		WHERE policy_id = ? AND json_extract(action, '$.followed_action_id') = ?`, nid, policyID, old); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE waf_policies SET followed_action_id = ? WHERE id = ? AND followed_action_id = ?`,
		nid, policyID, old)
	return err
}

// BindHosts implements waf.Store.
func (db *DB) BindHosts(ctx context.Context, projectID, policyID string, hostIDs []string) (*waf.Policy, error) {
	var p *waf.Policy
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		if err := wafPolicyExists(ctx, tx, projectID, policyID); err != nil {
			return err
		}
		for _, h := range hostIDs {
			res, err := tx.ExecContext(ctx, `UPDATE waf_hosts SET policy_id = ? WHERE id = ? AND project_id = ?`, policyID, h, projectID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return waf.NotFound("host", h)
			}
		}
		var err error
		p, err = findPolicy(ctx, tx, projectID, policyID)
		return err
	})
	return p, err
}
