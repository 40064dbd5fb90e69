package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// Origin failures become the data plane's pages: connection refused, an
// origin that closes without answering, and a malformed answer → 502; an
// origin slower than Config.UpstreamTimeout → 504. The JSON variant
// carries the page's error_code. The client connection stays usable.
func TestWireOriginFailures(t *testing.T) {
	// Each answer is what the origin does with one accepted connection.
	cases := []struct {
		name   string
		origin func(c net.Conn) // nil: nothing listens
		status int
		code   string
	}{
		{name: "connection refused", status: 502, code: "waf.bad_gateway"},
		{name: "closed without an answer", origin: func(c net.Conn) {
			_, _ = http.ReadRequest(bufio.NewReader(c))
		}, status: 502, code: "waf.bad_gateway"},
		{name: "malformed status line", origin: func(c net.Conn) {
			_, _ = http.ReadRequest(bufio.NewReader(c))
			_, _ = io.WriteString(c, "HTTP/1.1 abc Nonsense\r\n\r\n")
		}, status: 502, code: "waf.bad_gateway"},
		{name: "not HTTP at all", origin: func(c net.Conn) {
			_, _ = http.ReadRequest(bufio.NewReader(c))
			_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n\r\n")
		}, status: 502, code: "waf.bad_gateway"},
		{name: "two different Content-Lengths", origin: func(c net.Conn) {
			_, _ = http.ReadRequest(bufio.NewReader(c))
			_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")
		}, status: 502, code: "waf.bad_gateway"},
		{name: "slower than the upstream timeout", origin: func(c net.Conn) {
			_, _ = http.ReadRequest(bufio.NewReader(c))
			_ = c.SetReadDeadline(time.Now().Add(wireTimeout))
			_, _ = c.Read(make([]byte, 1)) // until the data plane gives up
		}, status: 504, code: "waf.gateway_timeout"},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var srv waf.Server
				if c.origin == nil {
					srv = serverOf(t, closedAddr(t), 1)
				} else {
					_, srv = startRawOrigin(t, &rawOrigin{raw: c.origin})
				}
				tp := wireProxy(t, tlsOn, Config{UpstreamTimeout: 300 * time.Millisecond}, srv)
				conn := tp.open(t)
				start := time.Now()
				conn.send(t, "GET / HTTP/1.1\r\n"+hostLine+"\r\n")
				resp, body := conn.read(t, "GET")
				if resp.StatusCode != c.status || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") ||
					!strings.Contains(string(body), "Rampart web application firewall") {
					t.Fatalf("status %d, %s, %q; want the %d page", resp.StatusCode, resp.Header.Get("Content-Type"), body, c.status)
				}
				if c.status == 504 && time.Since(start) > 5*time.Second {
					t.Fatalf("504 after %v", time.Since(start))
				}
				conn.send(t, "GET / HTTP/1.1\r\n"+hostLine+"Accept: application/json\r\n\r\n")
				resp, body = conn.read(t, "GET")
				if resp.StatusCode != c.status || !strings.Contains(string(body), `"error_code":"`+c.code+`"`) {
					t.Fatalf("JSON: status %d, %q", resp.StatusCode, body)
				}
			})
		}
	})
}
