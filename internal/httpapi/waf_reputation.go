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
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafReputationBody) (any, error) {
		return s.createReputation(q, b, []string{q.r.PathValue("policy_id")})
	})
}

// handleWAFReputationBatchCreate serves POST /v1/{project_id}/waf/rule/ip-reputation (BatchCreateIpReputationRule).
func (s *server) handleWAFReputationBatchCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafReputationBody) (any, error) {
		return s.createReputation(q, b, wafBatchPolicies(q.r, b.PolicyIDs))
	})
}

func (s *server) createReputation(q *wafRequest, b *wafReputationBody, policyIDs []string) (any, error) {
	if b.Action != nil && b.Action.Category == nil { // no action at all gets the default; an empty one is a mistake
		return nil, rampartInvalid(waf.CodeAction, "action.category", "action.category is mandatory.")
	}
	return wafAsFirst(reputationJSON(true))(s.waf.CreateReputationRules(q.ctx, q.project, q.ep, policyIDs, b.change()))
}

// handleWAFReputationShow serves GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id} (ConfirmIpReputationRule).
func (s *server) handleWAFReputationShow() http.Handler {
	return wafServeRule(s, wafNoEP, (*waf.Service).FindReputationRule, reputationJSON(false))
}

// handleWAFReputationUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id} (UpdateIpReputationRule).
func (s *server) handleWAFReputationUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafReputationBody) (any, error) {
		ids, err := wafPathRule(q.r)
		if err != nil {
			return nil, err
		}
		b.Status = nil
		return wafAsFirst(reputationJSON(true))(s.waf.UpdateReputationRules(q.ctx, q.project, ids, b.change()))
	})
}

// handleWAFReputationBatchUpdate serves POST /v1/{project_id}/waf/rule/ip-reputation/batch-update (BatchUpdateIpReputationRules).
func (s *server) handleWAFReputationBatchUpdate() http.Handler {
	return wafServeBody(s, wafNoEP, func(q *wafRequest, b *wafReputationBody) (any, error) {
		b.Status = nil
		_, err := s.waf.UpdateReputationRules(q.ctx, q.project, toPolicyRuleIDs(b.PolicyRuleIDs), b.change())
		return wafEcho(b.PolicyRuleIDs, err)
	})
}

// handleWAFReputationDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id} (DeleteIpReputationRule).
func (s *server) handleWAFReputationDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeleteReputationRule, reputationJSON(false))
}

// handleWAFReputationList serves GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation (ListIpReputationRules).
// offset/limit, when given, win over page/pagesize.
func (s *server) handleWAFReputationList() http.Handler {
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		v := q.r.URL.Query()
		var page waf.Page
		var err error
		if v.Has("offset") || v.Has("limit") {
			page, err = waf.PageByOffset(v.Get("offset"), v.Get("limit"), 10)
		} else {
			page, err = wafRulePage(q.r, 10, 1000)
		}
		if err != nil {
			return nil, err
		}
		return s.listReputation(q, []string{q.r.PathValue("policy_id")}, page)
	})
}

// handleWAFReputationPolicyRules serves GET /v1/{project_id}/waf/rule/ip-reputation (ListIpReputationPolicyRules).
func (s *server) handleWAFReputationPolicyRules() http.Handler {
	return s.wafServe(wafNoEP, func(q *wafRequest) (any, error) {
		page, err := wafRulePage(q.r, 1000, 1000)
		if err != nil {
			return nil, err
		}
		return s.listReputation(q, wafPolicyIDsQuery(q.r), page)
	})
}

// listReputation checks enterprise_project_id after the paging (the order
// the list operations report errors in) and lists the rules.
func (s *server) listReputation(q *wafRequest, policyIDs []string, page waf.Page) (any, error) {
	if _, err := wafEP(q.r, false); err != nil {
		return nil, err
	}
	rules, total, err := s.waf.FindReputationRules(q.ctx, waf.RuleFilter{ProjectID: q.project,
		PolicyIDs: policyIDs, Page: page}, q.r.PathValue("policy_id") != "")
	if err != nil {
		return nil, err
	}
	return newList(total, rules, reputationJSON(false)), nil
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
