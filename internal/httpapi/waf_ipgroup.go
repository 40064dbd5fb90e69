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

// ipGroupWriteJSON is a group as UpdateIpGroup and DeleteIpGroup return it:
// without share_info.
func ipGroupWriteJSON(g *waf.IPGroup) wafIPGroupJSON {
	out := ipGroupJSON(g)
	out.ShareInfo = nil
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
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafIPGroupBody) (any, error) {
		return wafAs(ipGroupJSON)(s.waf.CreateIPGroup(q.ctx, q.project, q.ep, b.input()))
	})
}

// handleWAFIPGroupList serves GET /v1/{project_id}/waf/ip-groups (ListIpGroup).
func (s *server) handleWAFIPGroupList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		page, err := wafRulePage(q.r, 10, 100)
		if err != nil {
			return nil, err
		}
		v := q.r.URL.Query()
		f := waf.IPGroupFilter{ProjectID: q.project, EnterpriseProjectID: q.ep, Name: v.Get("name"), Page: page}
		if ip := v.Get("ip"); ip != "" {
			a, err := netip.ParseAddr(ip)
			if err != nil {
				return nil, rampartInvalid(waf.CodeIP, "ip", "ip "+quote(ip)+" is not an IP address.")
			}
			f.IP = a.Unmap()
		}
		gs, total, err := s.waf.FindIPGroups(q.ctx, f)
		if err != nil {
			return nil, err
		}
		return struct {
			wafList[wafIPGroupJSON]
			CloudTotal int `json:"cloud_total"`
		}{newList(total, gs, ipGroupJSON), total}, nil
	})
}

// handleWAFIPGroupShow serves GET /v1/{project_id}/waf/ip-group/{id} (ShowIpGroup).
func (s *server) handleWAFIPGroupShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return wafAs(ipGroupJSON)(s.waf.FindIPGroup(q.ctx, q.project, q.r.PathValue("id")))
	})
}

// handleWAFIPGroupUpdate serves PUT /v1/{project_id}/waf/ip-group/{id} (UpdateIpGroup).
func (s *server) handleWAFIPGroupUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafIPGroupBody) (any, error) {
		return wafAs(ipGroupWriteJSON)(s.waf.UpdateIPGroup(q.ctx, q.project, q.r.PathValue("id"), q.r.URL.Query().Get("action"), b.input()))
	})
}

// handleWAFIPGroupDelete serves DELETE /v1/{project_id}/waf/ip-group/{id} (DeleteIpGroup).
func (s *server) handleWAFIPGroupDelete() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		return wafAs(ipGroupWriteJSON)(s.waf.DeleteIPGroup(q.ctx, q.project, q.r.PathValue("id")))
	})
}
