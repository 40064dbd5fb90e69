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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.createWhiteBlackIP(w, r, func(*wafWhiteBlackIPBody) []string { return []string{r.PathValue("policy_id")} })
	})
}

// handleWAFWhiteBlackIPBatchCreate serves POST /v1/{project_id}/waf/rule/whiteblackip (BatchCreateWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPBatchCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.createWhiteBlackIP(w, r, func(b *wafWhiteBlackIPBody) []string {
			if len(b.PolicyIDs) == 0 {
				return wafPolicyIDsQuery(r)
			}
			return b.PolicyIDs
		})
	})
}

func (s *server) createWhiteBlackIP(w http.ResponseWriter, r *http.Request, policies func(*wafWhiteBlackIPBody) []string) {
	ep, err := wafEP(r, true)
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	var b wafWhiteBlackIPBody
	if err := wafDecode(r, &b); err != nil {
		s.wafFail(w, r, err)
		return
	}
	rules, err := s.waf.CreateWhiteBlackIPRules(r.Context(), r.PathValue("project_id"), ep, policies(&b), b.input())
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	encode(w, http.StatusOK, whiteBlackIPJSON(rules[0]))
}

// handleWAFWhiteBlackIPShow serves GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id} (ShowWhiteBlackIpRule).
func (s *server) handleWAFWhiteBlackIPShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, false); err != nil {
			s.wafFail(w, r, err)
			return
		}
		rule, err := s.waf.FindWhiteBlackIPRule(r.Context(), r.PathValue("project_id"), r.PathValue("policy_id"), r.PathValue("rule_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, whiteBlackIPJSON(rule))
	})
}

// handleWAFWhiteBlackIPUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id} (UpdateWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafWhiteBlackIPBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		ids, err := wafPathIDs(r, "policy_id", "rule_id")
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		rules, err := s.waf.UpdateWhiteBlackIPRules(r.Context(), r.PathValue("project_id"),
			[]waf.PolicyRuleIDs{{PolicyID: ids[0], RuleIDs: []string{ids[1]}}}, b.input())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, whiteBlackIPJSON(rules[0]))
	})
}

// handleWAFWhiteBlackIPBatchUpdate serves POST /v1/{project_id}/waf/rule/whiteblackip/batch-update (BatchUpdateWhiteblackipRules).
func (s *server) handleWAFWhiteBlackIPBatchUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafWhiteBlackIPBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		if _, err := s.waf.UpdateWhiteBlackIPRules(r.Context(), r.PathValue("project_id"), toPolicyRuleIDs(b.PolicyRuleIDs), b.input()); err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, batchRuleIDsResponse(b.PolicyRuleIDs))
	})
}

// handleWAFWhiteBlackIPDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id} (DeleteWhiteBlackIpRule).
func (s *server) handleWAFWhiteBlackIPDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		rule, err := s.waf.DeleteWhiteBlackIPRule(r.Context(), r.PathValue("project_id"), r.PathValue("policy_id"), r.PathValue("rule_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, whiteBlackIPJSON(rule))
	})
}

// handleWAFWhiteBlackIPList serves GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip (ListWhiteblackipRule).
func (s *server) handleWAFWhiteBlackIPList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.listWhiteBlackIP(w, r, []string{r.PathValue("policy_id")}, 10)
	})
}

// handleWAFWhiteBlackIPPolicyRules serves GET /v1/{project_id}/waf/rule/whiteblackip (ListWhiteblackipPolicyRules).
func (s *server) handleWAFWhiteBlackIPPolicyRules() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.listWhiteBlackIP(w, r, wafPolicyIDsQuery(r), 1000)
	})
}

func (s *server) listWhiteBlackIP(w http.ResponseWriter, r *http.Request, policyIDs []string, def int) {
	if _, err := wafEP(r, false); err != nil {
		s.wafFail(w, r, err)
		return
	}
	page, err := wafRulePage(r, def, 1000)
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	rules, total, err := s.waf.FindWhiteBlackIPRules(r.Context(), waf.RuleFilter{ProjectID: r.PathValue("project_id"),
		PolicyIDs: policyIDs, Name: r.URL.Query().Get("name"), Page: page}, r.PathValue("policy_id") != "")
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	l := newList(total, rules, whiteBlackIPJSON)
	encode(w, http.StatusOK, struct {
		wafList[wafWhiteBlackIPJSON]
		Size int `json:"size"`
	}{l, total})
}

// handleWAFRuleStatus serves PUT /v1/{project_id}/waf/policy/{policy_id}/{rule_type}/{rule_id}/status (UpdatePolicyRuleStatus).
func (s *server) handleWAFRuleStatus() http.Handler {
	type request struct {
		Status *int `json:"status"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		t, err := waf.ParseRuleType(r.PathValue("rule_type"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		var req request
		if err := wafDecode(r, &req); err != nil {
			s.wafFail(w, r, err)
			return
		}
		st, err := s.waf.SetRuleStatus(r.Context(), r.PathValue("project_id"), t, r.PathValue("policy_id"), r.PathValue("rule_id"), req.Status)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, map[string]any{"id": st.ID, "policyid": st.PolicyID, "timestamp": st.CreatedAt.UnixMilli(),
			"description": st.Description, "status": st.Status})
	})
}

// handleWAFRuleBatchDelete serves POST /v1/{project_id}/waf/rule/{rule_type}/batch-delete (BatchDeleteRules).
func (s *server) handleWAFRuleBatchDelete() http.Handler {
	type request struct {
		PolicyRuleIDs []policyRuleIDsJSON `json:"policy_rule_ids"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := waf.ParseRuleType(r.PathValue("rule_type"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		var req request
		if err := wafDecode(r, &req); err != nil {
			s.wafFail(w, r, err)
			return
		}
		if err := s.waf.DeleteRules(r.Context(), r.PathValue("project_id"), t, toPolicyRuleIDs(req.PolicyRuleIDs)); err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, batchRuleIDsResponse(req.PolicyRuleIDs))
	})
}
