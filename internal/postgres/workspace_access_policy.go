package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/workspace"
)

var _ workspace.Store = (*DB)(nil)

const accessPolicyColumns = `id, project_id, name, blacklist_type, access_control_type, ip_list, is_enable, is_block_all, created_at`

func scanAccessPolicy(row pgx.Row) (*workspace.AccessPolicy, error) {
	var p workspace.AccessPolicy
	var ips []byte
	var created time.Time
	if err := row.Scan(&p.ID, &p.ProjectID, &p.Name, &p.BlacklistType, &p.AccessControlType, &ips,
		&p.Enabled, &p.BlockAll, &created); err != nil {
		return nil, err
	}
	var err error
	if p.IPs, err = storeform.DecodeIPList(ips); err != nil {
		return nil, unreadable("workspace_access_policies", p.ID, err)
	}
	p.CreatedAt = created.UTC()
	return &p, nil
}

// CreateAccessPolicy implements workspace.Store.
func (db *DB) CreateAccessPolicy(ctx context.Context, p *workspace.AccessPolicy) error {
	ips := storeform.EncodeIPList(p.IPs)
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO workspace_access_policies (`+accessPolicyColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, p.ID, p.ProjectID, p.Name, p.BlacklistType, p.AccessControlType,
			ips, p.Enabled, p.BlockAll, stamp(p.CreatedAt)); err != nil {
			return err
		}
		if err := insertAccessPolicyObjects(ctx, tx, p.ID, p.Objects); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, p.ProjectID, rampart.FamilyWorkspace)
		return err
	})
}

// insertAccessPolicyObjects stores a policy's objects in one statement,
// numbered by their position in objs.
func insertAccessPolicyObjects(ctx context.Context, tx pgx.Tx, policyID string, objs []workspace.Object) error {
	if len(objs) == 0 {
		return nil
	}
	types, ids, names := make([]string, len(objs)), make([]string, len(objs)), make([]string, len(objs))
	for i, o := range objs {
		types[i], ids[i], names[i] = o.Type, o.ID, o.Name
	}
	_, err := tx.Exec(ctx, `INSERT INTO workspace_access_policy_objects
		(policy_id, position, object_type, object_id, object_name)
		SELECT $1, o.n - 1, o.t, o.i, o.m FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS o (t, i, m, n)`,
		policyID, types, ids, names)
	return err
}

// FindAccessPolicies implements workspace.Store.
func (db *DB) FindAccessPolicies(ctx context.Context, f workspace.Filter) ([]*workspace.AccessPolicy, int, error) {
	const where = ` WHERE project_id = $1 AND (NULLIF($2, '') IS NULL OR access_control_type = $2)`
	var out []*workspace.AccessPolicy
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM workspace_access_policies`+where,
			f.ProjectID, f.AccessControlType).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+accessPolicyColumns+` FROM workspace_access_policies`+where+
			` ORDER BY created_at, id LIMIT $3 OFFSET $4`, f.ProjectID, f.AccessControlType, limitOrAll(f.Limit), f.Offset)
		if err != nil {
			return err
		}
		out, err = collectReadable(db, rows, scanAccessPolicy)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// limitOrAll is a LIMIT argument: NULL (no limit) for 0 or less.
func limitOrAll(limit int) *int {
	if limit <= 0 {
		return nil
	}
	return &limit
}

// lockAccessPolicy loads one policy of a project inside tx and locks its
// row until tx ends.
func lockAccessPolicy(ctx context.Context, tx pgx.Tx, projectID, id string) (*workspace.AccessPolicy, error) {
	p, err := scanAccessPolicy(tx.QueryRow(ctx, `SELECT `+accessPolicyColumns+
		` FROM workspace_access_policies WHERE project_id = $1 AND id = $2 FOR UPDATE`, projectID, id))
	return p, notFound(err, "Access policy not found.")
}

// UpdateAccessPolicy implements workspace.Store.
func (db *DB) UpdateAccessPolicy(ctx context.Context, projectID, id string, apply func(p *workspace.AccessPolicy) error) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		p, err := lockAccessPolicy(ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if err := apply(p); err != nil {
			return err
		}
		ips := storeform.EncodeIPList(p.IPs)
		if _, err := tx.Exec(ctx, `UPDATE workspace_access_policies SET ip_list = $1, is_enable = $2, is_block_all = $3
			WHERE project_id = $4 AND id = $5`, ips, p.Enabled, p.BlockAll, projectID, id); err != nil {
			return err
		}
		_, err = bumpRevision(ctx, tx, projectID, rampart.FamilyWorkspace)
		return err
	})
}

