package proxy

import (
	"context"
	"net/http"
	"net/netip"
	"strings"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
)

// ServeHTTP serves a request that net/http parsed (HTTP/2, and upgrades
// handed over by the HTTP/1.1 server): see admit and protect for the
// checks; then the request goes to an upstream server of the host.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == "PRI" && r.ProtoMajor == 2 {
		// The HTTP/2 preface read as an HTTP/1 request ("PRI * HTTP/2.0"):
		// never an origin's business; the server closes the connection.
		pageHTTP2Preface.write(w, r, "")
		return
	}
	host := requestHost(r)
	x := stdRequest{r}
	c, ans := p.admit(r.Context(), x, host, peerAddr(r))
	if ans.stops() {
		writeAnswer(w, r, ans)
		return
	}
	pl := c.rt.pool(r.TLS != nil)
	if pl == nil { // a host without servers cannot be stored; be safe
		c.rt.metrics.count(pageBadGateway.Status)
		pageBadGateway.write(w, r, "")
		return
	}
	p.serveWithDeadlines(pl.rp, w, r, c)
}

// admit routes a request by its host and runs the address decision: an
// unknown host gets the 404 page; a protected host (protect_status 1) is
// decided by the project's engine on the client address (block → 418 block
// page; log → recorded and let on; an allow rule → let on without further
// checks). The webCheck it returns carries what protect runs next.
func (p *Proxy) admit(ctx context.Context, x clientRequest, host string, peer netip.Addr) (webCheck, answer) {
	rt := p.table.Load().lookup(host)
	if rt == nil {
		p.metrics.unknown.count(pageUnknownHost.Status)
		return webCheck{}, answer{page: &pageUnknownHost}
	}
	c := webCheck{rt: rt, host: host}
	if rt.protect != 1 {
		return c, answer{}
	}
	c.client, _ = p.clientAddr(peer, x)
	return p.decideAddress(ctx, x, c)
}

// decideAddress runs the address decision of a request to a protected
// route whose client address c holds: see admit.
func (p *Proxy) decideAddress(ctx context.Context, x clientRequest, c webCheck) (webCheck, answer) {
	rt := c.rt
	c.web, c.rules = rt.web, rt.rules
	d, ok := p.decide(ctx, rt, c.host, c.client)
	if !ok {
		return c, answer{}
	}
	switch {
	case d.Action == decision.ActionBlock:
		id := p.record(x, c, &d, nil)
		rt.metrics.count(pageBlocked.Status)
		return c, blocked(id, d.RuleType, d.RuleID)
	case d.Action == decision.ActionLog:
		p.record(x, c, &d, nil)
	case d.RuleType != decision.RuleNone:
		c.web, c.rules = nil, nil // an allow rule: trusted, not inspected
	}
	return c, answer{}
}

// writeAnswer sends the checks' answer to a net/http client.
func writeAnswer(w http.ResponseWriter, r *http.Request, a answer) {
	if a.cc != nil {
		writeCCResponse(w, a.cc)
		return
	}
	a.page.write(w, r, a.eventID)
}

// webCheck is what the policy checks of one request need.
type webCheck struct {
	rt     *route
	web    *webProtection // nil: not inspected
	rules  PolicyRules    // nil: no precise-protection, CC or known-attack-source checks
	host   string
	client netip.Addr
}

// inspect runs the basic web protection on the request (whose view
// protect filled), reading a bounded body prefix into v when the
// inspector looks at bodies (the origin still gets the whole body). A
// detection is recorded; in block mode the source is punished when the
// policy's action.followed_action_id names a known-attack-source rule, and,
// when respond is set, the block page answers the request.
func (p *Proxy) inspect(x clientRequest, c webCheck, v *view, respond bool) answer {
	in := c.web.inspector
	if !in.Config().CheckAllHeaders {
		v.basicHeaders()
	}
	x.readBody(v, in)
	verdict := c.web.check(c.host, &v.req)
	if !verdict.Detected() {
		return noAnswer
	}
	d := decision.Decision{Action: decision.ActionLog, RuleID: verdict.RuleID}
	if c.web.block {
		d.Action = decision.ActionBlock
	}
	p.metrics.webAttacks[d.Action].Add(1)
	id := p.record(x, c, &d, &verdict)
	if d.Action != decision.ActionBlock {
		return noAnswer
	}
	p.punish(x, c, v, c.rt.followedActionID, p.now())
	if !respond {
		return noAnswer
	}
	c.rt.metrics.count(pageBlocked.Status)
	return blocked(id, decision.RuleNone, verdict.RuleID)
}

// noAnswer lets a request through.
var noAnswer answer

// decide asks the project's engine. When the engine cannot be loaded (the
// store is unreadable and the project was never loaded) the request is
// let through: availability first, and the error is logged.
func (p *Proxy) decide(ctx context.Context, rt *route, host string, client netip.Addr) (decision.Decision, bool) {
	dec, err := p.deps.Decisions.Decider(ctx, rt.projectID)
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
func (p *Proxy) record(x clientRequest, c webCheck, d *decision.Decision, verdict *inspect.Verdict) string {
	return p.recordKey(x, c, d, verdict, "", "")
}

// recordKey is record with the source of a CC or known-attack-source
// event (Event.Key, Event.KeyKind). The request's strings are copied: the
// event outlives the request's buffers.
func (p *Proxy) recordKey(x clientRequest, c webCheck, d *decision.Decision, verdict *inspect.Verdict, key, keyKind string) string {
	countEvent(c.rt, d, verdict)
	id := p.eventID()
	if p.deps.Events == nil {
		return id
	}
	rt, client := c.rt, c.client
	ev := Event{Time: p.now(), ProjectID: rt.projectID, EnterpriseProjectID: rt.epID, HostID: rt.hostID, Hostname: strings.Clone(c.host),
		PolicyID: d.PolicyID, ClientIP: client, RuleType: d.RuleType, RuleID: d.RuleID, Action: d.Action, Method: strings.Clone(x.method()),
		URL: strings.Clone(x.requestURI()), EventID: id, Key: strings.Clone(key), KeyKind: keyKind}
	if verdict != nil {
		ev.Attack, ev.AttackLocation, ev.Excerpt = verdict.Attack, strings.Clone(verdict.Location), strings.Clone(verdict.Excerpt)
	}
	if ev.PolicyID == "" {
		ev.PolicyID = rt.policyID
	}
	if _, ok := x.(*fauthRequest); ok && d.Action == decision.ActionBlock {
		ev.Status = fauthBlockStatus
	}
	if p.deps.Locator != nil && client.IsValid() {
		country, province, tags := p.deps.Locator.Lookup(client)
		ev.Location = province
		if !province.Valid() {
			ev.Location = country
		}
		ev.IDCTag = tags.First()
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
