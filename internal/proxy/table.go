package proxy

import (
	"crypto/tls"
	"log/slog"
	"slices"
	"strings"

	"github.com/rampartsec/rampart/internal/waf"
)

// route is one protected host as the data plane serves it. A route is
// immutable once its table is published.
type route struct {
	projectID string
	epID      string // the host's enterprise project
	hostID    string
	hostname  string // as stored: "www.example.com" or "*.example.com"
	policyID  string
	protect   int // -1 bypass, 0 suspended, 1 protect
	certID    string
	cert      *tls.Certificate // nil: the default certificate
	plain     *pool            // servers whose front_protocol is HTTP
	tls       *pool            // servers whose front_protocol is HTTPS
	metrics   *hostMetrics
	web       *webProtection // nil: no basic web protection
	// The precise-protection, CC and known-attack-source rules of the
	// policy (nil: none), with the policy settings that order them.
	rules            PolicyRules
	fullDetection    bool
	followedActionID string
	scope            string // "project/policy": the penalty box's scope of the route's punished sources
	marks            trafficMarks
}

// pool picks the pool for a request: the servers of the request's front
// protocol, else (none configured for it) the others.
func (rt *route) pool(isTLS bool) *pool {
	if isTLS {
		if rt.tls != nil {
			return rt.tls
		}
		return rt.plain
	}
	if rt.plain != nil {
		return rt.plain
	}
	return rt.tls
}

// table maps request host names to routes. A table is immutable; the proxy
// swaps in a new one when a WAF revision changes.
type table struct {
	exact map[string]*route
	wild  map[string]*route // ".example.com" for "*.example.com"
}

// lookup finds the route of a lower-case host name without a port: an
// exact name, else the most specific "*.suffix" wildcard.
func (t *table) lookup(host string) *route {
	if rt, ok := t.exact[host]; ok {
		return rt
	}
	if len(t.wild) == 0 {
		return nil
	}
	for rest := host; ; {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			return nil
		}
		suffix := rest[dot:]
		if rt, ok := t.wild[suffix]; ok {
			return rt
		}
		rest = suffix[1:]
	}
}

// buildTable compiles hosts (oldest first) into a table. When projects
// protect the same host name, the oldest host wins and the conflict is
// logged. prepare sets up the forwarding of one pool; cert loads a host's
// certificate (nil: the default certificate); prot holds what is enforced
// of each "project/policy" (absent or nil: nothing but the address rules).
func buildTable(hosts []*waf.Host, m *metrics, prepare func(*pool),
	cert func(h *waf.Host) *tls.Certificate, prot map[string]*policyProtection, log *slog.Logger) *table {
	t := &table{exact: map[string]*route{}, wild: map[string]*route{}}
	hosts = slices.Clone(hosts)
	slices.SortStableFunc(hosts, func(a, b *waf.Host) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, h := range hosts {
		name := strings.ToLower(h.Hostname)
		dst, key := t.exact, name
		if suffix, ok := strings.CutPrefix(name, "*"); ok && strings.HasPrefix(suffix, ".") {
			dst, key = t.wild, suffix
		}
		if prev, ok := dst[key]; ok {
			log.Warn("proxy: host name protected by more than one project; the oldest host is served",
				"hostname", name, "served_project", prev.projectID, "served_host", prev.hostID,
				"ignored_project", h.ProjectID, "ignored_host", h.ID)
			continue
		}
		rt := &route{projectID: h.ProjectID, epID: h.EnterpriseProjectID, hostID: h.ID, hostname: name, policyID: h.PolicyID,
			protect: h.ProtectStatus, certID: h.CertificateID, metrics: m.host(name)}
		if pp := prot[h.ProjectID+"/"+h.PolicyID]; h.ProtectStatus == 1 && pp != nil {
			rt.web, rt.rules, rt.fullDetection, rt.followedActionID = pp.web, pp.rules, pp.fullDetection, pp.followedActionID
			rt.scope = h.ProjectID + "/" + h.PolicyID
			rt.marks = trafficMarksOf(h)
		}
		var plain, secure []waf.Server
		for _, s := range h.Servers {
			if s.FrontProtocol == "HTTPS" {
				secure = append(secure, s)
			} else {
				plain = append(plain, s)
			}
		}
		rt.plain = newPool(plain, h.LBAlgorithm, rt.metrics)
		rt.tls = newPool(secure, h.LBAlgorithm, rt.metrics)
		for _, p := range []*pool{rt.plain, rt.tls} {
			if p != nil {
				prepare(p)
			}
		}
		if h.CertificateID != "" && cert != nil {
			rt.cert = cert(h)
		}
		dst[key] = rt
	}
	return t
}
