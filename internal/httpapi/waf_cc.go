package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafCCResponseJSON is the custom block response of a CC rule.
type wafCCResponseJSON struct {
	ContentType string `json:"content_type"`
	Content     string `json:"content"`
}

// wafCCActionJSON is the action of a CC rule, in and out.
type wafCCActionJSON struct {
	Category string `json:"category"`
	Detail   *struct {
		Response *wafCCResponseJSON `json:"response,omitempty"`
	} `json:"detail,omitempty"`
}

// wafCCTagConditionJSON is the tag condition of a CC rule (tag_type other).
type wafCCTagConditionJSON struct {
	Category string   `json:"category"`
	Contents []string `json:"contents"`
}

// wafCCJSON is a CC rule as every CC operation returns it. url and prefix
// belong to mode 0, conditions to mode 1; priority and cc_priority are
// absent when unset.
type wafCCJSON struct {
	ID                string                   `json:"id"`
	PolicyID          string                   `json:"policyid"`
	Name              string                   `json:"name"`
	Description       string                   `json:"description"`
	Mode              int                      `json:"mode"`
	URL               string                   `json:"url,omitempty"`
	Prefix            bool                     `json:"prefix"`
	Status            int                      `json:"status"`
	Conditions        []wafCustomConditionJSON `json:"conditions,omitempty"`
	Action            wafCCActionJSON          `json:"action"`
	TagType           string                   `json:"tag_type"`
	TagIndex          string                   `json:"tag_index,omitempty"`
	TagCondition      *wafCCTagConditionJSON   `json:"tag_condition,omitempty"`
	LimitNum          int                      `json:"limit_num"`
	LimitPeriod       int                      `json:"limit_period"`
	UnlockNum         int                      `json:"unlock_num"`
	LockTime          int                      `json:"lock_time"`
	DomainAggregation bool                     `json:"domain_aggregation"`
	RegionAggregation bool                     `json:"region_aggregation"`
	Priority          *int                     `json:"priority,omitempty"`
	CCPriority        *int                     `json:"cc_priority,omitempty"`
	Producer          int                      `json:"producer"`
	Timestamp         int64                    `json:"timestamp"`
}

func ccJSON(r *waf.CCRule) wafCCJSON {
	out := wafCCJSON{ID: r.ID, PolicyID: r.PolicyID, Name: r.Name, Description: r.Description, Mode: r.Mode, URL: r.URL,
		Prefix: r.Prefix, Status: r.Status, Action: wafCCActionJSON{Category: r.Action.Category}, TagType: r.TagType,
		TagIndex: r.TagIndex, LimitNum: r.LimitNum, LimitPeriod: r.LimitPeriod, UnlockNum: r.UnlockNum, LockTime: r.LockTime,
		DomainAggregation: r.DomainAggregation, RegionAggregation: r.RegionAggregation, Priority: r.Priority,
		CCPriority: r.CCPriority, Producer: 1, Timestamp: r.CreatedAt.UnixMilli()}
	if resp := r.Action.Response; resp != nil {
		out.Action.Detail = &struct {
			Response *wafCCResponseJSON `json:"response,omitempty"`
		}{&wafCCResponseJSON{resp.ContentType, resp.Content}}
	}
	if r.TagCondition != nil {
		out.TagCondition = &wafCCTagConditionJSON{r.TagCondition.Category, r.TagCondition.Contents}
	}
	for _, c := range r.Conditions {
		out.Conditions = append(out.Conditions, wafCustomConditionJSON{Category: c.Category, Index: c.Index,
			LogicOperation: c.LogicOperation, Contents: c.Contents, ValueListID: c.ValueListID})
	}
	return out
}

// wafCCBody is the body of CC rule writes.
type wafCCBody struct {
	Name              *string                  `json:"name"`
	Description       *string                  `json:"description"`
	Mode              *int                     `json:"mode"`
	URL               *string                  `json:"url"`
	Prefix            *bool                    `json:"prefix"`
	Conditions        []wafCustomConditionJSON `json:"conditions"`
	Action            *wafCCActionJSON         `json:"action"`
	TagType           *string                  `json:"tag_type"`
	TagIndex          *string                  `json:"tag_index"`
	TagCondition      *wafCCTagConditionJSON   `json:"tag_condition"`
	LimitNum          *int                     `json:"limit_num"`
	LimitPeriod       *int                     `json:"limit_period"`
	UnlockNum         *int                     `json:"unlock_num"`
	LockTime          *int                     `json:"lock_time"`
	DomainAggregation *bool                    `json:"domain_aggregation"`
	RegionAggregation *bool                    `json:"region_aggregation"`
	Priority          *int                     `json:"priority"`
	CCPriority        *int                     `json:"cc_priority"`
	PolicyIDs         []string                 `json:"policy_ids"`
	PolicyRuleIDs     []policyRuleIDsJSON      `json:"policy_rule_ids"`
}

