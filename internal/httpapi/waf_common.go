package httpapi

import (
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
