package proxy

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies parses a comma-separated list of CIDR prefixes or
// single addresses.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither a CIDR prefix nor an address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// peerAddr returns the address of the connection's peer.
func peerAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// trusted reports whether a is one of the trusted proxies.
func (p *Proxy) trusted(a netip.Addr) bool {
	for _, pr := range p.cfg.TrustedProxies {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is clientAddr of a net/http request.
func (p *Proxy) clientIP(r *http.Request) (netip.Addr, bool) {
	return p.clientAddr(peerAddr(r), stdRequest{r})
}

// forwardedClient is the client a trusted peer names: the right-most
// address of the request's X-Forwarded-For values that is not a trusted
// proxy (the left-most when all are), else X-Real-IP, else the peer.
func (p *Proxy) forwardedClient(peer netip.Addr, x clientRequest) netip.Addr {
	var leftmost netip.Addr
	n := 0
	for _, ok := x.headerValue("X-Forwarded-For", n); ok; _, ok = x.headerValue("X-Forwarded-For", n) {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		v, _ := x.headerValue("X-Forwarded-For", i)
		for v != "" {
			var f string
			if j := strings.LastIndexByte(v, ','); j >= 0 {
				f, v = v[j+1:], v[:j]
			} else {
				f, v = v, ""
			}
			a, err := netip.ParseAddr(strings.TrimSpace(f))
			if err != nil {
				// An unparsable hop: nothing left of it can be trusted.
				if leftmost.IsValid() {
					return leftmost
				}
				return peer
			}
			a = a.Unmap()
			if !p.trusted(a) {
				return a
			}
			leftmost = a
		}
	}
	if leftmost.IsValid() {
		return leftmost
	}
	if a, err := netip.ParseAddr(strings.TrimSpace(x.header("X-Real-Ip"))); err == nil {
		return a.Unmap()
	}
	return peer
}
