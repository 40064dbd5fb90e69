package proxy

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// Hop-by-hop request headers (Connection and every header it names,
// Keep-Alive, Proxy-Connection, TE, Trailer without trailers, an Upgrade
// the Connection header does not name) never reach the origin; the
// end-to-end ones do.
func TestWireHopByHopRequestHeaders(t *testing.T) {
	cases := []struct {
		name    string
		headers string
		gone    []string // must not reach the origin
		kept    map[string]string
	}{
		{name: "Connection names custom headers",
			headers: "Connection: keep-alive, X-Hop-A, x-hop-b\r\nX-Hop-A: 1\r\nX-Hop-B: 2\r\nX-End: 3\r\n",
			gone:    []string{"Connection", "X-Hop-A", "X-Hop-B"}, kept: map[string]string{"X-End": "3"}},
		{name: "Connection over two lines",
			headers: "Connection: X-Hop-A\r\nConnection: X-Hop-B\r\nX-Hop-A: 1\r\nX-Hop-B: 2\r\n",
			gone:    []string{"Connection", "X-Hop-A", "X-Hop-B"}},
		{name: "Keep-Alive and Proxy-Connection",
			headers: "Keep-Alive: timeout=5, max=100\r\nProxy-Connection: keep-alive\r\n",
			gone:    []string{"Keep-Alive", "Proxy-Connection"}},
		{name: "TE other than trailers",
			headers: "TE: gzip, deflate;q=0.5\r\n", gone: []string{"TE"}},
		{name: "Trailer on a request without trailers",
			headers: "Trailer: X-Checksum\r\n", gone: []string{"Trailer"}},
		{name: "Upgrade the Connection header does not name",
			headers: "Upgrade: foo/1\r\n", gone: []string{"Upgrade"}},
		{name: "Proxy-Authorization meant for the proxy",
			headers: "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n", gone: []string{"Proxy-Authorization"}},
		{name: "end-to-end headers pass",
			headers: "Authorization: Bearer x\r\nCookie: a=b\r\nX-Custom: y\r\n",
			kept:    map[string]string{"Authorization": "Bearer x", "Cookie": "a=b", "X-Custom": "y"}},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		for i, c := range cases {
			conn.send(t, "GET /hop HTTP/1.1\r\n"+hostLine+c.headers+"\r\n")
			if resp, _ := conn.read(t, "GET"); originSeq(resp) != i+1 {
				t.Fatalf("%s: status %d, not answered by the origin", c.name, resp.StatusCode)
			}
			got := o.requests()[i].Header
			for _, k := range c.gone {
				if v, ok := got[http.CanonicalHeaderKey(k)]; ok {
					t.Errorf("%s: %s reached the origin: %q", c.name, k, v)
				}
			}
			for k, v := range c.kept {
				if got.Get(k) != v {
					t.Errorf("%s: the origin got %s %q, want %q", c.name, k, got.Get(k), v)
				}
			}
		}
	})
}

// "TE: trailers" is the one TE a client may send that a proxy may pass
// on: the data plane relays trailers, so it accepts them on its own
// connection to the origin. Nothing else of the client's TE goes on.
func TestWireTETrailersOnly(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		conn.send(t, "GET / HTTP/1.1\r\n"+hostLine+"TE: trailers, deflate\r\n\r\n")
		conn.read(t, "GET")
		if te := o.requests()[0].Header.Values("Te"); len(te) > 1 || (len(te) == 1 && te[0] != "trailers") {
			t.Fatalf("the origin got TE %q", te)
		}
	})
}

// Hop-by-hop response headers of the origin (Connection and what it
// names, Keep-Alive, Proxy-Connection, Upgrade on a non-101 answer,
// Trailer without trailers) never reach the client.
func TestWireHopByHopResponseHeaders(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		_, srv := startRawOrigin(t, &rawOrigin{respond: func(_ int, _ *seenRequest, c net.Conn) bool {
			_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nConnection: X-Resp-Hop\r\nX-Resp-Hop: 1\r\nKeep-Alive: timeout=5\r\n" +
				"Proxy-Connection: keep-alive\r\nUpgrade: foo/1\r\nTrailer: X-None\r\nProxy-Authenticate: Basic\r\nX-End: kept\r\n" +
				"Content-Length: 2\r\n\r\nok"))
			return true
		}})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		conn.send(t, get("/"))
		resp, body := conn.read(t, "GET")
		if resp.StatusCode != 200 || string(body) != "ok" || resp.Header.Get("X-End") != "kept" {
			t.Fatalf("status %d, body %q, X-End %q", resp.StatusCode, body, resp.Header.Get("X-End"))
		}
		for _, k := range []string{"X-Resp-Hop", "Keep-Alive", "Proxy-Connection", "Upgrade", "Trailer", "Proxy-Authenticate"} {
			if v, ok := resp.Header[k]; ok {
				t.Errorf("%s reached the client: %q", k, v)
			}
		}
		if v := resp.Header.Values("Connection"); len(v) > 0 && !strings.EqualFold(strings.Join(v, ","), "keep-alive") {
			t.Errorf("the client got Connection %q", v)
		}
	})
}
