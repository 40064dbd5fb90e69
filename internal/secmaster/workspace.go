package secmaster

import (
	"context"
	"fmt"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
)

// DefaultWorkspaceName is the name of the workspace every project gets.
const DefaultWorkspaceName = "default"

// WorkspaceInput is the body of CreateWorkspace (and, for Name,
// Description and ViewBindID, of UpdateWorkspace). Nil pointers were
// absent.
type WorkspaceInput struct {
	RegionID              string
	Name                  string
	Description           *string
	ProjectName           string
	EnterpriseProjectID   string
	EnterpriseProjectName string
	ViewBindID            *string
	IsView                bool
}

// EnsureDefaultWorkspace creates the project's default workspace unless it
// was created before. It is cheap after the first call per project.
func (s *Service) EnsureDefaultWorkspace(ctx context.Context, projectID string) error {
	if _, ok := s.ensured.Load(projectID); ok {
		return nil
	}
	now := s.clock()
	w := &Workspace{ID: s.newID(), ProjectID: projectID, Name: DefaultWorkspaceName,
		Description: "Default workspace.", RegionID: s.region, ProjectName: s.region,
		EnterpriseProjectID: "0", EnterpriseProjectName: "default", CreatedAt: now, UpdatedAt: now}
	created, err := s.store.EnsureDefaultWorkspace(ctx, w)
	if err != nil {
		return err
	}
	if created {
		s.log.Info("created default SecMaster workspace", "project_id", projectID, "workspace_id", w.ID)
	}
	s.ensured.Store(projectID, true)
	return nil
}

func validateWorkspaceName(field, name string) error {
	if strings.TrimSpace(name) == "" {
		return invalid(field, "The field %s is required.", field)
	}
	if len([]rune(name)) > 64 {
		return invalid(field, "The field %s is longer than 64 characters.", field)
	}
	return checkLen(field, name, 64)
}

func workspaceMissing(id string) error {
	return &rampart.Error{Kind: rampart.KindNotFound, Code: CodeWorkspaceMissing, Field: "workspace_id",
		Message: fmt.Sprintf("The workspace %s does not exist.", id)}
}

// CreateWorkspace validates in and stores a new workspace. Errors:
// KindInvalid, KindConflict (name taken).
func (s *Service) CreateWorkspace(ctx context.Context, projectID string, in WorkspaceInput) (*Workspace, error) {
	if err := s.EnsureDefaultWorkspace(ctx, projectID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.RegionID) == "" {
		return nil, invalid("region_id", "The field region_id is required.")
	}
	if err := validateWorkspaceName("name", in.Name); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.ProjectName) == "" {
		return nil, invalid("project_name", "The field project_name is required.")
	}
	desc, view := "", ""
	if in.Description != nil {
		desc = *in.Description
	}
	if in.ViewBindID != nil {
		view = *in.ViewBindID
	}
	for _, f := range []struct{ name, v string }{
		{"region_id", in.RegionID}, {"project_name", in.ProjectName}, {"enterprise_project_id", in.EnterpriseProjectID},
		{"enterprise_project_name", in.EnterpriseProjectName}, {"view_bind_id", view},
	} {
		if err := checkLen(f.name, f.v, MaxNameLen); err != nil {
			return nil, err
		}
	}
	if err := checkLen("description", desc, MaxDescriptionLen); err != nil {
		return nil, err
	}
	uid, uname := actor(ctx)
	now := s.clock()
	w := &Workspace{ID: s.newID(), ProjectID: projectID, Name: in.Name, Description: desc, RegionID: in.RegionID,
		ProjectName: in.ProjectName, EnterpriseProjectID: in.EnterpriseProjectID, EnterpriseProjectName: in.EnterpriseProjectName,
		ViewBindID: view, IsView: in.IsView, CreatorID: uid, CreatorName: uname, ModifierID: uid, ModifierName: uname,
		CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateWorkspace(ctx, w); err != nil {
		if rampart.ErrorKind(err) == rampart.KindConflict {
			return nil, &rampart.Error{Kind: rampart.KindConflict, Code: CodeInUse, Field: "name",
				Message: fmt.Sprintf("A workspace named %s already exists.", in.Name)}
		}
		return nil, err
	}
	return w, nil
}