// policyExists returns KindNotFound unless the project has the policy;
// lock adds FOR UPDATE, for a writer of the policy's objects.
func policyExists(ctx context.Context, tx pgx.Tx, projectID, id string, lock bool) error {
	q := `SELECT 1 FROM workspace_access_policies WHERE project_id = $1 AND id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	var one int
	return notFound(tx.QueryRow(ctx, q, projectID, id).Scan(&one), "Access policy not found.")
}

// FindAccessPolicyObjects implements workspace.Store.
func (db *DB) FindAccessPolicyObjects(ctx context.Context, projectID, id string, offset, limit int) ([]workspace.Object, int, error) {
	out := []workspace.Object{}
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := policyExists(ctx, tx, projectID, id, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM workspace_access_policy_objects WHERE policy_id = $1`, id).Scan(&total); err != nil {
			return err
		}
		objs, err := collect(ctx, tx, scanObject, `SELECT object_type, object_id, object_name FROM workspace_access_policy_objects
			WHERE policy_id = $1 ORDER BY position LIMIT $2 OFFSET $3`, id, limitOrAll(limit), offset)
		out = append(out, objs...)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func scanObject(row pgx.Row) (workspace.Object, error) {
	var o workspace.Object
	err := row.Scan(&o.Type, &o.ID, &o.Name)
	return o, err
}

// ReplaceAccessPolicyObjects implements workspace.Store.
func (db *DB) ReplaceAccessPolicyObjects(ctx context.Context, projectID, id string, objects []workspace.Object) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := policyExists(ctx, tx, projectID, id, true); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM workspace_access_policy_objects WHERE policy_id = $1`, id); err != nil {
			return err
		}
		if err := insertAccessPolicyObjects(ctx, tx, id, objects); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilyWorkspace)
		return err
	})
}

// DeleteAccessPolicies implements workspace.Store. The deletion is one
// statement; when it deleted fewer policies than asked, the first ID it did
// not delete is named and the transaction rolls back.
func (db *DB) DeleteAccessPolicies(ctx context.Context, projectID string, ids []string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		// A failed query's rows carry its error, which CollectRows returns.
		rows, _ := tx.Query(ctx, `DELETE FROM workspace_access_policies
			WHERE project_id = $1 AND id = ANY ($2) RETURNING id`, projectID, ids)
		deleted, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		gone := make(map[string]bool, len(deleted))
		for _, id := range deleted {
			gone[id] = true
		}
		for _, id := range ids {
			if !gone[id] {
				return rampart.Errorf(rampart.KindNotFound, "The access policy is not found, the policy id is '%s'.", id)
			}
		}
		_, err = bumpRevision(ctx, tx, projectID, rampart.FamilyWorkspace)
		return err
	})
}

// LoadAccessPolicies implements workspace.Store.
func (db *DB) LoadAccessPolicies(ctx context.Context, projectID string) ([]*workspace.AccessPolicy, int64, error) {
	out := []*workspace.AccessPolicy{}
	var rev int64
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		if rev, err = readRevision(ctx, tx, projectID, rampart.FamilyWorkspace); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+accessPolicyColumns+` FROM workspace_access_policies
			WHERE project_id = $1 ORDER BY created_at, id`, projectID)
		if err != nil {
			return err
		}
		ps, err := collectReadable(db, rows, scanAccessPolicy)
		if err != nil || len(ps) == 0 {
			return err
		}
		for _, p := range ps {
			p.Objects = []workspace.Object{}
		}
		out = ps
		return attach(ctx, tx, ps, func(p *workspace.AccessPolicy) string { return p.ID },
			func(p *workspace.AccessPolicy, o workspace.Object) { p.Objects = append(p.Objects, o) },
			func(row pgx.Row) (string, workspace.Object, error) {
				var policyID string
				var o workspace.Object
				err := row.Scan(&policyID, &o.Type, &o.ID, &o.Name)
				return policyID, o, err
			}, `SELECT policy_id, object_type, object_id, object_name FROM workspace_access_policy_objects
				WHERE policy_id = ANY ($1) ORDER BY policy_id, position`)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, rev, nil
}