// input is the rule the body describes.
func (b *wafCCBody) input() *waf.CCRuleInput {
	in := &waf.CCRuleInput{Name: b.Name, Description: b.Description, Mode: b.Mode, URL: b.URL, Prefix: b.Prefix,
		TagType: b.TagType, TagIndex: b.TagIndex, LimitNum: b.LimitNum, LimitPeriod: b.LimitPeriod, UnlockNum: b.UnlockNum,
		LockTime: b.LockTime, DomainAggregation: b.DomainAggregation, RegionAggregation: b.RegionAggregation,
		Priority: b.Priority, CCPriority: b.CCPriority}
	for _, c := range b.Conditions {
		in.Conditions = append(in.Conditions, waf.CustomCondition{Category: c.Category, Index: c.Index,
			LogicOperation: c.LogicOperation, Contents: c.Contents, ValueListID: c.ValueListID})
	}
	if b.Action != nil {
		in.Action = &waf.CCAction{Category: b.Action.Category}
		if b.Action.Detail != nil && b.Action.Detail.Response != nil {
			in.Action.Response = &waf.CCResponse{ContentType: b.Action.Detail.Response.ContentType,
				Content: b.Action.Detail.Response.Content}
		}
	}
	if b.TagCondition != nil {
		in.TagCondition = &waf.CCTagCondition{Category: b.TagCondition.Category, Contents: b.TagCondition.Contents}
	}
	return in
}

// wafListPage reads the window of a per-policy rule list: offset/limit,
// when given, win over page/pagesize (the SDK's list requests carry both).
func wafListPage(r *http.Request, def, max int) (waf.Page, error) {
	v := r.URL.Query()
	if v.Has("offset") || v.Has("limit") {
		return waf.PageByOffset(v.Get("offset"), v.Get("limit"), def)
	}
	return wafRulePage(r, def, max)
}

// handleWAFCCCreate serves POST /v1/{project_id}/waf/policy/{policy_id}/cc (CreateCcRule).
func (s *server) handleWAFCCCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCCBody) (any, error) {
		return wafAsFirst(ccJSON)(s.waf.CreateCCRules(q.ctx, q.project, q.ep, []string{q.r.PathValue("policy_id")}, b.input()))
	})
}

// handleWAFCCBatchCreate serves POST /v1/{project_id}/waf/rule/cc (BatchCreateCcRule).
func (s *server) handleWAFCCBatchCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCCBody) (any, error) {
		return wafAsFirst(ccJSON)(s.waf.CreateCCRules(q.ctx, q.project, q.ep, wafBatchPolicies(q.r, b.PolicyIDs), b.input()))
	})
}

// handleWAFCCList serves GET /v1/{project_id}/waf/policy/{policy_id}/cc (ListCcRules).
// The name query filters by substring.
func (s *server) handleWAFCCList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		page, err := wafListPage(q.r, 10, 1000)
		if err != nil {
			return nil, err
		}
		return s.listCC(q, []string{q.r.PathValue("policy_id")}, q.r.URL.Query().Get("name"), page)
	})
}

// handleWAFCCPolicyRules serves GET /v1/{project_id}/waf/rule/cc (ListCcPolicyRules).
func (s *server) handleWAFCCPolicyRules() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		page, err := wafRulePage(q.r, 1000, 1000)
		if err != nil {
			return nil, err
		}
		return s.listCC(q, wafPolicyIDsQuery(q.r), "", page)
	})
}

func (s *server) listCC(q *wafRequest, policyIDs []string, name string, page waf.Page) (any, error) {
	rules, total, err := s.waf.FindCCRules(q.ctx, waf.RuleFilter{ProjectID: q.project, PolicyIDs: policyIDs, Name: name,
		Page: page}, q.r.PathValue("policy_id") != "")
	if err != nil {
		return nil, err
	}
	return newList(total, rules, ccJSON), nil
}

// handleWAFCCShow serves GET /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id} (ShowCcRule).
func (s *server) handleWAFCCShow() http.Handler {
	return wafServeRule(s, wafReadEP, (*waf.Service).FindCCRule, ccJSON)
}

// handleWAFCCUpdate serves PUT /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id} (UpdateCcRule).
func (s *server) handleWAFCCUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCCBody) (any, error) {
		ids, err := wafPathRule(q.r)
		if err != nil {
			return nil, err
		}
		return wafAsFirst(ccJSON)(s.waf.UpdateCCRules(q.ctx, q.project, ids, b.input()))
	})
}

// handleWAFCCBatchUpdate serves POST and PUT /v1/{project_id}/waf/rule/cc/batch-update (BatchUpdateCcRules).
func (s *server) handleWAFCCBatchUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafCCBody) (any, error) {
		_, err := s.waf.UpdateCCRules(q.ctx, q.project, toPolicyRuleIDs(b.PolicyRuleIDs), b.input())
		return wafEcho(b.PolicyRuleIDs, err)
	})
}

// handleWAFCCDelete serves DELETE /v1/{project_id}/waf/policy/{policy_id}/cc/{rule_id} (DeleteCcRule).
func (s *server) handleWAFCCDelete() http.Handler {
	return wafServeRule(s, wafWriteEP, (*waf.Service).DeleteCCRule, ccJSON)
}
