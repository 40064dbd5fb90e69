package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// smTimeLayout is how SecMaster writes times: ISO 8601 with milliseconds
// and the zone offset.
const smTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func smTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(smTimeLayout)
}

// smWorkspaceView is the SDK's CreateWorkspaceResponseBody.
type smWorkspaceView struct {
	ID                    string `json:"id"`
	CreateTime            string `json:"create_time"`
	UpdateTime            string `json:"update_time"`
	Name                  string `json:"name"`
	Description           string `json:"description"`
	CreatorID             string `json:"creator_id"`
	CreatorName           string `json:"creator_name"`
	ModifierID            string `json:"modifier_id"`
	ModifierName          string `json:"modifier_name"`
	ProjectID             string `json:"project_id"`
	ProjectName           string `json:"project_name"`
	DomainID              string `json:"domain_id"`
	DomainName            string `json:"domain_name"`
	EnterpriseProjectID   string `json:"enterprise_project_id"`
	EnterpriseProjectName string `json:"enterprise_project_name"`
	IsView                bool   `json:"is_view"`
	RegionID              string `json:"region_id"`
	ViewBindID            string `json:"view_bind_id"`
	ViewBindName          string `json:"view_bind_name"`
	WorkspaceAgencyList   []any  `json:"workspace_agency_list"`
}

func smWorkspaceOut(r *http.Request, w *secmaster.Workspace) smWorkspaceView {
	v := smWorkspaceView{ID: w.ID, CreateTime: smTime(w.CreatedAt), UpdateTime: smTime(w.UpdatedAt), Name: w.Name,
		Description: w.Description, CreatorID: w.CreatorID, CreatorName: w.CreatorName, ModifierID: w.ModifierID,
		ModifierName: w.ModifierName, ProjectID: w.ProjectID, ProjectName: w.ProjectName,
		EnterpriseProjectID: w.EnterpriseProjectID, EnterpriseProjectName: w.EnterpriseProjectName, IsView: w.IsView,
		RegionID: w.RegionID, ViewBindID: w.ViewBindID, WorkspaceAgencyList: []any{}}
	if p := rampart.PrincipalFromContext(r.Context()); p != nil {
		v.DomainID, v.DomainName = p.AccountID, p.AccountName
	}
	return v
}

// smWorkspaceBody is CreateWorkspaceRequestBody / UpdateWorkspaceRequestBody.
type smWorkspaceBody struct {
	RegionID              string  `json:"region_id"`
	EnterpriseProjectID   string  `json:"enterprise_project_id"`
	EnterpriseProjectName string  `json:"enterprise_project_name"`
	ViewBindID            *string `json:"view_bind_id"`
	IsView                bool    `json:"is_view"`
	Name                  string  `json:"name"`
	Description           *string `json:"description"`
	ProjectName           string  `json:"project_name"`
}

func (b smWorkspaceBody) input() secmaster.WorkspaceInput {
	return secmaster.WorkspaceInput{RegionID: b.RegionID, Name: b.Name, Description: b.Description, ProjectName: b.ProjectName,
		EnterpriseProjectID: b.EnterpriseProjectID, EnterpriseProjectName: b.EnterpriseProjectName, ViewBindID: b.ViewBindID,
		IsView: b.IsView}
}

// smDecode decodes a JSON body (required unless optional); decoding errors,
// a non-JSON Content-Type included, carry the SecMaster invalid-parameter
// code. An empty Content-Type is accepted: the SDK's workspace operations
// send the header empty when the caller does not set it.
func smDecode(r *http.Request, v any, optional bool) error {
	err := decode(r, v)
	if err == errEmptyBody && optional {
		return nil
	}
	if err != nil {
		e := rampart.AsError(err)
		if e.Kind == rampart.KindInvalid && e.Code == "" {
			return e.WithCode(secmaster.CodeInvalid)
		}
		return err
	}
	return nil
}

// handleSMWorkspaceCreate serves POST /v1/{project_id}/workspaces.
func (s *server) handleSMWorkspaceCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body smWorkspaceBody
		if err := smDecode(r, &body, false); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		ws, err := s.secmaster.CreateWorkspace(r.Context(), r.PathValue("project_id"), body.input())
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		encode(w, http.StatusOK, smWorkspaceOut(r, ws))
	})
}

// handleSMWorkspaceList serves GET /v1/{project_id}/workspaces.
func (s *server) handleSMWorkspaceList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := secmaster.WorkspaceFilter{ProjectID: r.PathValue("project_id"), Name: q.Get("name"),
			Description: q.Get("description"), RegionID: q.Get("region_id"), ViewBindID: q.Get("view_bind_id"),
			EnterpriseProjectID: q.Get("enterprise_project_id")}
		if v := q.Get("is_view"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				s.writeError(w, r, familySecMaster, rampart.Invalid("is_view", "The parameter is_view must be true or false, not %q.", v).WithCode(secmaster.CodeInvalid))
				return
			}
			f.IsView = &b
		}
		for _, p := range []struct {
			name string
			dst  *int
		}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
			if v := q.Get(p.name); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					s.writeError(w, r, familySecMaster, rampart.Invalid(p.name, "The parameter %s must be an integer, not %q.", p.name, v).WithCode(secmaster.CodeInvalid))
					return
				}
				*p.dst = n
			}
		}
		if ids := q.Get("ids"); ids != "" {
			for _, id := range strings.Split(ids, ",") {
				if id = strings.TrimSpace(id); id != "" {
					f.IDs = append(f.IDs, id)
				}
			}
		}
		list, total, err := s.secmaster.ListWorkspaces(r.Context(), f)
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		out := make([]smWorkspaceView, len(list))
		for i, ws := range list {
			out[i] = smWorkspaceOut(r, ws)
		}
		encode(w, http.StatusOK, map[string]any{"workspaces": out, "count": total})
	})
}

// handleSMWorkspaceShow serves GET /v1/{project_id}/workspaces/{workspace_id}.
func (s *server) handleSMWorkspaceShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := s.secmaster.GetWorkspace(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"))
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		encode(w, http.StatusOK, map[string]any{"workspace": smWorkspaceOut(r, ws)})
	})
}

// handleSMWorkspaceUpdate serves PUT /v1/{project_id}/workspaces/{workspace_id}.
func (s *server) handleSMWorkspaceUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body smWorkspaceBody
		if err := smDecode(r, &body, false); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		ws, err := s.secmaster.UpdateWorkspace(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id"), body.input())
		if err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		encode(w, http.StatusOK, smWorkspaceOut(r, ws))
	})
}

// handleSMWorkspaceDelete serves DELETE /v1/{project_id}/workspaces/{workspace_id}.
func (s *server) handleSMWorkspaceDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.secmaster.DeleteWorkspace(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id")); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		encode(w, http.StatusOK, map[string]any{})
	})
}

// handleSMWorkspaceGuides serves GET /v1/{project_id}/workspaces/{workspace_id}/sa/guides,
// which Terraform polls after creating a workspace until it answers 2xx.
// Rampart's workspaces are ready when created and have no onboarding
// guides: the answer is the success envelope with an empty list; an unknown
// workspace gets ShowWorkspace's error.
func (s *server) handleSMWorkspaceGuides() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.secmaster.GetWorkspace(r.Context(), r.PathValue("project_id"), r.PathValue("workspace_id")); err != nil {
			s.writeError(w, r, familySecMaster, err)
			return
		}
		smOK(w, r, []any{}, nil)
	})
}
