package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// SecMasterStore is the SecMaster view of the store. Its methods live on
// their own type because their names (FindPolicy, DeletePolicies, …) are
// also the WAF store's.
type SecMasterStore struct{ *DB }

// SecMaster returns the store's SecMaster view.
func (db *DB) SecMaster() secmaster.Store { return &SecMasterStore{db} }

var _ secmaster.Store = (*SecMasterStore)(nil)

const smWorkspaceCols = `id, project_id, name, description, region_id, project_name, enterprise_project_id,
	enterprise_project_name, view_bind_id, is_view, creator_id, creator_name, modifier_id, modifier_name, created_at, updated_at`

func insertSMWorkspace(ctx context.Context, tx pgx.Tx, w *secmaster.Workspace) error {
	_, err := tx.Exec(ctx, `INSERT INTO secmaster_workspaces (`+smWorkspaceCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		w.ID, w.ProjectID, w.Name, w.Description, w.RegionID, w.ProjectName, w.EnterpriseProjectID,
		w.EnterpriseProjectName, w.ViewBindID, w.IsView, w.CreatorID, w.CreatorName, w.ModifierID, w.ModifierName,
		stamp(w.CreatedAt), stamp(w.UpdatedAt))
	return err
}

// CreateWorkspace implements secmaster.Store.
func (db *SecMasterStore) CreateWorkspace(ctx context.Context, w *secmaster.Workspace) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := insertSMWorkspace(ctx, tx, w); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, w.ProjectID, rampart.FamilySecMaster)
		return err
	})
}

// EnsureDefaultWorkspace implements secmaster.Store. The project's row in
// secmaster_default_workspaces is claimed first: of concurrent callers,
// the second waits for the first one's commit on that row's key and then
// finds it taken.
func (db *SecMasterStore) EnsureDefaultWorkspace(ctx context.Context, w *secmaster.Workspace) (bool, error) {
	created := false
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		created = false
		tag, err := tx.Exec(ctx, `INSERT INTO secmaster_default_workspaces (project_id, workspace_id, created_at)
			VALUES ($1, $2, $3) ON CONFLICT (project_id) DO NOTHING`, w.ProjectID, w.ID, stamp(w.CreatedAt))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		// A workspace already named "default" becomes the default one.
		var existing string
		err = tx.QueryRow(ctx, `SELECT id FROM secmaster_workspaces WHERE project_id = $1 AND name = $2`, w.ProjectID, w.Name).Scan(&existing)
		switch {
		case err == pgx.ErrNoRows:
			if err := insertSMWorkspace(ctx, tx, w); err != nil {
				return err
			}
			created = true
		case err != nil:
			return err
		default:
			if _, err := tx.Exec(ctx, `UPDATE secmaster_default_workspaces SET workspace_id = $1 WHERE project_id = $2`,
				existing, w.ProjectID); err != nil {
				return err
			}
		}
		_, err = bumpRevision(ctx, tx, w.ProjectID, rampart.FamilySecMaster)
		return err
	})
	return created, err
}

func scanSMWorkspace(row pgx.Row) (*secmaster.Workspace, error) {
	var w secmaster.Workspace
	var created, updated *time.Time
	err := row.Scan(&w.ID, &w.ProjectID, &w.Name, &w.Description, &w.RegionID, &w.ProjectName, &w.EnterpriseProjectID,
		&w.EnterpriseProjectName, &w.ViewBindID, &w.IsView, &w.CreatorID, &w.CreatorName, &w.ModifierID, &w.ModifierName,
		&created, &updated)
	if err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt = unstamp(created), unstamp(updated)
	return &w, nil
}

// FindWorkspace implements secmaster.Store.
func (db *SecMasterStore) FindWorkspace(ctx context.Context, projectID, id string) (*secmaster.Workspace, error) {
	w, err := scanSMWorkspace(db.pool.QueryRow(ctx, `SELECT `+smWorkspaceCols+` FROM secmaster_workspaces
		WHERE project_id = $1 AND id = $2`, projectID, id))
	if err != nil {
		return nil, notFound(err, "Workspace not found.")
	}
	return w, nil
}

// likeEscape escapes LIKE wildcards for PostgreSQL's default escape
// character, the backslash.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindWorkspaces implements secmaster.Store.
func (db *SecMasterStore) FindWorkspaces(ctx context.Context, f secmaster.WorkspaceFilter) ([]*secmaster.Workspace, int, error) {
	var a sqlArgs
	where := []string{"project_id = " + a.add(f.ProjectID)}
	if f.Name != "" {
		where = append(where, "name LIKE "+a.add("%"+likeEscape(f.Name)+"%"))
	}
	if f.Description != "" {
		where = append(where, "description LIKE "+a.add("%"+likeEscape(f.Description)+"%"))
	}
	if f.RegionID != "" {
		where = append(where, "region_id = "+a.add(f.RegionID))
	}
	if f.IsView != nil {
		where = append(where, "is_view = "+a.add(*f.IsView))
	}
	if f.ViewBindID != "" {
		where = append(where, "view_bind_id = "+a.add(f.ViewBindID))
	}
	if f.EnterpriseProjectID != "" {
		where = append(where, "enterprise_project_id = "+a.add(f.EnterpriseProjectID))
	}
	if len(f.IDs) > 0 {
		where = append(where, "id = ANY ("+a.add(f.IDs)+")")
	}
	cond := strings.Join(where, " AND ")
	var out []*secmaster.Workspace
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM secmaster_workspaces WHERE `+cond, a...).Scan(&total); err != nil {
			return err
		}
		page := a
		var err error
		out, err = collect(ctx, tx, scanSMWorkspace, `SELECT `+smWorkspaceCols+` FROM secmaster_workspaces WHERE `+cond+
			` ORDER BY created_at, id LIMIT `+page.add(limitOrAll(f.Limit))+` OFFSET `+page.add(f.Offset), page...)
		return err
	})
	return out, total, err
}

// UpdateWorkspace implements secmaster.Store.
func (db *SecMasterStore) UpdateWorkspace(ctx context.Context, w *secmaster.Workspace) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := mustAffect(tx.Exec(ctx, `UPDATE secmaster_workspaces SET name = $1, description = $2, view_bind_id = $3,
			modifier_id = $4, modifier_name = $5, updated_at = $6 WHERE project_id = $7 AND id = $8`,
			w.Name, w.Description, w.ViewBindID, w.ModifierID, w.ModifierName, stamp(w.UpdatedAt), w.ProjectID, w.ID)); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, w.ProjectID, rampart.FamilySecMaster)
		return err
	})
}

// DeleteWorkspace implements secmaster.Store. The workspace's row is
// locked before its policies are counted; CreatePolicies holds a share
// lock on it, so a policy is never created in a workspace being deleted.
func (db *SecMasterStore) DeleteWorkspace(ctx context.Context, projectID, id string) error {
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM secmaster_workspaces WHERE project_id = $1 AND id = $2 FOR UPDATE`,
			projectID, id).Scan(&one); err != nil {
			return notFound(err, "Workspace not found.")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COALESCE((SELECT policies FROM secmaster_counts WHERE workspace_id = $1), 0)`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return rampart.Errorf(rampart.KindInUse, "The workspace holds %d policies.", n)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM secmaster_workspaces WHERE project_id = $1 AND id = $2`, projectID, id); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// sqlArgs collects the arguments of a statement built piece by piece; add
// appends one and returns its placeholder.
type sqlArgs []any

func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}
