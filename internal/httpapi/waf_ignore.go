package httpapi

import (
	"math"
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafIgnoreConditionJSON is a condition of an ignore rule, in and out.
type wafIgnoreConditionJSON struct {
	Category             string   `json:"category"`
	Index                string   `json:"index,omitempty"`
	LogicOperation       string   `json:"logic_operation"`
	Contents             []string `json:"contents"`
	CheckAllIndexesLogic int      `json:"check_all_indexes_logic,omitempty"`
	ValueListID          string   `json:"value_list_id,omitempty"` // refused: no reference tables
}

// wafIgnoreAdvancedJSON is the advanced field of an ignore rule.
type wafIgnoreAdvancedJSON struct {
	Index    string   `json:"index"`
	Contents []string `json:"contents"`
}

// wafIgnoreJSON is an ignore rule as every ignore operation returns it.
type wafIgnoreJSON struct {
	ID          string                   `json:"id"`
	PolicyID    string                   `json:"policyid"`
	Timestamp   int64                    `json:"timestamp"`
	Description string                   `json:"description"`
	Status      int                      `json:"status"`
	Rule        string                   `json:"rule"`
	Mode        int                      `json:"mode"`
	Conditions  []wafIgnoreConditionJSON `json:"conditions"`
	Advanced    *wafIgnoreAdvancedJSON   `json:"advanced,omitempty"`
	Domain      []string                 `json:"domain"`
	Producer    int                      `json:"producer"`
	UpdateTime  int64                    `json:"update_time"`
	ClearTime   int64                    `json:"clear_time"`
	HitNum      int64                    `json:"hit_num"`
}

func ignoreJSON(r *waf.IgnoreRule) wafIgnoreJSON {
	out := wafIgnoreJSON{ID: r.ID, PolicyID: r.PolicyID, Timestamp: r.CreatedAt.UnixMilli(), Description: r.Description,
		Status: r.Status, Rule: r.Rule, Mode: r.Mode, Domain: r.Domains, Producer: 1, UpdateTime: r.UpdatedAt.UnixMilli(),
		HitNum: min(r.Hits, math.MaxInt32)} // the SDK reads hit_num as an int32
	if !r.ClearedAt.IsZero() {
		out.ClearTime = r.ClearedAt.UnixMilli()
	}
	if out.Domain == nil {
		out.Domain = []string{}
	}
	out.Conditions = make([]wafIgnoreConditionJSON, len(r.Conditions))
	for i, c := range r.Conditions {
		contents := c.Contents
		if contents == nil {
			contents = []string{}
		}
		out.Conditions[i] = wafIgnoreConditionJSON{Category: c.Category, Index: c.Index, LogicOperation: c.LogicOperation,
			Contents: contents, CheckAllIndexesLogic: c.CheckAllIndexes}
	}
	if r.Advanced != nil {
		fields := r.Advanced.Fields
		if fields == nil {
			fields = []string{}
		}
		out.Advanced = &wafIgnoreAdvancedJSON{Index: r.Advanced.Index, Contents: fields}
	}
	return out
}

// wafIgnoreBody is the body of ignore rule writes.
type wafIgnoreBody struct {
	Domain        []string                 `json:"domain"`
	Conditions    []wafIgnoreConditionJSON `json:"conditions"`
	Mode          *int                     `json:"mode"`
	Rule          *string                  `json:"rule"`
	Advanced      *wafIgnoreAdvancedJSON   `json:"advanced"`
	Description   *string                  `json:"description"`
	PolicyIDs     []string                 `json:"policy_ids"`
	PolicyRuleIDs []policyRuleIDsJSON      `json:"policy_rule_ids"`
}

func (b *wafIgnoreBody) input() (*waf.IgnoreRuleInput, error) {
	in := &waf.IgnoreRuleInput{Domains: b.Domain, Mode: b.Mode, Rule: b.Rule, Description: b.Description}
	for _, c := range b.Conditions {
		if c.ValueListID != "" {
			return nil, rampartInvalid(waf.CodeFeature, "conditions.value_list_id", "Reference tables (value_list_id) are not supported by this server.")
		}
		in.Conditions = append(in.Conditions, waf.IgnoreCondition{Category: c.Category, Index: c.Index,
			LogicOperation: c.LogicOperation, Contents: c.Contents, CheckAllIndexes: c.CheckAllIndexesLogic})
	}
	if b.Advanced != nil {
		in.Advanced = &waf.IgnoreAdvanced{Index: b.Advanced.Index, Fields: b.Advanced.Contents}
	}
	return in, nil
}

// handleWAFIgnoreCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/ignore (CreateIgnoreRule).
func (s *server) handleWAFIgnoreCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafIgnoreBody) (any, error) {
		in, err := b.input()
		if err != nil {
			return nil, err
		}
		return wafAsFirst(ignoreJSON)(s.waf.CreateIgnoreRules(q.ctx, q.project, q.ep, []string{q.r.PathValue("policy_id")}, in))
	})
}

