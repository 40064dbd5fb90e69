package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafCustomConditionJSON is a condition of a precise-protection rule, in
// and out.
type wafCustomConditionJSON struct {
	Category       string   `json:"category"`
	Index          string   `json:"index,omitempty"`
	LogicOperation string   `json:"logic_operation"`
	Contents       []string `json:"contents,omitempty"`
	ValueListID    string   `json:"value_list_id,omitempty"`
}

// wafCustomActionJSON is the action of a precise-protection rule.
type wafCustomActionJSON struct {
	Category         string `json:"category"`
	FollowedActionID string `json:"followed_action_id,omitempty"`
}

// wafCustomJSON is a precise-protection rule as every custom operation
// returns it. start and terminal are absent without a time window, so that
// a client reading them back finds no bound it did not set.
type wafCustomJSON struct {
	ID          string                   `json:"id"`
	PolicyID    string                   `json:"policyid"`
	Name        string                   `json:"name"`
	Description string                   `json:"description"`
	Status      int                      `json:"status"`
	Conditions  []wafCustomConditionJSON `json:"conditions"`
	Action      wafCustomActionJSON      `json:"action"`
	ActionMode  bool                     `json:"action_mode"`
	Priority    int                      `json:"priority"`
	Timestamp   int64                    `json:"timestamp"`
	Time        bool                     `json:"time"`
	Start       int64                    `json:"start,omitempty"`
	Terminal    int64                    `json:"terminal,omitempty"`
	Producer    int                      `json:"producer"`
}

func customJSON(r *waf.CustomRule) wafCustomJSON {
	out := wafCustomJSON{ID: r.ID, PolicyID: r.PolicyID, Name: r.Name, Description: r.Description, Status: r.Status,
		Action: wafCustomActionJSON{r.Action.Category, r.Action.FollowedActionID}, Priority: r.Priority,
		Timestamp: r.CreatedAt.UnixMilli(), Time: r.Time, Producer: 1}
	if r.Time {
		out.Start, out.Terminal = r.Start, r.Terminal
	}
	out.Conditions = make([]wafCustomConditionJSON, len(r.Conditions))
	for i, c := range r.Conditions {
		out.Conditions[i] = wafCustomConditionJSON{Category: c.Category, Index: c.Index, LogicOperation: c.LogicOperation,
			Contents: c.Contents, ValueListID: c.ValueListID}
	}
	return out
}

// wafCustomBody is the body of precise-protection rule writes.
type wafCustomBody struct {
	Name          *string                  `json:"name"`
	Description   *string                  `json:"description"`
	Time          *bool                    `json:"time"`
	Start         *int64                   `json:"start"`
	Terminal      *int64                   `json:"terminal"`
	Conditions    []wafCustomConditionJSON `json:"conditions"`
	Action        *wafCustomActionJSON     `json:"action"`
	Priority      *int                     `json:"priority"`
	Status        *int                     `json:"status"` // batch update only
	PolicyIDs     []string                 `json:"policy_ids"`
	PolicyRuleIDs []policyRuleIDsJSON      `json:"policy_rule_ids"`
}

// input is the rule the body describes; withStatus takes its status too
// (BatchUpdateCustomRules, whose body carries one and may leave out any
// field).
func (b *wafCustomBody) input(withStatus bool) *waf.CustomRuleInput {
	in := &waf.CustomRuleInput{Name: b.Name, Description: b.Description, Time: b.Time, Start: b.Start,
		Terminal: b.Terminal, Priority: b.Priority}
	if withStatus {
		in.Status = b.Status
	}
	for _, c := range b.Conditions {
		in.Conditions = append(in.Conditions, waf.CustomCondition{Category: c.Category, Index: c.Index,
			LogicOperation: c.LogicOperation, Contents: c.Contents, ValueListID: c.ValueListID})
	}
	if b.Action != nil {
		in.Action = &waf.CustomAction{Category: b.Action.Category, FollowedActionID: b.Action.FollowedActionID}
	}
	return in
}

// handleWAFCustomCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/custom (CreateCustomRule).
func (s *server) handleWAFCustomCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCustomBody) (any, error) {
		return wafAsFirst(customJSON)(s.waf.CreateCustomRules(q.ctx, q.project, q.ep, []string{q.r.PathValue("policy_id")}, b.input(false)))
	})
}

// handleWAFCustomBatchCreate serves POST /v1/{project_id}/waf/rule/custom (BatchCreateCustomRule).
func (s *server) handleWAFCustomBatchCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCustomBody) (any, error) {
		return wafAsFirst(customJSON)(s.waf.CreateCustomRules(q.ctx, q.project, q.ep, wafBatchPolicies(q.r, b.PolicyIDs), b.input(false)))
	})
}

// handleWAFCustomList serves GET /v1/{project_id}/waf/policy/{policy_id}/custom (ListCustomRules).
func (s *server) handleWAFCustomList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listCustom(q, []string{q.r.PathValue("policy_id")}, 10, 100)
	})
}

// handleWAFCustomPolicyRules serves GET /v1/{project_id}/waf/rule/custom (ListCustomPolicyRules).
func (s *server) handleWAFCustomPolicyRules() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return s.listCustom(q, wafPolicyIDsQuery(q.r), 1000, 1000)
	})
}

func (s *server) listCustom(q *wafRequest, policyIDs []string, def, max int) (any, error) {
	page, err := wafRulePage(q.r, def, max)
	if err != nil {
		return nil, err
	}
	rules, total, err := s.waf.FindCustomRules(q.ctx, waf.RuleFilter{ProjectID: q.project,
		PolicyIDs: policyIDs, Page: page}, q.r.PathValue("policy_id") != "")
	if err != nil {
		return nil, err
	}
	return newList(total, rules, customJSON), nil
}

// handleWAFCustomShow serves GET /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id} (ShowCustomRule).
func (s *server) handleWAFCustomShow() http.Handler {
	return wafServeRule(s, wafReadEP, (*waf.Service).FindCustomRule, customJSON)
}

// handleWAFCustomUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id} (UpdateCustomRule).
func (s *server) handleWAFCustomUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCustomBody) (any, error) {
		ids, err := wafPathRule(q.r)
		if err != nil {
			return nil, err
		}
		return wafAsFirst(customJSON)(s.waf.UpdateCustomRules(q.ctx, q.project, ids, b.input(false), false))
	})
}

// handleWAFCustomBatchUpdate serves POST /v1/{project_id}/waf/rule/custom/batch-update (BatchUpdateCustomRules).
func (s *server) handleWAFCustomBatchUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCustomBody) (any, error) {
		_, err := s.waf.UpdateCustomRules(q.ctx, q.project, toPolicyRuleIDs(b.PolicyRuleIDs), b.input(true), true)
		return wafEcho(b.PolicyRuleIDs, err)
	})
}

// handleWAFCustomDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/custom/{rule_id} (DeleteCustomRule).
func (s *server) handleWAFCustomDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeleteCustomRule, customJSON)
}
