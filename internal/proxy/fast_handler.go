package proxy

import (
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/valyala/fasthttp"
)

// serveFast serves a request the HTTP/1.1 server parsed: the checks of
// admit and protect, then the forwarding to an upstream server over the
// server's pooled connections (forwardFast).
func (p *Proxy) serveFast(ctx *fasthttp.RequestCtx) {
	x := fastRequest{ctx}
	peer := fastPeer(ctx)
	var c webCheck
	if early, ok := ctx.UserValue(admittedKey{}).(*webCheck); ok {
		c = *early // admitted before "100 Continue" (Server.expectFast)
	} else {
		var ans answer
		if c, ans = p.admit(ctx, x, fastHost(ctx), peer); ans.stops() {
			writeFastAnswer(ctx, ans)
			return
		}
	}
	pl := c.rt.pool(ctx.IsTLS())
	if pl == nil { // a host without servers cannot be stored; be safe
		c.rt.metrics.count(pageBadGateway.Status)
		writeFastAnswer(ctx, answer{page: &pageBadGateway})
		return
	}
	var v *view
	if c.web != nil || c.rules != nil {
		v = getView()
		defer v.release()
		if a := p.protect(x, c, v); a.stops() {
			writeFastAnswer(ctx, a)
			return
		}
	}
	p.forwardFast(ctx, c, pl, peer, v)
}

// admittedKey keys, in a request's user values, the webCheck of a request
// admitted before "100 Continue" (Server.expectFast).
type admittedKey struct{}

// fastHost is requestHost for the HTTP/1.1 server: the Host header (or the
// host of an absolute-form request target), else the TLS server name.
func fastHost(ctx *fasthttp.RequestCtx) string {
	h := b2s(ctx.Request.Host())
	if h == "" {
		if st := ctx.TLSConnectionState(); st != nil {
			h = st.ServerName
		}
	}
	return lowerHost(stripPort(h))
}

// fastPeer is the address of the connection's peer.
func fastPeer(ctx *fasthttp.RequestCtx) netip.Addr {
	if a, ok := ctx.RemoteAddr().(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// writeFastAnswer sends the checks' answer to an HTTP/1.1 client.
func writeFastAnswer(ctx *fasthttp.RequestCtx, a answer) {
	h := &ctx.Response.Header
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if a.cc != nil {
		h.SetContentType(ccContentType(a.cc))
		ctx.SetStatusCode(fasthttp.StatusTeapot)
		ctx.SetBodyString(a.cc.Content)
		return
	}
	ct, body := a.page.render(b2s(ctx.Request.Header.Peek("Accept")), a.eventID)
	h.SetContentType(ct)
	ctx.SetStatusCode(a.page.Status)
	ctx.SetBody(body)
}

// forwardFast sends the request to a server of the pool chosen by the
// pool's algorithm and passes its answer on, streaming both bodies. A
// server that cannot be connected to is marked down and another one is
// tried; other failures answer 502, or 504 when the origin timed out.
func (p *Proxy) forwardFast(ctx *fasthttp.RequestCtx, c webCheck, pl *pool, peer netip.Addr, v *view) {
	in := &ctx.Request
	out := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(out)
	in.Header.CopyTo(&out.Header)
	var body *clientBody
	defer func() {
		if body != nil {
			body.release() // after the upstream client is done with it
		}
	}()
	out.UseHostHeader = true
	client, trusted := c.client, len(p.cfg.TrustedProxies) > 0 && p.trusted(peer)
	if c.rt.protect != 1 { // admit resolved the client only for protected hosts
		client, trusted = p.clientAddr(peer, fastRequest{ctx})
	}
	prepareUpstreamHeader(&out.Header, in)
	if len(out.Header.Host()) == 0 {
		// HTTP/1.0 without Host over TLS was routed by the server name;
		// the origin gets that name too, not its own address.
		out.Header.SetHost(c.host)
	}
	p.setForwardedFast(&out.Header, in, peer, client, trusted, ctx.IsTLS())
	if cl := in.Header.ContentLength(); hasBody(&in.Header) {
		if v != nil && v.body != nil {
			body = newClientBody(ctx, v.body, p.cfg.ClientTimeout)
		} else if s := in.BodyStream(); s != nil {
			body = newClientBody(ctx, s, p.cfg.ClientTimeout)
		}
		if body != nil {
			if cl == -1 {
				// Trailer is hop-by-hop only in name: the fields it
				// declares go on with the chunked body.
				for k := range in.Header.Trailers() {
					_ = out.Header.AddTrailerBytes(k)
				}
				body.trailerTo = &out.Header
			}
			out.SetBodyStream(body, cl)
		} else {
			out.SetBody(in.Body())
		}
	}
	cookie := ""
	if pl.alg == algSessionHash {
		cookie = b2s(in.Header.Cookie(SessionCookie))
	}
	start := time.Now()
	s := pl.pick(cookie, client, start.UnixNano())
	resp := &ctx.Response
	var tried [8]*upstream
	n := 0
	for {
		if s.scheme == "https" {
			out.URI().SetScheme("https")
		} else {
			out.URI().SetScheme("http")
		}
		err := s.hc.Do(out, resp)
		if err == nil {
			break
		}
		var de *dialError
		if !errors.As(err, &de) {
			p.upstreamFailed(ctx, pl, err)
			return
		}
		now := time.Now().UnixNano()
		s.downUntil.Store(now + int64(downFor))
		if n < len(tried) {
			tried[n] = s
			n++
		}
		next := pl.another(tried[:n], now)
		if next == nil || n == len(tried) {
			p.upstreamFailed(ctx, pl, err)
			return
		}
		p.metrics.retries.Add(1)
		s = next
	}
	p.metrics.latency.observe(time.Since(start))
	cleanResponseHeader(&resp.Header)
	pl.metrics.countUpstream(resp.StatusCode())
}

// upstreamFailed answers a request the origin did not answer: 504 when it
// timed out, else 502.
func (p *Proxy) upstreamFailed(ctx *fasthttp.RequestCtx, pl *pool, err error) {
	pg := &pageBadGateway
	if isTimeout(err) || errors.Is(err, fasthttp.ErrTimeout) {
		pg = &pageGatewayTimeout
	}
	pl.metrics.count(pg.Status)
	p.log.Debug("proxy: upstream failed", "host", string(ctx.Request.Host()), "err", err)
	ctx.Response.Reset()
	writeFastAnswer(ctx, answer{page: pg})
}
