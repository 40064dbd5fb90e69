package httpapi

import (
	"net/http"

	"github.com/rampartsec/rampart/internal/waf"
)

// wafServerJSON is an upstream server of a host (CloudWafServer).
type wafServerJSON struct {
	FrontProtocol string `json:"front_protocol"`
	BackProtocol  string `json:"back_protocol"`
	Weight        int    `json:"weight"`
	Address       string `json:"address"`
	Port          int    `json:"port"`
	Type          string `json:"type"`
}

// wafHostJSON is a host as the host operations return it; it carries the
// union of the fields of CreateHost, ShowHost, ListHost items, UpdateHost
// and DeleteHost.
type wafHostJSON struct {
	ID                  string            `json:"id"`
	HostID              string            `json:"hostid"`
	Hostname            string            `json:"hostname"`
	PolicyID            string            `json:"policyid"`
	DomainID            string            `json:"domainid,omitempty"`
	ProjectID           string            `json:"projectid"`
	EnterpriseProjectID string            `json:"enterprise_project_id"`
	Type                int               `json:"type"`
	Protocol            string            `json:"protocol"`
	Server              []wafServerJSON   `json:"server"`
	Proxy               bool              `json:"proxy"`
	ProtectStatus       int               `json:"protect_status"`
	AccessStatus        int               `json:"access_status"`
	AccessCode          string            `json:"access_code"`
	Locked              int               `json:"locked"`
	Timestamp           int64             `json:"timestamp"`
	CertificateID       string            `json:"certificateid,omitempty"`
	CertificateName     string            `json:"certificatename,omitempty"`
	TLS                 string            `json:"tls,omitempty"`
	Cipher              string            `json:"cipher,omitempty"`
	LBAlgorithm         string            `json:"lb_algorithm"`
	WebTag              string            `json:"web_tag"`
	Description         string            `json:"description"`
	HTTP2Enable         bool              `json:"http2_enable"`
	ExclusiveIP         bool              `json:"exclusive_ip"`
	PaidType            string            `json:"paid_type"`
	ForwardHeaderMap    map[string]string `json:"forward_header_map"`
	Flag                any               `json:"flag"`
	BlockPage           any               `json:"block_page"`
	Extend              any               `json:"extend"`
	TrafficMark         any               `json:"traffic_mark,omitempty"`
	CircuitBreaker      any               `json:"circuit_breaker,omitempty"`
	TimeoutConfig       any               `json:"timeout_config,omitempty"`
	AccessProgress      []any             `json:"access_progress"`
}

func hostJSON(h *waf.Host) wafHostJSON {
	out := wafHostJSON{ID: h.ID, HostID: h.ID, Hostname: h.Hostname, PolicyID: h.PolicyID, ProjectID: h.ProjectID,
		EnterpriseProjectID: h.EnterpriseProjectID, Type: 1, Protocol: h.Protocol(), Proxy: h.Proxy,
		ProtectStatus: h.ProtectStatus, AccessStatus: h.AccessStatus, AccessCode: h.AccessCode,
		Timestamp: h.CreatedAt.UnixMilli(), CertificateID: h.CertificateID, CertificateName: h.CertificateName,
		TLS: h.TLS, Cipher: h.Cipher, LBAlgorithm: h.LBAlgorithm, WebTag: h.WebTag, Description: h.Description,
		HTTP2Enable: h.HTTP2Enable, ExclusiveIP: h.ExclusiveIP, PaidType: h.PaidType,
		ForwardHeaderMap: h.ForwardHeaderMap, AccessProgress: []any{},
		TrafficMark: h.Extra["traffic_mark"], CircuitBreaker: h.Extra["circuit_breaker"], TimeoutConfig: h.Extra["timeout_config"],
	}
	if out.ForwardHeaderMap == nil {
		out.ForwardHeaderMap = map[string]string{}
	}
	ipv6 := "false"
	for _, s := range h.Servers {
		out.Server = append(out.Server, wafServerJSON{s.FrontProtocol, s.BackProtocol, s.Weight, s.Address, s.Port, s.Type})
		if s.Type == "ipv6" {
			ipv6 = "true"
		}
	}
	if out.Server == nil {
		out.Server = []wafServerJSON{}
	}
	flag := map[string]any{"pci_3ds": "false", "pci_dss": "false", "cname": "new", "is_dual_az": "true", "ipv6": ipv6}
	if f, ok := h.Extra["flag"].(map[string]any); ok {
		for k, v := range f {
			flag[k] = v
		}
	}
	out.Flag = flag
	out.BlockPage = map[string]any{"template": "default"}
	if b, ok := h.Extra["block_page"]; ok {
		out.BlockPage = b
	}
	out.Extend = map[string]any{}
	if e, ok := h.Extra["extend"]; ok {
		out.Extend = e
	}
	return out
}