// handleWAFIgnoreBatchCreate serves POST /v1/{project_id}/waf/rule/ignore (BatchCreateIgnoreRule).
func (s *server) handleWAFIgnoreBatchCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafIgnoreBody) (any, error) {
		in, err := b.input()
		if err != nil {
			return nil, err
		}
		return wafAsFirst(ignoreJSON)(s.waf.CreateIgnoreRules(q.ctx, q.project, q.ep, wafBatchPolicies(q.r, b.PolicyIDs), in))
	})
}

// handleWAFIgnoreList serves GET /v1/{project_id}/waf/policy/{policy_id}/ignore (ListIgnoreRule).
func (s *server) handleWAFIgnoreList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listIgnore(q, []string{q.r.PathValue("policy_id")}, 10, 100)
	})
}

// handleWAFIgnorePolicyRules serves GET /v1/{project_id}/waf/rule/ignore (ListIgnorePolicyRules).
func (s *server) handleWAFIgnorePolicyRules() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listIgnore(q, wafPolicyIDsQuery(q.r), 1000, 1000)
	})
}

func (s *server) listIgnore(q *wafRequest, policyIDs []string, def, max int) (any, error) {
	page, err := wafRulePage(q.r, def, max)
	if err != nil {
		return nil, err
	}
	rules, total, err := s.waf.FindIgnoreRules(q.ctx, waf.RuleFilter{ProjectID: q.project,
		PolicyIDs: policyIDs, Page: page}, q.r.PathValue("policy_id") != "")
	if err != nil {
		return nil, err
	}
	return newList(total, rules, ignoreJSON), nil
}

// handleWAFIgnoreShow serves GET /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id} (ShowIgnoreRule).
func (s *server) handleWAFIgnoreShow() http.Handler {
	return wafServeRule(s, wafReadEP, (*waf.Service).FindIgnoreRule, ignoreJSON)
}

// handleWAFIgnoreUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id} (UpdateIgnoreRule).
func (s *server) handleWAFIgnoreUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafIgnoreBody) (any, error) {
		ids, err := wafPathRule(q.r)
		if err != nil {
			return nil, err
		}
		in, err := b.input()
		if err != nil {
			return nil, err
		}
		return wafAsFirst(ignoreJSON)(s.waf.UpdateIgnoreRules(q.ctx, q.project, ids, in))
	})
}

// handleWAFIgnoreBatchUpdate serves POST /v1/{project_id}/waf/rule/ignore/batch-update (BatchUpdateIgnoreRules).
func (s *server) handleWAFIgnoreBatchUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafIgnoreBody) (any, error) {
		in, err := b.input()
		if err != nil {
			return nil, err
		}
		_, err = s.waf.UpdateIgnoreRules(q.ctx, q.project, toPolicyRuleIDs(b.PolicyRuleIDs), in)
		return wafEcho(b.PolicyRuleIDs, err)
	})
}

// handleWAFIgnoreDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id} (DeleteIgnoreRule).
func (s *server) handleWAFIgnoreDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeleteIgnoreRule, ignoreJSON)
}

// handleWAFIgnoreRecount serves POST /v1/{project_id}/waf/policy/{policy_id}/ignore/{rule_id}/recount (UpdateIgnoreRuleHitNum).
func (s *server) handleWAFIgnoreRecount() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).ResetIgnoreRuleHits, ignoreJSON)
}
