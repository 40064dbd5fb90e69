package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

type wafIPGroupRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int    `json:"size"`
}

// wafWhiteBlackIPJSON is a black/white IP rule as the operations return it.
type wafWhiteBlackIPJSON struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	PolicyID    string             `json:"policyid"`
	Addr        string             `json:"addr"`
	White       int                `json:"white"`
	TimeMode    string             `json:"time_mode"`
	Start       int64              `json:"start"`
	Terminal    int64              `json:"terminal"`
	IPGroup     *wafIPGroupRefJSON `json:"ip_group,omitempty"`
	Status      int                `json:"status"`
	Description string             `json:"description"`
	Timestamp   int64              `json:"timestamp"`
}

func whiteBlackIPJSON(r *waf.WhiteBlackIPRule) wafWhiteBlackIPJSON {
	out := wafWhiteBlackIPJSON{ID: r.ID, Name: r.Name, PolicyID: r.PolicyID, Addr: r.Addr, White: r.White,
		TimeMode: r.TimeMode, Start: r.Start, Terminal: r.Terminal, Status: r.Status, Description: r.Description,
		Timestamp: r.CreatedAt.UnixMilli()}
	if r.IPGroup != nil {
		out.IPGroup = &wafIPGroupRefJSON{r.IPGroup.ID, r.IPGroup.Name, r.IPGroup.Size}
	}
	return out
}

// wafWhiteBlackIPBody is the body of black/white IP rule writes.
type wafWhiteBlackIPBody struct {
	Name          string              `json:"name"`
	Addr          string              `json:"addr"`
	Description   string              `json:"description"`
	White         *int                `json:"white"`
	IPGroupID     string              `json:"ip_group_id"`
	TimeMode      string              `json:"time_mode"`
	Start         int64               `json:"start"`
	Terminal      int64               `json:"terminal"`
	PolicyIDs     []string            `json:"policy_ids"`
	PolicyRuleIDs []policyRuleIDsJSON `json:"policy_rule_ids"`
}

func (b *wafWhiteBlackIPBody) input() *waf.WhiteBlackIPInput {
	return &waf.WhiteBlackIPInput{Name: b.Name, Addr: b.Addr, IPGroupID: b.IPGroupID, White: b.White,
		TimeMode: b.TimeMode, Start: b.Start, Terminal: b.Terminal, Description: b.Description}
}

// handleWAFWhiteBlackIPCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/whiteblackip (CreateWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafWhiteBlackIPBody) (any, error) {
		return s.createWhiteBlackIP(q, b, []string{q.r.PathValue("policy_id")})
	})
}

// handleWAFWhiteBlackIPBatchCreate serves POST /v1/{project_id}/waf/rule/whiteblackip (BatchCreateWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPBatchCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafWhiteBlackIPBody) (any, error) {
		return s.createWhiteBlackIP(q, b, wafBatchPolicies(q.r, b.PolicyIDs))
	})
}

func (s *server) createWhiteBlackIP(q *wafRequest, b *wafWhiteBlackIPBody, policyIDs []string) (any, error) {
	return wafAsFirst(whiteBlackIPJSON)(s.waf.CreateWhiteBlackIPRules(q.ctx, q.project, q.ep, policyIDs, b.input()))
}

// handleWAFWhiteBlackIPShow serves GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id} (ShowWhiteBlackIpRule).
func (s *server) handleWAFWhiteBlackIPShow() http.Handler {
	return wafServeRule(s, wafReadEP, (*waf.Service).FindWhiteBlackIPRule, whiteBlackIPJSON)
}

// handleWAFWhiteBlackIPUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id} (UpdateWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafWhiteBlackIPBody) (any, error) {
		ids, err := wafPathRule(q.r)
		if err != nil {
			return nil, err
		}
		return wafAsFirst(whiteBlackIPJSON)(s.waf.UpdateWhiteBlackIPRules(q.ctx, q.project, ids, b.input()))
	})
}

// handleWAFWhiteBlackIPBatchUpdate serves POST /v1/{project_id}/waf/rule/whiteblackip/batch-update (BatchUpdateWhiteblackipRules).
func (s *server) handleWAFWhiteBlackIPBatchUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafWhiteBlackIPBody) (any, error) {
		_, err := s.waf.UpdateWhiteBlackIPRules(q.ctx, q.project, toPolicyRuleIDs(b.PolicyRuleIDs), b.input())
		return wafEcho(b.PolicyRuleIDs, err)
	})
}

// handleWAFWhiteBlackIPDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id} (DeleteWhiteBlackIpRule).
func (s *server) handleWAFWhiteBlackIPDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeleteWhiteBlackIPRule, whiteBlackIPJSON)
}

// handleWAFWhiteBlackIPList serves GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip (ListWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listWhiteBlackIP(q, []string{q.r.PathValue("policy_id")}, 10)
	})
}

// handleWAFWhiteBlackIPPolicyRules serves GET /v1/{project_id}/waf/rule/whiteblackip (ListWhiteblackipPolicyRules).
func (s *server) handleWAFWhiteBlackIPPolicyRules() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listWhiteBlackIP(q, wafPolicyIDsQuery(q.r), 1000)
	})
}

func (s *server) listWhiteBlackIP(q *wafRequest, policyIDs []string, def int) (any, error) {
	page, err := wafRulePage(q.r, def, 1000)
	if err != nil {
		return nil, err
	}
	rules, total, err := s.waf.FindWhiteBlackIPRules(q.ctx, waf.RuleFilter{ProjectID: q.project,
		PolicyIDs: policyIDs, Name: q.r.URL.Query().Get("name"), Page: page}, q.r.PathValue("policy_id") != "")
	if err != nil {
		return nil, err
	}
	return struct {
		wafList[wafWhiteBlackIPJSON]
		Size int `json:"size"`
	}{newList(total, rules, whiteBlackIPJSON), total}, nil
}

// wafRuleTypeBody reads {rule_type}, then the optional body into v.
func wafRuleTypeBody(r *http.Request, v any) (waf.RuleType, error) {
	t, err := waf.ParseRuleType(r.PathValue("rule_type"))
	if err != nil {
		return t, err
	}
	return t, wafDecode(r, v)
}

// handleWAFRuleStatus serves PUT /v1/{project_id}/waf/policy/{policy_id}/{rule_type}/{rule_id}/status (UpdatePolicyRuleStatus).
func (s *server) handleWAFRuleStatus() http.Handler {
	type request struct {
		Status *int `json:"status"`
	}
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		var req request
		t, err := wafRuleTypeBody(q.r, &req)
		if err != nil {
			return nil, err
		}
		st, err := s.waf.SetRuleStatus(q.ctx, q.project, t, q.r.PathValue("policy_id"), q.r.PathValue("rule_id"), req.Status)
		if err != nil {
			return nil, err
		}
		return map[string]any{"id": st.ID, "policyid": st.PolicyID, "timestamp": st.CreatedAt.UnixMilli(),
			"description": st.Description, "status": st.Status}, nil
	})
}

// handleWAFRuleBatchDelete serves POST /v1/{project_id}/waf/rule/{rule_type}/batch-delete (BatchDeleteRules).
func (s *server) handleWAFRuleBatchDelete() http.Handler {
	type request struct {
		PolicyRuleIDs []policyRuleIDsJSON `json:"policy_rule_ids"`
	}
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		var req request
		t, err := wafRuleTypeBody(q.r, &req)
		if err != nil {
			return nil, err
		}
		return wafEcho(req.PolicyRuleIDs, s.waf.DeleteRules(q.ctx, q.project, t, toPolicyRuleIDs(req.PolicyRuleIDs)))
	})
}
