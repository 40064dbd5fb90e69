package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafReputationJSON is an IP-reputation rule as the operations return it.
type wafReputationJSON struct {
	ID          string        `json:"id"`
	PolicyID    string        `json:"policyid"`
	Name        string        `json:"name"`
	PolicyName  string        `json:"policyname,omitempty"`
	Timestamp   int64         `json:"timestamp"`
	Description string        `json:"description"`
	Status      int           `json:"status"`
	Type        string        `json:"type"`
	Tags        []string      `json:"tags"`
	Action      wafActionJSON `json:"action"`
}

func reputationJSON(withPolicyName bool) func(r *waf.ReputationRule) wafReputationJSON {
	return func(r *waf.ReputationRule) wafReputationJSON {
		out := wafReputationJSON{ID: r.ID, PolicyID: r.PolicyID, Name: r.Name, Timestamp: r.CreatedAt.UnixMilli(),
			Description: r.Description, Status: r.Status, Type: r.Type, Tags: r.Tags, Action: wafActionJSON{r.Action}}
		if out.Tags == nil {
			out.Tags = []string{}
		}
		if withPolicyName {
			out.PolicyName = r.PolicyName
		}
		return out
	}
}

// wafReputationBody is the body of IP-reputation rule writes. Terraform's
// update always sends type, tags and description and may send
// "action": null, which keeps the action.
type wafReputationBody struct {
	Name        *string `json:"name"`
	PolicyName  *string `json:"policyname"`
	Description *string `json:"description"`
	Action      *struct {
		Category *string `json:"category"`
	} `json:"action"`
	Type          *string             `json:"type"`
	Tags          []string            `json:"tags"`
	Status        *int                `json:"status"`
	PolicyIDs     []string            `json:"policy_ids"`
	PolicyRuleIDs []policyRuleIDsJSON `json:"policy_rule_ids"`
}

func (b *wafReputationBody) change() *waf.ReputationRuleChange {
	c := &waf.ReputationRuleChange{Name: b.Name, Description: b.Description, Type: b.Type, Tags: b.Tags, Status: b.Status}
	if b.Action != nil {
		c.Action = b.Action.Category
	}
	return c
}

// handleWAFReputationCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/ip-reputation (CreateIpReputationRule).
func (s *server) handleWAFReputationCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.createReputation(w, r, func(*wafReputationBody) []string { return []string{r.PathValue("policy_id")} })
	})
}

// handleWAFReputationBatchCreate serves POST /v1/{project_id}/waf/rule/ip-reputation (BatchCreateIpReputationRule).
func (s *server) handleWAFReputationBatchCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.createReputation(w, r, func(b *wafReputationBody) []string {
			if len(b.PolicyIDs) == 0 {
				return wafPolicyIDsQuery(r)
			}
			return b.PolicyIDs
		})
	})
}

func (s *server) createReputation(w http.ResponseWriter, r *http.Request, policies func(*wafReputationBody) []string) {
	ep, err := wafEP(r, true)
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	var b wafReputationBody
	if err := wafDecode(r, &b); err != nil {
		s.wafFail(w, r, err)
		return
	}
	rules, err := s.waf.CreateReputationRules(r.Context(), r.PathValue("project_id"), ep, policies(&b), b.change())
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	encode(w, http.StatusOK, reputationJSON(true)(rules[0]))
}

// handleWAFReputationShow serves GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id} (ConfirmIpReputationRule).
func (s *server) handleWAFReputationShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rule, err := s.waf.FindReputationRule(r.Context(), r.PathValue("project_id"), r.PathValue("policy_id"), r.PathValue("rule_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, reputationJSON(false)(rule))
	})
}

// handleWAFReputationUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id} (UpdateIpReputationRule).
func (s *server) handleWAFReputationUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafReputationBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		ids, err := wafPathIDs(r, "policy_id", "rule_id")
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		b.Status = nil
		rules, err := s.waf.UpdateReputationRules(r.Context(), r.PathValue("project_id"),
			[]waf.PolicyRuleIDs{{PolicyID: ids[0], RuleIDs: []string{ids[1]}}}, b.change())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, reputationJSON(true)(rules[0]))
	})
}

// handleWAFReputationBatchUpdate serves POST /v1/{project_id}/waf/rule/ip-reputation/batch-update (BatchUpdateIpReputationRules).
func (s *server) handleWAFReputationBatchUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b wafReputationBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		b.Status = nil
		if _, err := s.waf.UpdateReputationRules(r.Context(), r.PathValue("project_id"), toPolicyRuleIDs(b.PolicyRuleIDs), b.change()); err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, batchRuleIDsResponse(b.PolicyRuleIDs))
	})
}

// handleWAFReputationDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id} (DeleteIpReputationRule).
func (s *server) handleWAFReputationDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		rule, err := s.waf.DeleteReputationRule(r.Context(), r.PathValue("project_id"), r.PathValue("policy_id"), r.PathValue("rule_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, reputationJSON(false)(rule))
	})
}

// handleWAFReputationList serves GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation (ListIpReputationRules).
// offset/limit, when given, win over page/pagesize.
func (s *server) handleWAFReputationList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var page waf.Page
		var err error
		if q.Has("offset") || q.Has("limit") {
			page, err = waf.PageByOffset(q.Get("offset"), q.Get("limit"), 10)
		} else {
			page, err = wafRulePage(r, 10, 1000)
		}
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		s.listReputation(w, r, []string{r.PathValue("policy_id")}, page)
	})
}

// handleWAFReputationPolicyRules serves GET /v1/{project_id}/waf/rule/ip-reputation (ListIpReputationPolicyRules).
func (s *server) handleWAFReputationPolicyRules() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, err := wafRulePage(r, 1000, 1000)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		s.listReputation(w, r, wafPolicyIDsQuery(r), page)
	})
}

func (s *server) listReputation(w http.ResponseWriter, r *http.Request, policyIDs []string, page waf.Page) {
	if _, err := wafEP(r, false); err != nil {
		s.wafFail(w, r, err)
		return
	}
	rules, total, err := s.waf.FindReputationRules(r.Context(), waf.RuleFilter{ProjectID: r.PathValue("project_id"),
		PolicyIDs: policyIDs, Page: page}, r.PathValue("policy_id") != "")
	if err != nil {
		s.wafFail(w, r, err)
		return
	}
	encode(w, http.StatusOK, newList(total, rules, reputationJSON(false)))
}

// handleWAFReputationMap serves GET /v1/{project_id}/waf/tag/ip-reputation/map (ConfirmPolicyIpReputationMap).
func (s *server) handleWAFReputationMap() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		lang := q.Get("lang")
		if lang != "" && lang != "cn" && lang != "en" {
			s.wafFail(w, r, rampartInvalid(waf.CodeURLParam, "lang", "lang must be cn or en, not "+quote(lang)+"."))
			return
		}
		if q.Get("type") != "idc" {
			s.wafFail(w, r, rampartInvalid(waf.CodeURLParam, "type", "type must be idc, not "+quote(q.Get("type"))+"."))
			return
		}
		locale := map[string]string{}
		for _, t := range waf.IDCTags {
			n := waf.IDCTagNames[t]
			if lang == "en" {
				locale[t] = n[0]
			} else {
				locale[t] = n[1]
			}
		}
		encode(w, http.StatusOK, map[string]any{
			"ip_reputation_map": map[string]any{"idc": waf.IDCTags},
			"locale":            locale,
		})
	})
}
