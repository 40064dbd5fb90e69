package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/decision"
)

// enforcementJSON is one row of GET …/rampart/enforcements.
type enforcementJSON struct {
	PolicyID       string `json:"policy_id"`        // the SecMaster emergency policy
	OwnerProjectID string `json:"owner_project_id"` // the project the policy belongs to (may be another one)
	DefenseID      string `json:"defense_id"`       // the policy's entry that delivered it
	Category       string `json:"category"`         // "block" or "white"
	Type           string `json:"type"`             // the policy type: "Source Ip", "User Name" or "Domain Name"
	Object         string `json:"object"`
	ExpiresAt      int64  `json:"expires_at,omitempty"` // Unix milliseconds; absent: never
}

// handleEnforcements serves GET
// /v1/{project_id}/rampart/enforcements?layer=waf|cfw|vpc|iam (Rampart
// extension): every SecMaster entry the layer enforces in the project
// now, with the project each policy belongs to, so that a project sees
// the policies of other projects that target it.
func (s *server) handleEnforcements() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.secmaster == nil {
			s.writeError(w, r, familyGateway, errors.New("SecMaster is not configured"))
			return
		}
		layer, err := layerParam(r.URL.Query(), decision.LayerWAF, decision.LayerCFW, decision.LayerVPC, decision.LayerIAM)
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		projectID := r.PathValue("project_id")
		rows, err := s.secmaster.Enforcements(r.Context(), projectID, strings.ToUpper(layer.String()))
		if err != nil {
			s.writeError(w, r, familyGateway, err)
			return
		}
		out := make([]enforcementJSON, len(rows))
		for i, en := range rows {
			out[i] = enforcementJSON{PolicyID: en.PolicyID, OwnerProjectID: en.ProjectID, DefenseID: en.DefenseID,
				Category: strings.ToLower(en.Category), Type: en.ObjectType, Object: en.Object}
			if !en.ExpiresAt.IsZero() {
				out[i].ExpiresAt = en.ExpiresAt.UnixMilli()
			}
		}
		encode(w, http.StatusOK, map[string]any{"layer": layer.String(), "enforcements": out})
	})
}
