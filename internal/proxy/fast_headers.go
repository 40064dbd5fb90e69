package proxy

import (
	"net/netip"
	"strings"

	"github.com/valyala/fasthttp"
)

// hopByHop are the headers of one connection (RFC 9110, section 7.6.1),
// never forwarded: the HTTP/1.1 server's upstream client frames the
// request and manages its connection itself. Upgrade requests are served
// by the net/http path (see Server), so Upgrade is always dropped here.
var hopByHop = [...]string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Http2-Settings"}

// prepareUpstreamHeader turns the copy of the client's header into the
// origin's: the hop-by-hop headers and those the client's Connection header
// names are removed, as are forwarding headers spelt with underscores (see
// dropUnderscoreForwarding).
func prepareUpstreamHeader(out *fasthttp.RequestHeader, in *fasthttp.Request) {
	if conn := in.Header.Peek("Connection"); len(conn) > 0 {
		for tok := range strings.SplitSeq(b2s(conn), ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				out.Del(tok)
			}
		}
	}
	for _, h := range hopByHop {
		out.Del(h)
	}
	out.ResetConnectionClose()
	var drop [4][]byte
	n := 0
	for k := range out.All() {
		if n < len(drop) && strings.IndexByte(b2s(k), '_') >= 0 && isForwardingName(b2s(k)) {
			drop[n] = append([]byte(nil), k...)
			n++
		}
	}
	for _, k := range drop[:n] {
		out.DelBytes(k)
	}
}

// cleanResponseHeader removes the hop-by-hop headers of an origin's answer
// and those its Connection header names; the server writes its own
// Connection header for the client's connection.
func cleanResponseHeader(h *fasthttp.ResponseHeader) {
	if conn := h.Peek("Connection"); len(conn) > 0 {
		for tok := range strings.SplitSeq(string(conn), ",") {
			if tok = strings.TrimSpace(tok); tok != "" && !strings.EqualFold(tok, "close") && !strings.EqualFold(tok, "keep-alive") {
				h.Del(tok)
			}
		}
	}
	for _, name := range hopByHop {
		if name != "Transfer-Encoding" && name != "Trailer" {
			h.Del(name)
		}
	}
	h.ResetConnectionClose()
}

// setForwardedFast is setForwarded for the HTTP/1.1 server:
// X-Forwarded-For extends a trusted peer's list, else is replaced by the
// peer's address; X-Real-IP is the client address; X-Forwarded-Proto is a
// trusted peer's, else the client connection's scheme; X-Forwarded-Host
// is the Host the origin gets.
func (p *Proxy) setForwardedFast(h *fasthttp.RequestHeader, in *fasthttp.Request, peer, client netip.Addr, trusted, isTLS bool) {
	var buf [64]byte
	proto := "http"
	if isTLS {
		proto = "https"
	}
	xff := peer.AppendTo(buf[:0])
	if trusted {
		if prior := in.Header.PeekAll("X-Forwarded-For"); len(prior) > 0 {
			var list []byte
			for _, v := range prior {
				list = append(append(list, v...), ", "...)
			}
			xff = append(list, xff...)
		}
		if v := b2s(in.Header.Peek("X-Forwarded-Proto")); v == "http" || v == "https" {
			proto = v
		}
	}
	h.SetBytesV("X-Forwarded-For", xff)
	h.Set("X-Forwarded-Proto", proto)
	h.SetBytesV("X-Forwarded-Host", h.Host())
	if !client.IsValid() {
		h.Del("X-Real-Ip")
		return
	}
	h.SetBytesV("X-Real-Ip", client.AppendTo(buf[:0]))
}