// wafHostBody is the body of CreateHost and UpdateHost.
type wafHostBody struct {
	Hostname         *string           `json:"hostname"`
	PolicyID         *string           `json:"policyid"`
	Server           []wafServerJSON   `json:"server"`
	CertificateID    *string           `json:"certificateid"`
	CertificateName  *string           `json:"certificatename"`
	WebTag           *string           `json:"web_tag"`
	ExclusiveIP      *bool             `json:"exclusive_ip"`
	PaidType         *string           `json:"paid_type"`
	Proxy            *bool             `json:"proxy"`
	LBAlgorithm      *string           `json:"lb_algorithm"`
	Description      *string           `json:"description"`
	ForwardHeaderMap map[string]string `json:"forward_header_map"`
	TLS              *string           `json:"tls"`
	Cipher           *string           `json:"cipher"`
	HTTP2Enable      *bool             `json:"http2_enable"`
	BlockPage        map[string]any    `json:"block_page"`
	TrafficMark      map[string]any    `json:"traffic_mark"`
	Flag             map[string]any    `json:"flag"`
	Extend           map[string]string `json:"extend"`
	CircuitBreaker   map[string]any    `json:"circuit_breaker"`
	TimeoutConfig    map[string]any    `json:"timeout_config"`
}

func (b *wafHostBody) input() *waf.HostInput {
	in := &waf.HostInput{Hostname: b.Hostname, PolicyID: b.PolicyID, Proxy: b.Proxy, LBAlgorithm: b.LBAlgorithm,
		CertificateID: b.CertificateID, CertificateName: b.CertificateName, Description: b.Description,
		PaidType: b.PaidType, WebTag: b.WebTag, ExclusiveIP: b.ExclusiveIP, HTTP2Enable: b.HTTP2Enable,
		TLS: b.TLS, Cipher: b.Cipher, ForwardHeaderMap: b.ForwardHeaderMap, Extra: map[string]any{}}
	if b.Server != nil {
		in.Servers = make([]waf.Server, len(b.Server))
		for i, s := range b.Server {
			in.Servers[i] = waf.Server{FrontProtocol: s.FrontProtocol, BackProtocol: s.BackProtocol, Address: s.Address,
				Port: s.Port, Type: s.Type, Weight: s.Weight}
		}
	}
	for k, v := range map[string]map[string]any{"block_page": b.BlockPage, "traffic_mark": b.TrafficMark, "flag": b.Flag,
		"circuit_breaker": b.CircuitBreaker, "timeout_config": b.TimeoutConfig} {
		if v != nil {
			in.Extra[k] = v
		}
	}
	if b.Extend != nil {
		ext := map[string]any{}
		for k, v := range b.Extend {
			ext[k] = v
		}
		in.Extra["extend"] = ext
	}
	return in
}

// handleWAFHostCreate serves POST /v1/{project_id}/waf/instance (CreateHost).
func (s *server) handleWAFHostCreate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep, err := wafEP(r, true)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafHostBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		h, err := s.waf.CreateHost(r.Context(), r.PathValue("project_id"), ep, b.input())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, hostJSON(h))
	})
}

// handleWAFHostList serves GET /v1/{project_id}/waf/instance (ListHost).
func (s *server) handleWAFHostList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep, err := wafEP(r, false)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		q := r.URL.Query()
		page, err := waf.PageBySize(q.Get("page"), q.Get("pagesize"), 10, 100, true, waf.CodePageSize)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		hs, total, err := s.waf.FindHosts(r.Context(), waf.HostFilter{ProjectID: r.PathValue("project_id"), EnterpriseProjectID: ep,
			Hostname: q.Get("hostname"), PolicyName: q.Get("policyname"), Page: page})
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, newList(total, hs, hostJSON))
	})
}

// handleWAFHostShow serves GET /v1/{project_id}/waf/instance/{instance_id} (ShowHost).
func (s *server) handleWAFHostShow() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, false); err != nil {
			s.wafFail(w, r, err)
			return
		}
		h, err := s.waf.FindHost(r.Context(), r.PathValue("project_id"), r.PathValue("instance_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, hostJSON(h))
	})
}

// handleWAFHostUpdate serves PATCH /v1/{project_id}/waf/instance/{instance_id} (UpdateHost).
func (s *server) handleWAFHostUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var b wafHostBody
		if err := wafDecode(r, &b); err != nil {
			s.wafFail(w, r, err)
			return
		}
		h, err := s.waf.UpdateHost(r.Context(), r.PathValue("project_id"), r.PathValue("instance_id"), b.input())
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, hostJSON(h))
	})
}

// handleWAFHostDelete serves DELETE /v1/{project_id}/waf/instance/{instance_id} (DeleteHost).
func (s *server) handleWAFHostDelete() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		h, err := s.waf.DeleteHost(r.Context(), r.PathValue("project_id"), r.PathValue("instance_id"))
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, hostJSON(h))
	})
}

// handleWAFHostProtectStatus serves PUT /v1/{project_id}/waf/instance/{instance_id}/protect-status (UpdateHostProtectStatus).
func (s *server) handleWAFHostProtectStatus() http.Handler {
	type request struct {
		ProtectStatus *int `json:"protect_status"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := wafEP(r, true); err != nil {
			s.wafFail(w, r, err)
			return
		}
		var req request
		if err := wafDecode(r, &req); err != nil {
			s.wafFail(w, r, err)
			return
		}
		h, err := s.waf.SetHostProtectStatus(r.Context(), r.PathValue("project_id"), r.PathValue("instance_id"), req.ProtectStatus)
		if err != nil {
			s.wafFail(w, r, err)
			return
		}
		encode(w, http.StatusOK, map[string]int{"protect_status": h.ProtectStatus})
	})
}
