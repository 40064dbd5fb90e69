package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const policyColumns = `id, project_id, enterprise_project_id, name, level, full_detection, log_action_replaced,
	robot_action, action, followed_action_id, options, modulex_options, extend, created_at`

func scanPolicy(row pgx.Row) (*waf.Policy, error) {
	var p waf.Policy
	var opts, modx, ext []byte
	var created *time.Time
	if err := row.Scan(&p.ID, &p.ProjectID, &p.EnterpriseProjectID, &p.Name, &p.Level, &p.FullDetection,
		&p.LogActionReplaced, &p.RobotAction, &p.Action, &p.FollowedActionID, &opts, &modx, &ext, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = unstamp(created)
	p.Options, p.ModulexOptions, p.Extend = map[string]bool{}, map[string]any{}, map[string]string{}
	for _, doc := range []struct {
		b []byte
		v any
	}{{opts, &p.Options}, {modx, &p.ModulexOptions}, {ext, &p.Extend}} {
		if err := json.Unmarshal(doc.b, doc.v); err != nil {
			return nil, unreadable("waf_policies", p.ID, err)
		}
	}
	p.Hosts = []waf.BoundHost{}
	return &p, nil
}

func insertPolicy(ctx context.Context, tx pgx.Tx, p *waf.Policy) error {
	_, err := tx.Exec(ctx, `INSERT INTO waf_policies (`+policyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		p.ID, p.ProjectID, p.EnterpriseProjectID, p.Name, p.Level, p.FullDetection, p.LogActionReplaced,
		p.RobotAction, p.Action, p.FollowedActionID, wafJSON(p.Options), wafJSON(p.ModulexOptions), wafJSON(p.Extend),
		stamp(p.CreatedAt))
	return err
}

// CreatePolicy implements waf.Store.
func (db *DB) CreatePolicy(ctx context.Context, p *waf.Policy) error {
	return db.wafWrite(ctx, p.ProjectID, func(tx pgx.Tx) error { return insertPolicy(ctx, tx, p) })
}

// findPolicy reads a policy of the project with its bound hosts; lock adds
// FOR UPDATE of the policy's row.
func findPolicy(ctx context.Context, q querier, projectID, id string, lock bool) (*waf.Policy, error) {
	p, err := findRow(ctx, q, scanPolicy, func() error { return waf.NotFound("policy", id) }, lock,
		`SELECT `+policyColumns+` FROM waf_policies WHERE id = $1 AND project_id = $2`, id, projectID)
	if err != nil {
		return nil, err
	}
	return p, loadBoundHosts(ctx, q, []*waf.Policy{p})
}

// loadBoundHosts fills the Hosts of each policy.
func loadBoundHosts(ctx context.Context, q querier, ps []*waf.Policy) error {
	return attach(ctx, q, ps, func(p *waf.Policy) string { return p.ID },
		func(p *waf.Policy, h waf.BoundHost) { p.Hosts = append(p.Hosts, h) },
		func(row pgx.Row) (string, waf.BoundHost, error) {
			var policyID string
			h := waf.BoundHost{WAFType: "cloud"}
			err := row.Scan(&h.ID, &h.Hostname, &policyID)
			return policyID, h, err
		}, `SELECT id, hostname, policy_id FROM waf_hosts WHERE policy_id = ANY ($1) ORDER BY seq`)
}

// FindPolicy implements waf.Store.
func (db *DB) FindPolicy(ctx context.Context, projectID, id string) (*waf.Policy, error) {
	var p *waf.Policy
	err := db.readTx(ctx, func(tx pgx.Tx) (err error) {
		p, err = findPolicy(ctx, tx, projectID, id, false)
		return err
	})
	return p, err
}

// FindPolicies implements waf.Store.
func (db *DB) FindPolicies(ctx context.Context, f waf.PolicyFilter) ([]*waf.Policy, int, error) {
	var a sqlArgs
	where := wafNamedWhere(&a, f.ProjectID, f.EnterpriseProjectID, "t.name", f.Name)
	var out []*waf.Policy
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM waf_policies t WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		if f.Page.Offset >= total || f.Page.Limit == 0 {
			return nil // an empty collection or a page past the end: no rows to read
		}
		page := a
		rows, err := tx.Query(ctx, `SELECT `+policyColumns+` FROM waf_policies t WHERE `+where+` ORDER BY seq LIMIT `+
			page.add(wafPageLimit(f.Page))+` OFFSET `+page.add(f.Page.Offset), page...)
		if err != nil {
			return err
		}
		if out, err = collectReadable(db, rows, scanPolicy); err != nil {
			return err
		}
		return loadBoundHosts(ctx, tx, out)
	})
	return out, total, err
}

// UpdatePolicy implements waf.Store.
func (db *DB) UpdatePolicy(ctx context.Context, projectID, id string, fn func(*waf.Policy) error) (*waf.Policy, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.Policy, error) { return findPolicy(ctx, tx, projectID, id, true) }, fn,
		func(tx pgx.Tx, p *waf.Policy) error {
			_, err := tx.Exec(ctx, `UPDATE waf_policies SET name = $1, level = $2, full_detection = $3, log_action_replaced = $4,
				robot_action = $5, action = $6, followed_action_id = $7, options = $8, modulex_options = $9, extend = $10 WHERE id = $11`,
				p.Name, p.Level, p.FullDetection, p.LogActionReplaced, p.RobotAction, p.Action, p.FollowedActionID,
				wafJSON(p.Options), wafJSON(p.ModulexOptions), wafJSON(p.Extend), p.ID)
			return err
		})
}

