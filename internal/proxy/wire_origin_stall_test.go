package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// An origin that sends its answer's head and part of its body and then
// stalls is given up after Config.UpstreamTimeout without progress: the
// client's connection is closed, not left hanging, and never gets a
// complete answer; the connection to the origin is closed too. What the
// client has by then depends on the framing: a chunked body is passed on
// chunk by chunk, so the head and the chunks that came reach it; a
// Content-Length answer this small is still in the server's write buffer
// (4 KiB) when the origin stalls, so the client gets no byte and sees the
// connection closed without an answer. Either way the status was decided
// when the head came: the answer counts under 2xx in
// rampart_proxy_requests_total, and no event is recorded (nothing was
// blocked).
func TestWireOriginStallsMidBody(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cases := []struct {
		name string
		sent string // the head and the part of the body the origin sends
		// got is what the client must receive before the cut.
		got string
		// complete reports whether bytes the client got hold a complete
		// answer.
		complete func(b []byte) bool
	}{
		{name: "Content-Length", sent: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", got: "",
			complete: func(b []byte) bool {
				_, body, ok := strings.Cut(string(b), "\r\n\r\n")
				return ok && len(body) >= 100
			}},
		{name: "chunked", sent: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n", got: "HTTP/1.1 200 OK\r\n",
			complete: func(b []byte) bool { return strings.Contains(string(b), "\r\n0\r\n") }},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o, srv := startRawOrigin(t, &rawOrigin{raw: func(conn net.Conn) {
					_, _ = http.ReadRequest(bufio.NewReader(conn))
					_, _ = io.WriteString(conn, c.sent)
					_ = conn.SetReadDeadline(time.Now().Add(wireTimeout))
					_, _ = conn.Read(make([]byte, 1)) // stalls until the data plane gives up
				}})
				tp := wireProxy(t, tlsOn, Config{UpstreamTimeout: timeout}, srv)
				conn := tp.open(t)
				start := time.Now()
				conn.send(t, get("/download"))
				b, err := io.ReadAll(conn.br) // until the data plane closes the connection
				took := time.Since(start)
				if err != nil {
					t.Fatalf("the client connection was not closed: %v after %v (got %q)", err, took, b)
				}
				if took < timeout*9/10 || took > wireTimeout/2 {
					t.Fatalf("the connection was closed after %v, want about the upstream timeout (%v)", took, timeout)
				}
				if !strings.HasPrefix(string(b), c.got) || c.complete(b) {
					t.Fatalf("the client got %q, want %q first and never a complete answer", b, c.got)
				}
				if c.got != "" && !strings.Contains(string(b), "0123456789") {
					t.Fatalf("the client got %q, want the chunk that came before the stall", b)
				}
				if !o.settle() {
					t.Fatal("the data plane kept the stalled connection to the origin open")
				}
				rec := httptest.NewRecorder()
				tp.p.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				if m := rec.Body.String(); !strings.Contains(m, `rampart_proxy_requests_total{host="`+wireHost+`",code="2xx"} 1`) {
					t.Errorf("metrics do not count the answer under 2xx:\n%s", m)
				}
				if evs := tp.sink.events(); len(evs) != 0 {
					t.Errorf("events recorded for a cut answer: %+v", evs)
				}
			})
		}
	})
}
