package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// wafFail renders err in the WAF envelope.
func (s *server) wafFail(w http.ResponseWriter, r *http.Request, err error) {
	s.writeError(w, r, familyWAF, err)
}

// wafEP reads the enterprise_project_id query ("0" when absent).
func wafEP(r *http.Request, write bool) (string, error) {
	return waf.ParseEnterpriseProject(r.URL.Query().Get("enterprise_project_id"), write)
}

// wafDecode decodes an optional JSON body: an empty body leaves v as is.
func wafDecode(r *http.Request, v any) error {
	if err := decode(r, v); err != nil && err != errEmptyBody {
		return err
	}
	return nil
}

// wafPolicyIDsQuery reads policyids: repeated and/or comma-separated.
func wafPolicyIDsQuery(r *http.Request) []string {
	var out []string
	for _, v := range r.URL.Query()["policyids"] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

// policyRuleIDsJSON is the policy_rule_ids element of batch operations.
type policyRuleIDsJSON struct {
	PolicyID string   `json:"policy_id"`
	RuleIDs  []string `json:"rule_ids"`
}

func toPolicyRuleIDs(in []policyRuleIDsJSON) []waf.PolicyRuleIDs {
	out := make([]waf.PolicyRuleIDs, len(in))
	for i, p := range in {
		out[i] = waf.PolicyRuleIDs{PolicyID: p.PolicyID, RuleIDs: p.RuleIDs}
	}
	return out
}

// batchRuleIDsResponse echoes policy_rule_ids, never null.
func batchRuleIDsResponse(in []policyRuleIDsJSON) map[string]any {
	if in == nil {
		in = []policyRuleIDsJSON{}
	}
	for i := range in {
		if in[i].RuleIDs == nil {
			in[i].RuleIDs = []string{}
		}
	}
	return map[string]any{"policy_rule_ids": in}
}

// wafRuleList is the {total, items} of rule lists.
type wafList[T any] struct {
	Total int `json:"total"`
	Items []T `json:"items"`
}

func newList[E, T any](total int, in []E, conv func(E) T) wafList[T] {
	out := wafList[T]{Total: total, Items: make([]T, 0, len(in))}
	for _, e := range in {
		out.Items = append(out.Items, conv(e))
	}
	return out
}

// wafRulePage reads page/pagesize of a rule list.
func wafRulePage(r *http.Request, def, max int) (waf.Page, error) {
	q := r.URL.Query()
	return waf.PageBySize(q.Get("page"), q.Get("pagesize"), def, max, false, waf.CodePaging)
}

// wafPathIDs validates and returns path values.
func wafPathIDs(r *http.Request, names ...string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = r.PathValue(n)
		if err := waf.CheckID(n, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rampartInvalid returns a KindInvalid error with a WAF code.
func rampartInvalid(code, field, msg string) error {
	return &rampart.Error{Kind: rampart.KindInvalid, Code: code, Field: field, Message: msg}
}

// wafEPMode says how a WAF handler reads enterprise_project_id.
type wafEPMode int

const (
	wafNoEP    wafEPMode = iota // the operation ignores enterprise_project_id
	wafReadEP                   // read semantics: all_granted_eps allowed
	wafWriteEP                  // write semantics
)

// wafRequest is what a WAF operation sees of its request: the request, the
// project from the path and the enterprise project from the query.
type wafRequest struct {
	r       *http.Request
	ctx     context.Context
	project string
	ep      string
}

// wafServe makes a WAF handler: it reads enterprise_project_id as mode says,
// runs op and renders its result with 200 or its error in the WAF envelope.
func (s *server) wafServe(mode wafEPMode, op func(q *wafRequest) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := &wafRequest{r: r, ctx: r.Context(), project: r.PathValue("project_id")}
		if mode != wafNoEP {
			ep, err := wafEP(r, mode == wafWriteEP)
			if err != nil {
				s.wafFail(w, r, err)
				return
			}
			q.ep = ep
		}
		out, err := op(q)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, out)
	})
}

// wafServeBody is wafServe for operations with an optional JSON body of type B.
func wafServeBody[B any](s *server, mode wafEPMode, op func(q *wafRequest, b *B) (any, error)) http.Handler {
	return s.wafServe(mode, func(q *wafRequest) (any, error) {
		var b B
		if err := wafDecode(q.r, &b); err != nil {
			return nil, err
		}
		return op(q, &b)
	})
}

// wafAs returns a function that converts the result of a service call with
// conv unless the call failed: wafAs(hostJSON)(s.waf.FindHost(...)).
func wafAs[E, T any](conv func(E) T) func(E, error) (any, error) {
	return func(e E, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return conv(e), nil
	}
}

// wafAsFirst is wafAs for batch service calls: it converts the first rule.
func wafAsFirst[E, T any](conv func(E) T) func([]E, error) (any, error) {
	return func(es []E, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return conv(es[0]), nil
	}
}

// wafRuleOp is a service call on one rule of a policy (show or delete).
type wafRuleOp[R any] func(svc *waf.Service, ctx context.Context, projectID, policyID, ruleID string) (R, error)

// wafServeRule makes the handler of a show or delete of the rule at
// {policy_id}/{rule_id}.
func wafServeRule[R, T any](s *server, mode wafEPMode, op wafRuleOp[R], conv func(R) T) http.Handler {
	return s.wafServe(mode, func(q *wafRequest) (any, error) {
		return wafAs(conv)(op(s.waf, q.ctx, q.project, q.r.PathValue("policy_id"), q.r.PathValue("rule_id")))
	})
}

// wafPathRule validates {policy_id}/{rule_id} and returns them as a
// one-rule batch.
func wafPathRule(r *http.Request) ([]waf.PolicyRuleIDs, error) {
	ids, err := wafPathIDs(r, "policy_id", "rule_id")
	if err != nil {
		return nil, err
	}
	return []waf.PolicyRuleIDs{{PolicyID: ids[0], RuleIDs: []string{ids[1]}}}, nil
}

// wafBatchPolicies is the policies of a batch create: the body's
// policy_ids, else the policyids query.
func wafBatchPolicies(r *http.Request, fromBody []string) []string {
	if len(fromBody) == 0 {
		return wafPolicyIDsQuery(r)
	}
	return fromBody
}

// wafEcho answers a batch write: err, or the policy_rule_ids echoed.
func wafEcho(ids []policyRuleIDsJSON, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return batchRuleIDsResponse(ids), nil
}
