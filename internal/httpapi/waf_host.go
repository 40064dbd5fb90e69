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

// input converts the body; its free-form objects are checked and
// normalised (freeFormObject).
func (b *wafHostBody) input() (*waf.HostInput, error) {
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
		v, err := freeFormObject(k, v)
		if err != nil {
			return nil, err
		}
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
	return in, nil
}

// handleWAFHostCreate serves POST /v1/{project_id}/waf/instance (CreateHost).
func (s *server) handleWAFHostCreate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafHostBody) (any, error) {
		in, err := b.input()
		if err != nil {
			return nil, err
		}
		return wafAs(hostJSON)(s.waf.CreateHost(q.ctx, q.project, q.ep, in))
	})
}

// handleWAFHostList serves GET /v1/{project_id}/waf/instance (ListHost).
func (s *server) handleWAFHostList() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		v := q.r.URL.Query()
		page, err := waf.PageBySize(v.Get("page"), v.Get("pagesize"), 10, 100, true, waf.CodePageSize)
		if err != nil {
			return nil, err
		}
		hs, total, err := s.waf.FindHosts(q.ctx, waf.HostFilter{ProjectID: q.project, EnterpriseProjectID: q.ep,
			Hostname: v.Get("hostname"), PolicyName: v.Get("policyname"), Page: page})
		if err != nil {
			return nil, err
		}
		return newList(total, hs, hostJSON), nil
	})
}

// handleWAFHostShow serves GET /v1/{project_id}/waf/instance/{instance_id} (ShowHost).
func (s *server) handleWAFHostShow() http.Handler {
	return s.wafServe(wafReadEP, func(q *wafRequest) (any, error) {
		return wafAs(hostJSON)(s.waf.FindHost(q.ctx, q.project, q.r.PathValue("instance_id")))
	})
}

// handleWAFHostUpdate serves PATCH /v1/{project_id}/waf/instance/{instance_id} (UpdateHost)
// and the PUT that Terraform sends to the same path, with the same partial
// semantics.
func (s *server) handleWAFHostUpdate() http.Handler {
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, b *wafHostBody) (any, error) {
		in, err := b.input()
		if err != nil {
			return nil, err
		}
		return wafAs(hostJSON)(s.waf.UpdateHost(q.ctx, q.project, q.r.PathValue("instance_id"), in))
	})
}

// handleWAFHostDelete serves DELETE /v1/{project_id}/waf/instance/{instance_id}[?keepPolicy=] (DeleteHost).
func (s *server) handleWAFHostDelete() http.Handler {
	return s.wafServe(wafWriteEP, func(q *wafRequest) (any, error) {
		keep := true // absent: the policy stays, as the SDK (which never sends keepPolicy) expects
		switch v := q.r.URL.Query().Get("keepPolicy"); v {
		case "", "true":
		case "false":
			keep = false
		default:
			return nil, rampartInvalid(waf.CodeURLParam, "keepPolicy", "keepPolicy must be true or false, not "+quote(v)+".")
		}
		return wafAs(hostJSON)(s.waf.DeleteHost(q.ctx, q.project, q.r.PathValue("instance_id"), keep))
	})
}

// handleWAFHostProtectStatus serves PUT /v1/{project_id}/waf/instance/{instance_id}/protect-status (UpdateHostProtectStatus).
func (s *server) handleWAFHostProtectStatus() http.Handler {
	type request struct {
		ProtectStatus *int `json:"protect_status"`
	}
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, req *request) (any, error) {
		h, err := s.waf.SetHostProtectStatus(q.ctx, q.project, q.r.PathValue("instance_id"), req.ProtectStatus)
		if err != nil {
			return nil, err
		}
		return map[string]int{"protect_status": h.ProtectStatus}, nil
	})
}

// handleWAFHostAccessStatus serves PUT /v1/{project_id}/waf/instance/{instance_id}/access-status (UpdateHostAccessStatusOfUnderline).
func (s *server) handleWAFHostAccessStatus() http.Handler {
	type request struct {
		AccessStatus *int `json:"access_status"`
	}
	return wafServeBody(s, wafWriteEP, func(q *wafRequest, req *request) (any, error) {
		h, err := s.waf.SetHostAccessStatus(q.ctx, q.project, q.r.PathValue("instance_id"), req.AccessStatus)
		if err != nil {
			return nil, err
		}
		return map[string]int{"access_status": h.AccessStatus}, nil
	})
}
