package httpapi

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

type wafRuleInfoJSON struct {
	RuleID     string `json:"rule_id"`
	RuleName   string `json:"rule_name"`
	PolicyID   string `json:"policy_id"`
	PolicyName string `json:"policy_name"`
}

type wafShareInfoJSON struct {
	ShareCount    int `json:"share_count"`
	AcceptCount   int `json:"accept_count"`
	ProcessStatus int `json:"process_status"`
}

// wafIPGroupJSON is an IP address group as the operations return it.
type wafIPGroupJSON struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	IPs         string            `json:"ips"`
	IPRemarks   map[string]string `json:"ip_remarks"`
	Size        int               `json:"size"`
	Rules       []wafRuleInfoJSON `json:"rules"`
	ShareInfo   *wafShareInfoJSON `json:"share_info,omitempty"`
	Description string            `json:"description"`
	Timestamp   int64             `json:"timestamp"`
}

func ipGroupJSON(g *waf.IPGroup) wafIPGroupJSON {
	out := wafIPGroupJSON{ID: g.ID, Name: g.Name, IPs: strings.Join(g.IPs, ","), IPRemarks: g.Remarks, Size: len(g.IPs),
		Rules: make([]wafRuleInfoJSON, 0, len(g.Rules)), ShareInfo: &wafShareInfoJSON{},
		Description: g.Description, Timestamp: g.CreatedAt.UnixMilli()}
	if out.IPRemarks == nil {
		out.IPRemarks = map[string]string{}
	}
	for _, r := range g.Rules {
		out.Rules = append(out.Rules, wafRuleInfoJSON{r.RuleID, r.RuleName, r.PolicyID, r.PolicyName})
	}
	return out
}

type wafIPGroupBody struct {
	Name        *string           `json:"name"`
	IPs         *string           `json:"ips"`
	IPRemarks   map[string]string `json:"ip_remarks"`
	Description *string           `json:"description"`
}

func (b *wafIPGroupBody) input() *waf.IPGroupInput {
	return &waf.IPGroupInput{Name: b.Name, IPs: b.IPs, Remarks: b.IPRemarks, Description: b.Description}
}

// handleWAFIPGroupCreate serves POST /v1/{project_id}/waf/ip-groups (CreateIpGroup).
func (s *server) handleWAFIPGroupCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep, err := wafEP(r, true)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafIPGroupBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		g, err := s.waf.CreateIPGroup(r.Context(), r.PathValue("project_id"), ep, b.input())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, ipGroupJSON(g))
	})
}

// handleWAFIPGroupList serves GET /v1/{project_id}/waf/ip-groups (ListIpGroup).
func (s *server) handleWAFIPGroupList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep, err := wafEP(r, false)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		page, err := wafRulePage(r, 10, 100)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		q := r.URL.Query()
		f := waf.IPGroupFilter{ProjectID: r.PathValue("project_id"), EnterpriseProjectID: ep, Name: q.Get("name"), Page: page}
		if ip := q.Get("ip"); ip != "" {
			a, err := netip.ParseAddr(ip)
			if err != nil {
				s.wafFail(w, r, rampartInvalid(waf.CodeIP, "ip", "ip "+quote(ip)+" is not an IP address."))
				return
			}
			f.IP = a.Unmap()
		}
		gs, total, err := s.waf.FindIPGroups(r.Context(), f)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		l := newList(total, gs, ipGroupJSON)
		encode(w, http.StatusOK, struct {
			wafList[wafIPGroupJSON]
			CloudTotal int `json:"cloud_total"`
		}{l, total})
	})
}

// handleWAFIPGroupShow serves GET /v1/{project_id}/waf/ip-group/{id} (ShowIpGroup).
func (s *server) handleWAFIPGroupShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, false); err != nil {
			s.wafFail(w, r, err)
			return
		}
		g, err := s.waf.FindIPGroup(r.Context(), r.PathValue("project_id"), r.PathValue("id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, ipGroupJSON(g))
	})
}

// handleWAFIPGroupUpdate serves PUT /v1/{project_id}/waf/ip-group/{id} (UpdateIpGroup).
func (s *server) handleWAFIPGroupUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafIPGroupBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		g, err := s.waf.UpdateIPGroup(r.Context(), r.PathValue("project_id"), r.PathValue("id"), r.URL.Query().Get("action"), b.input())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		out := ipGroupJSON(g)
		out.ShareInfo = nil
		encode(w, http.StatusOK, out)
	})
}

// handleWAFIPGroupDelete serves DELETE /v1/{project_id}/waf/ip-group/{id} (DeleteIpGroup).
func (s *server) handleWAFIPGroupDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		g, err := s.waf.DeleteIPGroup(r.Context(), r.PathValue("project_id"), r.PathValue("id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		out := ipGroupJSON(g)
		out.ShareInfo = nil
		encode(w, http.StatusOK, out)
	})
}