// DeletePolicies implements waf.Store. Each policy's row is locked before
// its hosts are read: a host bound to it concurrently (whose foreign key
// check share-locks the row) is either seen or waits.
func (db *DB) DeletePolicies(ctx context.Context, projectID string, ids []string) ([]*waf.Policy, error) {
	var out []*waf.Policy
	err := db.wafWrite(ctx, projectID, func(tx pgx.Tx) error {
		out = nil
		for _, id := range ids {
			p, err := findPolicy(ctx, tx, projectID, id, true)
			if err != nil {
				return err
			}
			if len(p.Hosts) > 0 {
				return waf.ErrInUse("The policy %s is used by host %s; bind the host to another policy first.", id, p.Hosts[0].Hostname)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM waf_policies WHERE id = $1`, id); err != nil {
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

// wafCopiedRules lists the rule tables CopyPolicy copies and the columns
// copied as they are.
var wafCopiedRules = []struct{ table, cols string }{
	{"waf_geoip_rules", "name, geoip, white, status, ip_type, description"},
	{"waf_reputation_rules", "name, description, type, tags, action, status"},
	{"waf_whiteblackip_rules", "name, addr, ip_group_id, white, status, time_mode, start, terminal, description"},
	{"waf_ignore_rules", "domains, conditions, mode, rule, advanced, description, status, updated_at"},
	{"waf_custom_rules", "name, description, time_limited, start, terminal, conditions, action, priority, status"},
	{"waf_cc_rules", "name, description, mode, url, prefix, conditions, action, tag_type, tag_index, tag_condition, " +
		"limit_num, limit_period, unlock_num, lock_time, domain_aggregation, region_aggregation, priority, cc_priority, status"},
	{"waf_punishment_rules", "category, block_time, time_unit, description"},
}

// CopyPolicy implements waf.Store.
func (db *DB) CopyPolicy(ctx context.Context, projectID, srcID string, dst *waf.Policy, newID func() string) error {
	followed := dst.FollowedActionID
	return db.wafWrite(ctx, projectID, func(tx pgx.Tx) error {
		dst.FollowedActionID = followed
		if err := wafPolicyExists(ctx, tx, projectID, srcID); err != nil {
			return err
		}
		if err := insertPolicy(ctx, tx, dst); err != nil {
			return err
		}
		for _, t := range wafCopiedRules {
			rows, _ := tx.Query(ctx, `SELECT id FROM `+t.table+` WHERE policy_id = $1 ORDER BY seq`, srcID)
			ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			for _, old := range ids {
				nid := newID()
				if _, err := tx.Exec(ctx, `INSERT INTO `+t.table+` (id, project_id, policy_id, enterprise_project_id, created_at, `+t.cols+`)
					SELECT $1, project_id, $2, $3, $4, `+t.cols+` FROM `+t.table+` WHERE id = $5`,
					nid, dst.ID, dst.EnterpriseProjectID, stamp(dst.CreatedAt), old); err != nil {
					return err
				}
				switch t.table {
				case "waf_punishment_rules":
					err = remapFollowedAction(ctx, tx, dst.ID, old, nid)
					if dst.FollowedActionID == old {
						dst.FollowedActionID = nid
					}
				case "waf_geoip_rules":
					_, err = tx.Exec(ctx, `INSERT INTO waf_geoip_locations (policy_id, code, rule_id)
						SELECT $1, code, $2 FROM waf_geoip_locations WHERE rule_id = $3`, dst.ID, nid, old)
				case "waf_reputation_rules":
					_, err = tx.Exec(ctx, `INSERT INTO waf_reputation_tags (policy_id, tag, rule_id)
						SELECT $1, tag, $2 FROM waf_reputation_tags WHERE rule_id = $3`, dst.ID, nid, old)
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
func remapFollowedAction(ctx context.Context, tx pgx.Tx, policyID, old, nid string) error {
	if _, err := tx.Exec(ctx, `UPDATE waf_custom_rules SET action = jsonb_set(action, '{followed_action_id}', to_jsonb($1::text))
		WHERE policy_id = $2 AND action ->> 'followed_action_id' = $3`, nid, policyID, old); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE waf_policies SET followed_action_id = $1 WHERE id = $2 AND followed_action_id = $3`,
		nid, policyID, old)
	return err
}

// BindHosts implements waf.Store.
func (db *DB) BindHosts(ctx context.Context, projectID, policyID string, hostIDs []string) (*waf.Policy, error) {
	var p *waf.Policy
	err := db.wafWrite(ctx, projectID, func(tx pgx.Tx) error {
		if err := wafPolicyExists(ctx, tx, projectID, policyID); err != nil {
			return err
		}
		for _, h := range hostIDs {
			tag, err := tx.Exec(ctx, `UPDATE waf_hosts SET policy_id = $1 WHERE id = $2 AND project_id = $3`, policyID, h, projectID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return waf.NotFound("host", h)
			}
		}
		var err error
		p, err = findPolicy(ctx, tx, projectID, policyID, false)
		return err
	})
	return p, err
}
