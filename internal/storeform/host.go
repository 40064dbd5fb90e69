package storeform

import "github.com/rampartsec/rampart/internal/waf"

// hostSettings are the host fields kept as one JSON document.
type hostSettings struct {
	CertificateID    string            `json:"certificateid,omitempty"`
	CertificateName  string            `json:"certificatename,omitempty"`
	Description      string            `json:"description,omitempty"`
	PaidType         string            `json:"paid_type,omitempty"`
	WebTag           string            `json:"web_tag,omitempty"`
	ExclusiveIP      bool              `json:"exclusive_ip,omitempty"`
	HTTP2Enable      bool              `json:"http2_enable,omitempty"`
	TLS              string            `json:"tls,omitempty"`
	Cipher           string            `json:"cipher,omitempty"`
	ForwardHeaderMap map[string]string `json:"forward_header_map,omitempty"`
	Extra            map[string]any    `json:"extra,omitempty"`
}

// hostServer is how a server is stored in a host's servers array.
type hostServer struct {
	FrontProtocol string `json:"front_protocol"`
	BackProtocol  string `json:"back_protocol"`
	Address       string `json:"address"`
	Port          int    `json:"port"`
	Type          string `json:"type"`
	Weight        int    `json:"weight"`
}

// EncodeHost returns the stored servers array and settings document of h.
func EncodeHost(h *waf.Host) (servers, settings string) {
	ss := make([]hostServer, len(h.Servers))
	for i, s := range h.Servers {
		ss[i] = hostServer(s)
	}
	return encode(ss), encode(hostSettings{
		CertificateID: h.CertificateID, CertificateName: h.CertificateName, Description: h.Description,
		PaidType: h.PaidType, WebTag: h.WebTag, ExclusiveIP: h.ExclusiveIP, HTTP2Enable: h.HTTP2Enable,
		TLS: h.TLS, Cipher: h.Cipher, ForwardHeaderMap: h.ForwardHeaderMap, Extra: h.Extra,
	})
}

// DecodeHost sets the fields of h that EncodeHost stores.
func DecodeHost(h *waf.Host, servers, settings []byte) error {
	var ss []hostServer
	if err := decode(servers, &ss, "host servers"); err != nil {
		return err
	}
	h.Servers = nil
	for _, s := range ss {
		h.Servers = append(h.Servers, waf.Server(s))
	}
	var st hostSettings
	if err := decode(settings, &st, "host settings"); err != nil {
		return err
	}
	h.CertificateID, h.CertificateName, h.Description, h.PaidType = st.CertificateID, st.CertificateName, st.Description, st.PaidType
	h.WebTag, h.ExclusiveIP, h.HTTP2Enable, h.TLS, h.Cipher = st.WebTag, st.ExclusiveIP, st.HTTP2Enable, st.TLS, st.Cipher
	h.ForwardHeaderMap, h.Extra = st.ForwardHeaderMap, st.Extra
	if h.ForwardHeaderMap == nil {
		h.ForwardHeaderMap = map[string]string{}
	}
	if h.Extra == nil {
		h.Extra = map[string]any{}
	}
	return nil
}
