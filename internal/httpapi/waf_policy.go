package httpapi

import (
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

type wafActionJSON struct {
	Category string `json:"category"`
}

type wafPolicyActionJSON struct {
	Category         string `json:"category"`
	FollowedActionID string `json:"followed_action_id,omitempty"`
}

type wafBindHostJSON struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	WAFType  string `json:"waf_type"`
	Mode     string `json:"mode,omitempty"`
}

// wafPolicyJSON is a policy as CreatePolicy, ShowPolicy, ListPolicy, … return it.
type wafPolicyJSON struct {
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	Level          int                 `json:"level"`
	FullDetection  bool                `json:"full_detection"`
	RobotAction    wafActionJSON       `json:"robot_action"`
	Action         wafPolicyActionJSON `json:"action"`
	Options        map[string]bool     `json:"options"`
	ModulexOptions map[string]any      `json:"modulex_options"`
	Hosts          []string            `json:"hosts"`
	BindHost       []wafBindHostJSON   `json:"bind_host"`
	Extend         map[string]string   `json:"extend"`
	Timestamp      int64               `json:"timestamp"`
}

func policyJSON(p *waf.Policy) wafPolicyJSON {
	out := wafPolicyJSON{
		ID: p.ID, Name: p.Name, Level: p.Level, FullDetection: p.FullDetection,
		RobotAction:    wafActionJSON{p.RobotAction},
		Action:         wafPolicyActionJSON{p.Action, p.FollowedActionID},
		Options:        p.Options,
		ModulexOptions: p.ModulexOptions,
		Hosts:          make([]string, 0, len(p.Hosts)),
		BindHost:       make([]wafBindHostJSON, 0, len(p.Hosts)),
		Extend:         p.Extend,
		Timestamp:      p.Timestamp(),
	}
	for _, h := range p.Hosts {
		out.Hosts = append(out.Hosts, h.ID)
		out.BindHost = append(out.BindHost, wafBindHostJSON{h.ID, h.Hostname, h.WAFType, h.Mode})
	}
	return out
}

// handleWAFPolicyCreate serves POST /v1/{project_id}/waf/policy (CreatePolicy).
func (s *server) handleWAFPolicyCreate() http.Handler {
	type request struct {
		Name              string `json:"name"`
		LogActionReplaced *bool  `json:"log_action_replaced"`
	}
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, req *request) (any, error) {
		return wafAs(policyJSON)(s.waf.CreatePolicy(q.ctx, q.project, q.ep, req.Name, req.LogActionReplaced))
	})
}

// handleWAFPolicyList serves GET /v1/{project_id}/waf/policy (ListPolicy).
func (s *server) handleWAFPolicyList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		page, err := wafRulePage(q.r, 10, 100)
		if err != nil {
			return nil, err
		}
		ps, total, err := s.waf.FindPolicies(q.ctx, waf.PolicyFilter{ProjectID: q.project,
			EnterpriseProjectID: q.ep, Name: q.r.URL.Query().Get("name"), Page: page})
		if err != nil {
			return nil, err
		}
		return newList(total, ps, policyJSON), nil
	})
}

// handleWAFPolicyShow serves GET /v1/{project_id}/waf/policy/{policy_id} (ShowPolicy).
func (s *server) handleWAFPolicyShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return wafAs(policyJSON)(s.waf.FindPolicy(q.ctx, q.project, q.r.PathValue("policy_id")))
	})
}

// handleWAFPolicyUpdate serves PATCH /v1/{project_id}/waf/policy/{policy_id} (UpdatePolicy).
func (s *server) handleWAFPolicyUpdate() http.Handler {
	type request struct {
		Name          *string        `json:"name"`
		Level         *int           `json:"level"`
		FullDetection *bool          `json:"full_detection"`
		RobotAction   *wafActionJSON `json:"robot_action"`
		Action        *struct {
			Category         *string `json:"category"`
			FollowedActionID *string `json:"followed_action_id"`
		} `json:"action"`
		Options        map[string]bool   `json:"options"`
		ModulexOptions map[string]any    `json:"modulex_options"`
		Extend         map[string]string `json:"extend"`
	}
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, req *request) (any, error) {
		modx, err := freeFormObject("modulex_options", req.ModulexOptions)
		if err != nil {
			return nil, err
		}
		u := &waf.PolicyUpdate{Name: req.Name, Level: req.Level, FullDetection: req.FullDetection,
			Options: req.Options, ModulexOptions: modx, Extend: req.Extend}
		if req.RobotAction != nil {
			u.RobotAction = &req.RobotAction.Category
		}
		if req.Action != nil {
			u.Action, u.FollowedActionID = req.Action.Category, req.Action.FollowedActionID
		}
		return wafAs(policyJSON)(s.waf.UpdatePolicy(q.ctx, q.project, q.r.PathValue("policy_id"), u))
	})
}

// handleWAFPolicyProtectHost serves PUT /v1/{project_id}/waf/policy/{policy_id}?hosts= (UpdatePolicyProtectHost).
func (s *server) handleWAFPolicyProtectHost() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		// hosts may be repeated (hosts=a&hosts=b) as well as comma-separated.
		hosts := strings.Join(q.r.URL.Query()["hosts"], ",")
		return wafAs(policyJSON)(s.waf.BindHosts(q.ctx, q.project, q.r.PathValue("policy_id"), hosts))
	})
}

// handleWAFPolicyDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id} (DeletePolicy).
func (s *server) handleWAFPolicyDelete() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		return wafAs(policyJSON)(s.waf.DeletePolicy(q.ctx, q.project, q.r.PathValue("policy_id")))
	})
}

// handleWAFPolicyBatchDelete serves POST /v1/{project_id}/waf/policies/batch-delete (BatchDeletePolicies).
func (s *server) handleWAFPolicyBatchDelete() http.Handler {
	type request struct {
		PolicyIDs []string `json:"policy_ids"`
	}
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, req *request) (any, error) {
		ids, err := s.waf.DeletePolicies(q.ctx, q.project, req.PolicyIDs)
		if err != nil {
			return nil, err
		}
		return map[string]any{"policy_ids": ids}, nil
	})
}

// handleWAFPolicyCopy serves POST /v1/{project_id}/waf/policies/{src_policy_id}/copy (CopyPolicyById).
func (s *server) handleWAFPolicyCopy() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		return wafAs(policyJSON)(s.waf.CopyPolicy(q.ctx, q.project, q.ep, q.r.PathValue("src_policy_id"),
			q.r.URL.Query().Get("dest_policy_name")))
	})
}
