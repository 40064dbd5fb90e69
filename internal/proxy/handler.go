package proxy

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
)

// ServeHTTP routes a client request: unknown host → 404 page; a protected
// host (protect_status 1) is decided by the project's engine on the client
// address (block → 418 block page; log → recorded and forwarded; an allow
// rule → forwarded without further checks), then by the known-attack-source,
// precise-protection, CC and basic web protection of the host's policy (see
// docs/decisions.md); then the request goes to an upstream server of the
// host.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == "PRI" && r.ProtoMajor == 2 {
		// The HTTP/2 preface read as an HTTP/1 request ("PRI * HTTP/2.0"):
		// never an origin's business; the server closes the connection.
		pageHTTP2Preface.write(w, r, "")
		return
	}
	host := requestHost(r)
	rt := p.table.Load().lookup(host)
	if rt == nil {
		p.metrics.unknown.count(pageUnknownHost.Status)
		pageUnknownHost.write(w, r, "")
		return
	}
	c := webCheck{rt: rt, host: host}
	if rt.protect == 1 {
		c.client, _ = p.clientIP(r)
		c.web, c.rules = rt.web, rt.rules
		if d, ok := p.decide(r, rt, host, c.client); ok {
			switch {
			case d.Action == decision.ActionBlock:
				id := p.record(r, c, &d, nil)
				rt.metrics.count(pageBlocked.Status)
				pageBlocked.write(w, r, id)
				return
			case d.Action == decision.ActionLog:
				p.record(r, c, &d, nil)
			case d.RuleType != decision.RuleNone:
				c.web, c.rules = nil, nil // an allow rule: trusted, not inspected
			}
		}
	}
	pl := rt.pool(r.TLS != nil)
	if pl == nil { // a host without servers cannot be stored; be safe
		rt.metrics.count(pageBadGateway.Status)
		pageBadGateway.write(w, r, "")
		return
	}
	p.serveWithDeadlines(pl.rp, w, r, c)
}

// webCheck is what the policy checks of one request need.
type webCheck struct {
	rt     *route
	web    *webProtection // nil: not inspected
	rules  PolicyRules    // nil: no precise-protection, CC or known-attack-source checks
	host   string
	client netip.Addr
}

// inspect runs the basic web protection on r (whose view protect
// filled), reading a bounded body prefix into v when the inspector looks
// at bodies (r.Body then serves the prefix and the rest). A detection is
// recorded; in block mode the source is punished when the policy's
// action.followed_action_id names a known-attack-source rule, and, when
// answer is set, the block page is sent and inspect reports true (the
// request is answered).
func (p *Proxy) inspect(w http.ResponseWriter, r *http.Request, c webCheck, v *view, answer bool) bool {
	in := c.web.inspector
	if !in.Config().CheckAllHeaders {
		v.basicHeaders()
	}
	if wantsBody(r, in) {
		v.readBody(r)
	}
	verdict := c.web.check(c.host, &v.req)
	if !verdict.Detected() {
		return false
	}
	d := decision.Decision{Action: decision.ActionLog, RuleID: verdict.RuleID}
	if c.web.block {
		d.Action = decision.ActionBlock
	}
	p.metrics.webAttacks[d.Action].Add(1)
	id := p.record(r, c, &d, &verdict)
	if d.Action != decision.ActionBlock {
		return false
	}
	p.punish(r, c, v, c.rt.followedActionID, p.now())
	if !answer {
		return false
	}
	c.rt.metrics.count(pageBlocked.Status)
	pageBlocked.write(w, r, id)
	return true
}

// decide asks the project's engine. When the engine cannot be loaded (the
// store is unreadable and the project was never loaded) the request is
// let through: availability first, and the error is logged.
func (p *Proxy) decide(r *http.Request, rt *route, host string, client netip.Addr) (decision.Decision, bool) {
	dec, err := p.deps.Decisions.Decider(r.Context(), rt.projectID)
	if err != nil {
		p.log.Warn("proxy: no decision engine; request let through", "project_id", rt.projectID, "err", err)
		return decision.Decision{}, false
	}
	d := dec.DecideWAF(host, client, p.now())
	p.metrics.decisions[d.Action][d.RuleType].Add(1)
	return d, true
}

// record hands a block or log decision (and, for basic web protection, the
// verdict) to the event sink and returns the event ID. It never waits: a
// full queue drops the event (counted).
func (p *Proxy) record(r *http.Request, c webCheck, d *decision.Decision, verdict *inspect.Verdict) string {
	return p.recordKey(r, c, d, verdict, "", "")
}

// recordKey is record with the source of a CC or known-attack-source
// event (Event.Key, Event.KeyKind).
func (p *Proxy) recordKey(r *http.Request, c webCheck, d *decision.Decision, verdict *inspect.Verdict, key, keyKind string) string {
	id := p.eventID()
	if p.deps.Events == nil {
		return id
	}
	rt, client := c.rt, c.client
	ev := Event{Time: p.now(), ProjectID: rt.projectID, EnterpriseProjectID: rt.epID, HostID: rt.hostID, Hostname: c.host, PolicyID: d.PolicyID,
		ClientIP: client, RuleType: d.RuleType, RuleID: d.RuleID, Action: d.Action, Method: r.Method,
		URL: r.RequestURI, EventID: id, Key: key, KeyKind: keyKind}
	if verdict != nil {
		ev.Attack, ev.AttackLocation, ev.Excerpt = verdict.Attack, verdict.Location, verdict.Excerpt
	}
	if ev.PolicyID == "" {
		ev.PolicyID = rt.policyID
	}
	if p.deps.Locator != nil && client.IsValid() {
		country, province, tags := p.deps.Locator.Lookup(client)
		ev.Location = province
		if !province.Valid() {
			ev.Location = country
		}
		ev.IDCTag = tags.First()
	}
	if ev.URL == "" && r.URL != nil {
		ev.URL = r.URL.RequestURI()
	}
	if p.deps.Events.Record(ev) {
		p.metrics.recorded.Add(1)
	} else {
		p.metrics.dropped.Add(1)
	}
	return id
}

// requestHost returns the request's host name in lower case without a
// port: the Host header (HTTP/2 :authority), else the TLS server name.
func requestHost(r *http.Request) string {
	h := r.Host
	if h == "" && r.TLS != nil {
		h = r.TLS.ServerName
	}
	return lowerHost(stripPort(h))
}

// stripPort removes a ":port" suffix and IPv6 brackets.
func stripPort(h string) string {
	if h == "" {
		return h
	}
	if h[0] == '[' {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
		return h
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && strings.IndexByte(h, ':') == i {
		return h[:i]
	}
	return h
}

// lowerHost lower-cases a host name, allocating only when it has upper
// case letters, and drops a trailing dot.
func lowerHost(h string) string {
	h = strings.TrimSuffix(h, ".")
	for i := 0; i < len(h); i++ {
		if c := h[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(h)
		}
	}
	return h
}
