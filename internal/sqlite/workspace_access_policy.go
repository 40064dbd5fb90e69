package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/workspace"
)

var _ workspace.Store = (*DB)(nil)

const accessPolicyColumns = `id, project_id, name, blacklist_type, access_control_type, ip_list, is_enable, is_block_all, created_at`

func scanAccessPolicy(s interface{ Scan(...any) error }) (*workspace.AccessPolicy, error) {
	var p workspace.AccessPolicy
	var ips string
	var created int64
	if err := s.Scan(&p.ID, &p.ProjectID, &p.Name, &p.BlacklistType, &p.AccessControlType, &ips,
		&p.Enabled, &p.BlockAll, &created); err != nil {
		return nil, err
	}
	var err error
	if p.IPs, err = storeform.DecodeIPList([]byte(ips)); err != nil {
		return nil, unreadable("workspace_access_policies", p.ID, err)
	}
	p.CreatedAt = fromMillis(created)
	return &p, nil
}

// CreateAccessPolicy implements workspace.Store.
func (db *DB) CreateAccessPolicy(ctx context.Context, p *workspace.AccessPolicy) error {
	ips := storeform.EncodeIPList(p.IPs)
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO workspace_access_policies (`+accessPolicyColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.ProjectID, p.Name, p.BlacklistType, p.AccessControlType,
			ips, p.Enabled, p.BlockAll, millis(p.CreatedAt)); err != nil {
			return err
		}
		if err := insertAccessPolicyObjects(ctx, tx, p.ID, p.Objects); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, p.ProjectID, rampart.FamilyWorkspace)
		return err
	})
}

func insertAccessPolicyObjects(ctx context.Context, tx *sql.Tx, policyID string, objs []workspace.Object) error {
	if len(objs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO workspace_access_policy_objects
		(policy_id, position, object_type, object_id, object_name) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, o := range objs {
		if _, err := stmt.ExecContext(ctx, policyID, i, o.Type, o.ID, o.Name); err != nil {
			return err
		}
	}
	return nil
}

// FindAccessPolicies implements workspace.Store.
func (db *DB) FindAccessPolicies(ctx context.Context, f workspace.Filter) ([]*workspace.AccessPolicy, int, error) {
	where := `project_id = ?`
	args := []any{f.ProjectID}
	if f.AccessControlType != "" {
		where += ` AND access_control_type = ?`
		args = append(args, f.AccessControlType)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	var out []*workspace.AccessPolicy
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspace_access_policies WHERE `+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+accessPolicyColumns+` FROM workspace_access_policies WHERE `+where+
			` ORDER BY created_at, id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out, err = scanAll(db, rows, scanAccessPolicy)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// findAccessPolicy loads one policy of a project inside tx.
func findAccessPolicy(ctx context.Context, tx *sql.Tx, projectID, id string) (*workspace.AccessPolicy, error) {
	p, err := scanAccessPolicy(tx.QueryRowContext(ctx, `SELECT `+accessPolicyColumns+
		` FROM workspace_access_policies WHERE project_id = ? AND id = ?`, projectID, id))
	return p, notFound(err, "Access policy not found.")
}

// UpdateAccessPolicy implements workspace.Store.
func (db *DB) UpdateAccessPolicy(ctx context.Context, projectID, id string, apply func(p *workspace.AccessPolicy) error) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		p, err := findAccessPolicy(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if err := apply(p); err != nil {
			return err
		}
		ips := storeform.EncodeIPList(p.IPs)
		if _, err := tx.ExecContext(ctx, `UPDATE workspace_access_policies SET ip_list = ?, is_enable = ?, is_block_all = ?
			WHERE project_id = ? AND id = ?`, ips, p.Enabled, p.BlockAll, projectID, id); err != nil {
			return err
		}
		_, err = bumpRevision(ctx, tx, projectID, rampart.FamilyWorkspace)
		return err
	})
}

// policyExists returns KindNotFound unless the project has the policy.
func policyExists(ctx context.Context, tx *sql.Tx, projectID, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM workspace_access_policies WHERE project_id = ? AND id = ?`, projectID, id).Scan(&one)
	return notFound(err, "Access policy not found.")
}

// FindAccessPolicyObjects implements workspace.Store.
func (db *DB) FindAccessPolicyObjects(ctx context.Context, projectID, id string, offset, limit int) ([]workspace.Object, int, error) {
	if limit <= 0 {
		limit = -1
	}
	out := []workspace.Object{}
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := policyExists(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspace_access_policy_objects WHERE policy_id = ?`, id).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT object_type, object_id, object_name FROM workspace_access_policy_objects
			WHERE policy_id = ? ORDER BY position LIMIT ? OFFSET ?`, id, limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o workspace.Object
			if err := rows.Scan(&o.Type, &o.ID, &o.Name); err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ReplaceAccessPolicyObjects implements workspace.Store.
func (db *DB) ReplaceAccessPolicyObjects(ctx context.Context, projectID, id string, objects []workspace.Object) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := policyExists(ctx, tx, projectID, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM workspace_access_policy_objects WHERE policy_id = ?`, id); err != nil {
			return err
		}
		if err := insertAccessPolicyObjects(ctx, tx, id, objects); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilyWorkspace)
		return err
	})
}

// DeleteAccessPolicies implements workspace.Store.
func (db *DB) DeleteAccessPolicies(ctx context.Context, projectID string, ids []string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `DELETE FROM workspace_access_policies WHERE project_id = ? AND id = ?`, projectID, id)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return rampart.Errorf(rampart.KindNotFound, "The access policy is not found, the policy id is '%s'.", id)
			}
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilyWorkspace)
		return err
	})
}

// LoadAccessPolicies implements workspace.Store.
func (db *DB) LoadAccessPolicies(ctx context.Context, projectID string) ([]*workspace.AccessPolicy, int64, error) {
	out := []*workspace.AccessPolicy{}
	var rev int64
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT revision FROM project_revisions WHERE project_id = ? AND family = ?`,
			projectID, string(rampart.FamilyWorkspace)).Scan(&rev)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+accessPolicyColumns+` FROM workspace_access_policies
			WHERE project_id = ? ORDER BY created_at, id`, projectID)
		if err != nil {
			return err
		}
		ps, err := scanAll(db, rows, scanAccessPolicy)
		rows.Close()
		if err != nil || len(ps) == 0 {
			return err
		}
		byID := map[string]*workspace.AccessPolicy{}
		for _, p := range ps {
			p.Objects = []workspace.Object{}
			byID[p.ID] = p
		}
		out = ps
		orows, err := tx.QueryContext(ctx, `SELECT o.policy_id, o.object_type, o.object_id, o.object_name
			FROM workspace_access_policy_objects o JOIN workspace_access_policies p ON p.id = o.policy_id
			WHERE p.project_id = ? ORDER BY o.policy_id, o.position`, projectID)
		if err != nil {
			return err
		}
		defer orows.Close()
		for orows.Next() {
			var pid string
			var o workspace.Object
			if err := orows.Scan(&pid, &o.Type, &o.ID, &o.Name); err != nil {
				return err
			}
			if p := byID[pid]; p != nil {
				p.Objects = append(p.Objects, o)
			}
		}
		return orows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return out, rev, nil
}
