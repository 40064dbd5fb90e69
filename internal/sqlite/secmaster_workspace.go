package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

var _ secmaster.Store = (*SecMasterStore)(nil)

const smWorkspaceCols = `id, project_id, name, description, region_id, project_name, enterprise_project_id,
	enterprise_project_name, view_bind_id, is_view, creator_id, creator_name, modifier_id, modifier_name, created_at, updated_at`

func insertSMWorkspace(ctx context.Context, tx *sql.Tx, w *secmaster.Workspace) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO secmaster_workspaces (`+smWorkspaceCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.ID, w.ProjectID, w.Name, w.Description, w.RegionID, w.ProjectName, w.EnterpriseProjectID,
		w.EnterpriseProjectName, w.ViewBindID, w.IsView, w.CreatorID, w.CreatorName, w.ModifierID, w.ModifierName,
		millis(w.CreatedAt), millis(w.UpdatedAt))
	return err
}

// CreateWorkspace implements secmaster.Store.
func (db *SecMasterStore) CreateWorkspace(ctx context.Context, w *secmaster.Workspace) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := insertSMWorkspace(ctx, tx, w); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, w.ProjectID, rampart.FamilySecMaster)
		return err
	})
}

// EnsureDefaultWorkspace implements secmaster.Store.
func (db *SecMasterStore) EnsureDefaultWorkspace(ctx context.Context, w *secmaster.Workspace) (bool, error) {
	var n int
	if err := db.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_default_workspaces WHERE project_id = ?`, w.ProjectID).Scan(&n); err != nil {
		return false, formatError(err)
	}
	if n > 0 {
		return false, nil
	}
	created := false
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_default_workspaces WHERE project_id = ?`, w.ProjectID).Scan(&n); err != nil || n > 0 {
			return err
		}
		// A workspace already named "default" becomes the default one.
		var existing string
		err := tx.QueryRowContext(ctx, `SELECT id FROM secmaster_workspaces WHERE project_id = ? AND name = ?`, w.ProjectID, w.Name).Scan(&existing)
		switch {
		case err == sql.ErrNoRows:
			if err := insertSMWorkspace(ctx, tx, w); err != nil {
				return err
			}
			existing = w.ID
			created = true
		case err != nil:
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO secmaster_default_workspaces (project_id, workspace_id, created_at) VALUES (?, ?, ?)`,
			w.ProjectID, existing, millis(w.CreatedAt)); err != nil {
			return err
		}
		_, err = bumpRevision(ctx, tx, w.ProjectID, rampart.FamilySecMaster)
		return err
	})
	return created, err
}

func scanSMWorkspace(sc interface{ Scan(...any) error }) (*secmaster.Workspace, error) {
	var w secmaster.Workspace
	var created, updated int64
	err := sc.Scan(&w.ID, &w.ProjectID, &w.Name, &w.Description, &w.RegionID, &w.ProjectName, &w.EnterpriseProjectID,
		&w.EnterpriseProjectName, &w.ViewBindID, &w.IsView, &w.CreatorID, &w.CreatorName, &w.ModifierID, &w.ModifierName,
		&created, &updated)
	if err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &w, nil
}

// FindWorkspace implements secmaster.Store.
func (db *SecMasterStore) FindWorkspace(ctx context.Context, projectID, id string) (*secmaster.Workspace, error) {
	w, err := scanSMWorkspace(db.rdb.QueryRowContext(ctx, `SELECT `+smWorkspaceCols+` FROM secmaster_workspaces
		WHERE project_id = ? AND id = ?`, projectID, id))
	if err != nil {
		return nil, notFound(err, "Workspace not found.")
	}
	return w, nil
}

// smLikeEscape escapes LIKE wildcards; patterns use ESCAPE '\'.
func smLikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindWorkspaces implements secmaster.Store.
func (db *SecMasterStore) FindWorkspaces(ctx context.Context, f secmaster.WorkspaceFilter) ([]*secmaster.Workspace, int, error) {
	where := []string{"project_id = ?"}
	args := []any{f.ProjectID}
	if f.Name != "" {
		where = append(where, `name LIKE ? ESCAPE '\'`)
		args = append(args, "%"+smLikeEscape(f.Name)+"%")
	}
	if f.Description != "" {
		where = append(where, `description LIKE ? ESCAPE '\'`)
		args = append(args, "%"+smLikeEscape(f.Description)+"%")
	}
	if f.RegionID != "" {
		where = append(where, "region_id = ?")
		args = append(args, f.RegionID)
	}
	if f.IsView != nil {
		where = append(where, "is_view = ?")
		args = append(args, *f.IsView)
	}
	if f.ViewBindID != "" {
		where = append(where, "view_bind_id = ?")
		args = append(args, f.ViewBindID)
	}
	if f.EnterpriseProjectID != "" {
		where = append(where, "enterprise_project_id = ?")
		args = append(args, f.EnterpriseProjectID)
	}
	if len(f.IDs) > 0 {
		where = append(where, "id IN ("+smPlaceholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	cond := strings.Join(where, " AND ")
	var out []*secmaster.Workspace
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_workspaces WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+smWorkspaceCols+` FROM secmaster_workspaces WHERE `+cond+
			` ORDER BY created_at, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanSMWorkspace(rows)
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	return out, total, err
}

// UpdateWorkspace implements secmaster.Store.
func (db *SecMasterStore) UpdateWorkspace(ctx context.Context, w *secmaster.Workspace) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE secmaster_workspaces SET name = ?, description = ?, view_bind_id = ?,
			modifier_id = ?, modifier_name = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			w.Name, w.Description, w.ViewBindID, w.ModifierID, w.ModifierName, millis(w.UpdatedAt), w.ProjectID, w.ID)); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, w.ProjectID, rampart.FamilySecMaster)
		return err
	})
}

// DeleteWorkspace implements secmaster.Store.
func (db *SecMasterStore) DeleteWorkspace(ctx context.Context, projectID, id string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM secmaster_workspaces WHERE project_id = ? AND id = ?`, projectID, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return rampart.Errorf(rampart.KindNotFound, "Workspace not found.")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT policies FROM secmaster_counts WHERE workspace_id = ?), 0)`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return rampart.Errorf(rampart.KindInUse, "The workspace holds %d policies.", n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM secmaster_workspaces WHERE project_id = ? AND id = ?`, projectID, id); err != nil {
			return err
		}
		_, err := bumpRevision(ctx, tx, projectID, rampart.FamilySecMaster)
		return err
	})
}

// smPlaceholders returns "?, ?, …" with n marks.
func smPlaceholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
