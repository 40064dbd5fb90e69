package proxy

import (
	"net"
	"net/netip"

	"github.com/valyala/fasthttp"

	"github.com/rampartsec/rampart/internal/decision"
)

// ForwardAuthConfig tunes the forward-auth endpoint (Server.ServeForwardAuth).
type ForwardAuthConfig struct {
	// Trusted are the askers' addresses answered without a key; they may
	// ask about the hosts of every project.
	Trusted []netip.Prefix
	// AllowUnknownHosts answers 200 for a host Rampart does not protect,
	// or that belongs to another project than the asker's key; otherwise
	// such a question gets 403.
	AllowUnknownHosts bool
	// PathPrefix is removed from the asker's own request target when no
	// header carries the original one (Envoy ext_authz's path_prefix).
	PathPrefix string
}

// fauthMaxBody bounds the body of a question (the askers send none; a body
// is read and ignored).
const fauthMaxBody = 64 << 10

// ServeForwardAuth answers forward-auth questions on ln until Shutdown or
// Close: every request, whatever its method and path, asks whether the
// original request it describes (see originalRequest) may pass. The asker
// authenticates with a bouncer key of the WAF layer (X-Api-Key), which
// bounds the hosts it may ask about to its project's, or by its address
// (cfg.Trusted). The original request runs through the data plane's checks
// that need no body: address rules (emergency entries, black and white
// lists, geolocation, reputation), known attack sources, precise
// protection, CC and basic web protection of the URL and headers. The
// answer is 200 with no body to let it pass, 403 with the block page to
// stop it (see writeFauthBlock); a block or log is recorded as the data
// plane records it.
func (s *Server) ServeForwardAuth(ln net.Listener, cfg ForwardAuthConfig) error {
	fa := &forwardAuth{p: s.p, cfg: cfg}
	fs := &fasthttp.Server{
		Handler:                      fa.serve,
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		DisablePreParseMultipartForm: true,
		MaxRequestBodySize:           fauthMaxBody,
		ReadBufferSize:               s.cfg.MaxHeaderBytes,
		WriteBufferSize:              4 << 10,
		ReadTimeout:                  s.cfg.ReadHeaderTimeout,
		IdleTimeout:                  s.cfg.IdleTimeout,
		CloseOnShutdown:              true,
		Logger:                       fastLogger{s.p.log},
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.fast = append(s.fast, fs)
	s.mu.Unlock()
	return closedErr(fs.Serve(ln))
}

// forwardAuth is the forward-auth endpoint of a data plane.
type forwardAuth struct {
	p   *Proxy
	cfg ForwardAuthConfig
}

// serve answers one question.
func (fa *forwardAuth) serve(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	peer := fastPeer(ctx)
	project, refused := fa.asker(h.Peek(hdrAPIKey), peer)
	if refused != 0 {
		fa.p.metrics.fauthRefused.Add(1)
		refuseAsker(ctx, refused)
		return
	}
	a, known := fa.decide(ctx, peer, project)
	switch {
	case !known:
		fa.unknownHost(ctx)
	case a.stops():
		fa.p.metrics.fauthBlocked.Add(1)
		writeFauthBlock(ctx, a)
	default:
		fa.p.metrics.fauthAllowed.Add(1)
	}
}

// decide runs the checks on the question's original request and answers
// it; a stopping answer is a block. known is false for a host the asker
// may not ask about or that Rampart does not protect.
func (fa *forwardAuth) decide(ctx *fasthttp.RequestCtx, peer netip.Addr, project string) (a answer, known bool) {
	method, uri, host := originalRequest(&ctx.Request.Header, fa.cfg.PathPrefix)
	x := fauthRequests.Get().(*fauthRequest)
	*x = fauthRequest{ctx: ctx, meth: method, uri: uri}
	defer func() { *x = fauthRequest{}; fauthRequests.Put(x) }()
	rt := fa.p.table.Load().lookup(host)
	if rt == nil || (project != "" && rt.projectID != project) {
		return noAnswer, false
	}
	if rt.protect != 1 {
		return noAnswer, true
	}
	// The asker is authenticated: the client it names is believed.
	c := webCheck{rt: rt, host: host, client: fa.p.forwardedClient(peer, x)}
	c, a = fa.p.decideAddress(ctx, x, c)
	if a.stops() || (c.web == nil && c.rules == nil) {
		return a, true
	}
	v := getView()
	defer v.release()
	return fa.p.protect(x, c, v), true
}

// asker authenticates the asker: by its key, whose project it returns
// (X-Api-Key: a bouncer key of the WAF layer), else by its address in the
// trusted list (project "": every project). refused is 0 when it is
// authenticated, 403 for a key that is not a forward-auth key (wrong,
// deleted, of another layer), 401 for no key from an untrusted address.
func (fa *forwardAuth) asker(key []byte, peer netip.Addr) (project string, refused int) {
	if len(key) > 0 {
		if project, ok := fa.p.keyProject(key); ok {
			return project, 0
		}
		return "", fasthttp.StatusForbidden
	}
	for _, pr := range fa.cfg.Trusted {
		if pr.Contains(peer) {
			return "", 0
		}
	}
	return "", fasthttp.StatusUnauthorized
}

// unknownHost answers a question about a host the asker may not ask about
// or Rampart does not protect: 200 with AllowUnknownHosts, else 403 with
// the unknown-host page.
func (fa *forwardAuth) unknownHost(ctx *fasthttp.RequestCtx) {
	fa.p.metrics.fauthUnknown.Add(1)
	ctx.Response.Header.Set("X-Rampart-Action", "unknown-host")
	if fa.cfg.AllowUnknownHosts {
		return
	}
	writeFastAnswer(ctx, answer{page: &pageUnknownHost})
	ctx.SetStatusCode(fasthttp.StatusForbidden)
}

// writeFauthBlock answers a blocked question: 403 (the status every asker
// passes on as a denial; nginx's auth_request takes no other) with the
// block page and the event ID in the body (or a CC rule's own response),
// and the deciding rule in X-Rampart-Action, X-Rampart-Rule-Type,
// X-Rampart-Rule and X-Rampart-Event-Id.
func writeFauthBlock(ctx *fasthttp.RequestCtx, a answer) {
	h := &ctx.Response.Header
	h.Set("X-Rampart-Action", "block")
	h.Set("X-Rampart-Rule-Type", ruleTypeName(a.rule))
	h.Set("X-Rampart-Rule", a.ruleID)
	h.Set("X-Rampart-Event-Id", a.eventID)
	writeFastAnswer(ctx, a)
	ctx.SetStatusCode(fauthBlockStatus)
}

// fauthBlockStatus is the status of a forward-auth block (and of its
// event).
const fauthBlockStatus = fasthttp.StatusForbidden

// ruleTypeName names a blocking rule's type as the decision API does;
// web_attack for basic web protection.
func ruleTypeName(t decision.RuleType) string {
	if t == decision.RuleNone {
		return "web_attack"
	}
	return t.String()
}

// refuseAsker answers an asker that is not authenticated; no decision is
// made.
func refuseAsker(ctx *fasthttp.RequestCtx, status int) {
	h := &ctx.Response.Header
	h.Set("Cache-Control", "no-store")
	h.SetContentType("application/json")
	ctx.SetStatusCode(status)
	if status == fasthttp.StatusUnauthorized {
		ctx.SetBodyString(`{"message":"forward auth: send a bouncer key of the WAF layer in X-Api-Key, or ask from a trusted address"}` + "\n")
		return
	}
	ctx.SetBodyString(`{"message":"access forbidden"}` + "\n")
}
