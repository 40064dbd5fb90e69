package waf

import (
	"net/netip"
	"time"
)

// Host is a protected domain in cloud mode: WAF terminates client traffic
// for Hostname and forwards it to the upstream Servers, applying the
// policy PolicyID. The data plane routes by these fields.
type Host struct {
	ID                  string
	ProjectID           string
	EnterpriseProjectID string
	Hostname            string
	PolicyID            string
	Servers             []Server
	Proxy               bool
	LBAlgorithm         string // ip_hash|round_robin|session_hash
	ProtectStatus       int    // -1 bypass, 0 suspended, 1 enabled
	AccessStatus        int    // 0 not connected, 1 connected
	AccessCode          string // CNAME prefix
	CertificateID       string
	CertificateName     string
	Description         string
	PaidType            string
	WebTag              string
	ExclusiveIP         bool
	HTTP2Enable         bool
	TLS                 string
	Cipher              string
	ForwardHeaderMap    map[string]string
	// Extra holds the settings this server keeps but does not interpret
	// (block_page, traffic_mark, circuit_breaker, timeout_config, flag,
	// extend), as JSON-compatible values.
	Extra     map[string]any
	CreatedAt time.Time

	// PolicyName is filled by the Store on reads.
	PolicyName string
}

// Server is an upstream (origin) server of a host.
type Server struct {
	FrontProtocol string // HTTP|HTTPS: client to WAF
	BackProtocol  string // HTTP|HTTPS: WAF to origin
	Address       string
	Port          int
	Type          string // ipv4|ipv6
	Weight        int
}

// Protocol is the host's client-side protocol summary: HTTP, HTTPS or
// HTTP&HTTPS.
func (h *Host) Protocol() string {
	var http, https bool
	for _, s := range h.Servers {
		if s.FrontProtocol == "HTTPS" {
			https = true
		} else {
			http = true
		}
	}
	switch {
	case http && https:
		return "HTTP&HTTPS"
	case https:
		return "HTTPS"
	}
	return "HTTP"
}

// HostFilter selects hosts.
type HostFilter struct {
	ProjectID           string
	EnterpriseProjectID string
	Hostname            string // substring
	PolicyName          string // substring
	Page                Page
}

// HostInput is the body of CreateHost and UpdateHost; nil fields are absent.
type HostInput struct {
	Hostname         *string
	PolicyID         *string
	Servers          []Server // nil: absent
	Proxy            *bool
	LBAlgorithm      *string
	CertificateID    *string
	CertificateName  *string
	Description      *string
	PaidType         *string
	WebTag           *string
	ExclusiveIP      *bool
	HTTP2Enable      *bool
	TLS              *string
	Cipher           *string
	ForwardHeaderMap map[string]string
	Extra            map[string]any
}

// checkHostname validates a protected domain: at most 64 letters, digits,
// '-', '_' and '.', optionally starting with a "*." wildcard label.
func checkHostname(h string) error {
	s := h
	if len(s) > 2 && s[:2] == "*." {
		s = s[2:]
	}
	if s == "" || len(h) > 64 || s[0] == '.' || s[len(s)-1] == '.' ||
		!allOf(s, func(r rune) bool { return isAlnum(r) || r == '-' || r == '_' || r == '.' }) {
		return invalid(CodeHost, "hostname", "hostname %q must be at most 64 letters, digits, '-', '_' or '.'.", h)
	}
	return nil
}

func checkServers(servers []Server) error {
	if len(servers) == 0 {
		return invalid(CodeBody, "server", "server must list at least one upstream server.")
	}
	if len(servers) > 80 {
		return invalid(CodeExceedLimit, "server", "server lists %d upstream servers; the limit is 80.", len(servers))
	}
	for i := range servers {
		s := &servers[i]
		if s.FrontProtocol != "HTTP" && s.FrontProtocol != "HTTPS" {
			return invalid(CodeBody, "server.front_protocol", "server.front_protocol must be HTTP or HTTPS, not %q.", s.FrontProtocol)
		}
		if s.BackProtocol != "HTTP" && s.BackProtocol != "HTTPS" {
			return invalid(CodeBody, "server.back_protocol", "server.back_protocol must be HTTP or HTTPS, not %q.", s.BackProtocol)
		}
		if s.Port < 1 || s.Port > 65535 {
			return invalid(CodePort, "server.port", "server.port must be from 1 to 65535, not %d.", s.Port)
		}
		a, err := netip.ParseAddr(s.Address)
		if err != nil || a.Zone() != "" || a.IsUnspecified() {
			return invalid(CodePort, "server.address", "server.address %q is not an IP address.", s.Address)
		}
		switch s.Type {
		case "ipv4":
			if !a.Is4() {
				return invalid(CodePort, "server.address", "server.address %q is not an IPv4 address (type ipv4).", s.Address)
			}
		case "ipv6":
			if !a.Is6() || a.Is4In6() {
				return invalid(CodePort, "server.address", "server.address %q is not an IPv6 address (type ipv6).", s.Address)
			}
		default:
			return invalid(CodeBody, "server.type", "server.type must be ipv4 or ipv6, not %q.", s.Type)
		}
		if s.Weight == 0 {
			s.Weight = 1
		}
		if s.Weight < 1 || s.Weight > 100 {
			return invalid(CodeBody, "server.weight", "server.weight must be from 1 to 100, not %d.", s.Weight)
		}
	}
	return nil
}

func oneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalid(CodeBody, field, "%s must be one of %v, not %q.", field, allowed, v)
}

// apply validates in and applies it to h.
func (in *HostInput) apply(h *Host, create bool) error {
	if create {
		switch {
		case in.Hostname == nil:
			return invalid(CodeHost, "hostname", "hostname is mandatory.")
		case in.Servers == nil:
			return invalid(CodeBody, "server", "server is mandatory.")
		case in.Proxy == nil:
			return invalid(CodeBody, "proxy", "proxy is mandatory.")
		}
		if err := checkHostname(*in.Hostname); err != nil {
			return err
		}
		h.Hostname = *in.Hostname
	}
	if in.Servers != nil {
		servers := append([]Server(nil), in.Servers...)
		if err := checkServers(servers); err != nil {
			return err
		}
		h.Servers = servers
	}
	if in.Proxy != nil {
		h.Proxy = *in.Proxy
	}
	if in.LBAlgorithm != nil {
		if err := oneOf("lb_algorithm", *in.LBAlgorithm, "ip_hash", "round_robin", "session_hash"); err != nil {
			return err
		}
		h.LBAlgorithm = *in.LBAlgorithm
	}
	set := func(dst *string, src *string, max int, field string) error {
		if src == nil {
			return nil
		}
		if len(*src) > max {
			return invalid(CodeBody, field, "%s must be at most %d characters.", field, max)
		}
		*dst = *src
		return nil
	}
	for _, f := range []struct {
		dst   *string
		src   *string
		field string
	}{
		{&h.CertificateID, in.CertificateID, "certificateid"},
		{&h.CertificateName, in.CertificateName, "certificatename"},
		{&h.WebTag, in.WebTag, "web_tag"},
	} {
		if err := set(f.dst, f.src, 256, f.field); err != nil {
			return err
		}
	}
	if in.Description != nil {
		if err := checkDescription(*in.Description); err != nil {
			return err
		}
		h.Description = *in.Description
	}
	if in.PaidType != nil {
		if err := oneOf("paid_type", *in.PaidType, "prePaid", "postPaid"); err != nil {
			return err
		}
		h.PaidType = *in.PaidType
	}
	if in.TLS != nil {
		if err := oneOf("tls", *in.TLS, "TLS v1.0", "TLS v1.1", "TLS v1.2", "TLS v1.3"); err != nil {
			return err
		}
		h.TLS = *in.TLS
	}
	if in.Cipher != nil {
		if err := oneOf("cipher", *in.Cipher, "cipher_1", "cipher_2", "cipher_3", "cipher_4", "cipher_5", "cipher_6", "cipher_default"); err != nil {
			return err
		}
		h.Cipher = *in.Cipher
	}
	if in.ExclusiveIP != nil {
		h.ExclusiveIP = *in.ExclusiveIP
	}
	if in.HTTP2Enable != nil {
		h.HTTP2Enable = *in.HTTP2Enable
	}
	if in.ForwardHeaderMap != nil {
		if len(in.ForwardHeaderMap) > 20 {
			return invalid(CodeExceedLimit, "forward_header_map", "forward_header_map holds more than 20 headers.")
		}
		h.ForwardHeaderMap = in.ForwardHeaderMap
	}
	for k, v := range in.Extra {
		if h.Extra == nil {
			h.Extra = map[string]any{}
		}
		h.Extra[k] = v
	}
	if h.Protocol() != "HTTP" && h.CertificateID == "" {
		return invalid(CodeBody, "certificateid", "certificateid is mandatory when a server's front_protocol is HTTPS.")
	}
	return nil
}