// ListWorkspaces returns one page of the project's workspaces and the
// total. Errors: KindInvalid.
func (s *Service) ListWorkspaces(ctx context.Context, f WorkspaceFilter) ([]*Workspace, int, error) {
	if err := s.EnsureDefaultWorkspace(ctx, f.ProjectID); err != nil {
		return nil, 0, err
	}
	if f.Limit < 0 || f.Limit > LimitMax {
		return nil, 0, invalid("limit", "The parameter limit must be between 0 and %d, not %d.", LimitMax, f.Limit)
	}
	if f.Offset < 0 {
		return nil, 0, invalid("offset", "The parameter offset must not be negative, not %d.", f.Offset)
	}
	if f.Limit == 0 {
		f.Limit = 10
	}
	return s.store.FindWorkspaces(ctx, f)
}

// GetWorkspace returns a workspace. Errors: KindInvalid, KindNotFound
// (CodeWorkspaceMissing).
func (s *Service) GetWorkspace(ctx context.Context, projectID, id string) (*Workspace, error) {
	if err := ValidateID("workspace_id", id); err != nil {
		return nil, err
	}
	if err := s.EnsureDefaultWorkspace(ctx, projectID); err != nil {
		return nil, err
	}
	w, err := s.store.FindWorkspace(ctx, projectID, id)
	if rampart.ErrorKind(err) == rampart.KindNotFound {
		return nil, workspaceMissing(id)
	}
	return w, err
}

// UpdateWorkspace changes name, description and view_bind_id. Errors:
// KindInvalid, KindNotFound, KindConflict.
func (s *Service) UpdateWorkspace(ctx context.Context, projectID, id string, in WorkspaceInput) (*Workspace, error) {
	w, err := s.GetWorkspace(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	if err := validateWorkspaceName("name", in.Name); err != nil {
		return nil, err
	}
	w.Name = in.Name
	if in.Description != nil {
		if err := checkLen("description", *in.Description, MaxDescriptionLen); err != nil {
			return nil, err
		}
		w.Description = *in.Description
	}
	if in.ViewBindID != nil {
		if err := checkLen("view_bind_id", *in.ViewBindID, MaxNameLen); err != nil {
			return nil, err
		}
		w.ViewBindID = *in.ViewBindID
	}
	w.ModifierID, w.ModifierName = actor(ctx)
	w.UpdatedAt = s.clock()
	if err := s.store.UpdateWorkspace(ctx, w); err != nil {
		switch rampart.ErrorKind(err) {
		case rampart.KindNotFound:
			return nil, workspaceMissing(id)
		case rampart.KindConflict:
			return nil, &rampart.Error{Kind: rampart.KindConflict, Code: CodeInUse, Field: "name",
				Message: fmt.Sprintf("A workspace named %s already exists.", in.Name)}
		}
		return nil, err
	}
	return w, nil
}

// DeleteWorkspace removes a workspace that holds no policy. Errors:
// KindInvalid, KindNotFound, KindInUse.
func (s *Service) DeleteWorkspace(ctx context.Context, projectID, id string) error {
	if _, err := s.GetWorkspace(ctx, projectID, id); err != nil {
		return err
	}
	err := s.store.DeleteWorkspace(ctx, projectID, id)
	if err == nil {
		s.known.Delete(projectID + "/" + id)
	}
	switch rampart.ErrorKind(err) {
	case rampart.KindNotFound:
		return workspaceMissing(id)
	case rampart.KindInUse:
		return &rampart.Error{Kind: rampart.KindInUse, Code: CodeInUse, Field: "workspace_id",
			Message: fmt.Sprintf("The workspace %s still holds emergency policies; delete them first.", id)}
	}
	return err
}
