package proxy

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/valyala/fasthttp"
)

// hopByHop are the headers of one connection (RFC 9110, section 7.6.1),
// never forwarded: the HTTP/1.1 server's upstream client frames the
// request and manages its connection itself. Upgrade requests are served
// by the net/http path (see Server), so Upgrade is always dropped here.
// Trailer is dropped too: the trailer fields of a chunked body are sent
// again by forwardFast. Proxy-Authorization and Proxy-Authenticate are
// meant for a proxy, as net/http's reverse proxy reads them.
var hopByHop = [...]string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "Te", "Trailer",
	"Transfer-Encoding", "Upgrade", "Http2-Settings"}

// prepareUpstreamHeader turns the copy of the client's header into the
// origin's: the hop-by-hop headers and those the client's Connection header
// names are removed, as are forwarding headers spelt with underscores (see
// dropUnderscoreForwarding). One pass over the header finds what to
// remove; a request that has none of them costs no deletion.
func prepareUpstreamHeader(out *fasthttp.RequestHeader, in *fasthttp.Request) {
	for _, conn := range in.Header.PeekAll("Connection") {
		for tok := range strings.SplitSeq(b2s(conn), ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				out.Del(tok)
			}
		}
	}
	var found hopSet
	var drop [][]byte // allocated only when a client sends such a spelling
	for k := range out.All() {
		if i := hopByHopIndex(k); i >= 0 {
			found.add(i)
		} else if strings.IndexByte(b2s(k), '_') >= 0 && isForwardingName(b2s(k)) {
			drop = append(drop, append([]byte(nil), k...))
		}
	}
	for i := range found.each() {
		out.Del(hopByHop[i])
	}
	out.ResetConnectionClose()
	for _, k := range drop {
		out.DelBytes(k)
	}
	for _, c := range out.PeekAll("Cookie") {
		if hasConsoleCookie(c) {
			out.DelCookie(rampart.ConsoleCookie)
			break
		}
	}
}

// cleanResponseHeader removes the hop-by-hop headers of an origin's answer
// and those its Connection header names; the server writes its own
// Connection header for the client's connection.
func cleanResponseHeader(h *fasthttp.ResponseHeader) {
	var names []string // allocated only when the origin names headers
	for _, conn := range h.PeekAll("Connection") {
		for tok := range strings.SplitSeq(b2s(conn), ",") {
			if tok = strings.TrimSpace(tok); tok != "" && !strings.EqualFold(tok, "close") && !strings.EqualFold(tok, "keep-alive") {
				names = append(names, strings.Clone(tok)) // Del changes the header's buffers
			}
		}
	}
	for _, name := range names {
		h.Del(name)
	}
	var found hopSet
	for k := range h.All() {
		if i := hopByHopIndex(k); i >= 0 {
			found.add(i)
		}
	}
	for i := range found.each() {
		if name := hopByHop[i]; name != "Transfer-Encoding" && name != "Trailer" {
			h.Del(name)
		}
	}
	if found.has(hopTrailer) && h.ContentLength() >= 0 {
		h.Del("Trailer") // no chunked body to carry trailer fields
	}
	h.ResetConnectionClose()
}

// hopTrailer is the index of Trailer in hopByHop.
var hopTrailer = slices.Index(hopByHop[:], "Trailer")

// hopSet is a set of indexes of hopByHop.
type hopSet uint16

func (s *hopSet) add(i int)     { *s |= 1 << i }
func (s hopSet) has(i int) bool { return s&(1<<i) != 0 }

// each yields the indexes in the set.
func (s hopSet) each() func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range len(hopByHop) {
			if s.has(i) && !yield(i) {
				return
			}
		}
	}
}

// hopByHopIndex returns the index of name in hopByHop (ignoring case), or
// -1.
func hopByHopIndex(name []byte) int {
	for i, h := range hopByHop {
		if len(h) == len(name) && (h[0]|0x20) == (name[0]|0x20) && strings.EqualFold(h, b2s(name)) {
			return i
		}
	}
	return -1
}

// setForwardedFast is setForwarded for the HTTP/1.1 server:
// X-Forwarded-For extends a trusted peer's list, else is replaced by the
// peer's address; X-Real-IP is the client address; X-Forwarded-Proto is a
// trusted peer's, else the client connection's scheme; X-Forwarded-Host
// is the Host the origin gets.
func (p *Proxy) setForwardedFast(h *fasthttp.RequestHeader, in *fasthttp.Request, peer, client netip.Addr, trusted, isTLS bool) {
	var buf [512]byte // the list is built here unless it is longer
	proto := "http"
	if isTLS {
		proto = "https"
	}
	xff := buf[:0]
	if trusted {
		for _, v := range in.Header.PeekAll("X-Forwarded-For") {
			xff = append(append(xff, v...), ", "...)
		}
		if v := b2s(in.Header.Peek("X-Forwarded-Proto")); v == "http" || v == "https" {
			proto = v
		}
	}
	xff = peer.AppendTo(xff)
	h.SetBytesV("X-Forwarded-For", xff)
	h.Set("X-Forwarded-Proto", proto)
	h.SetBytesV("X-Forwarded-Host", h.Host())
	if !client.IsValid() {
		h.Del("X-Real-Ip")
		return
	}
	h.SetBytesV("X-Real-Ip", client.AppendTo(buf[:0]))
}
