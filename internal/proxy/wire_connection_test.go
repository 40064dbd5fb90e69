package proxy

import (
	"fmt"
	"net"
	"testing"
)

// Connection persistence: the client's "Connection: close" and an
// HTTP/1.0 request without keep-alive end the client connection after the
// answer; the origin's "Connection: close" ends only the origin's
// connection; an HTTP/1.0 keep-alive request keeps it.
func TestWireConnectionPersistence(t *testing.T) {
	cases := []struct {
		name       string
		raw        string
		originGone bool // the origin answers with Connection: close and closes
		keepOpen   bool
	}{
		{name: "client Connection: close", raw: "GET / HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n"},
		{name: "client Connection: close among other tokens", raw: "GET / HTTP/1.1\r\n" + hostLine + "Connection: X-A, Close\r\n\r\n"},
		{name: "HTTP/1.0 without keep-alive", raw: "GET / HTTP/1.0\r\n" + hostLine + "\r\n"},
		{name: "HTTP/1.0 with keep-alive", raw: "GET / HTTP/1.0\r\n" + hostLine + "Connection: keep-alive\r\n\r\n", keepOpen: true},
		{name: "HTTP/1.1 default", raw: get("/"), keepOpen: true},
		{name: "origin Connection: close", raw: get("/"), originGone: true, keepOpen: true},
	}
	eachWire(t, func(t *testing.T, tlsOn bool) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o := &rawOrigin{}
				if c.originGone {
					o.respond = func(n int, r *seenRequest, conn net.Conn) bool {
						fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nX-Origin-Seq: %d\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", n)
						return false
					}
				}
				o, srv := startRawOrigin(t, o)
				tp := wireProxy(t, tlsOn, Config{}, srv)
				conn := tp.open(t)
				conn.send(t, c.raw)
				if resp, _ := conn.read(t, "GET"); originSeq(resp) != 1 {
					t.Fatalf("status %d, not answered by the origin", resp.StatusCode)
				}
				if !c.keepOpen {
					if !conn.closed(t) {
						t.Fatal("the client connection stayed open")
					}
					return
				}
				conn.send(t, get("/next"))
				if resp, body := conn.read(t, "GET"); originSeq(resp) != 2 {
					t.Fatalf("the next request on the connection: status %d %q", resp.StatusCode, body)
				}
				if c.originGone {
					if _, _, aborted := o.counts(); aborted != 0 {
						t.Fatalf("%d cut-off requests", aborted)
					}
					if o.accepted() < 2 {
						t.Fatalf("the origin closed its connection, yet the second request came on the same one")
					}
				}
			})
		}
	})
}

// Pipelined requests on one connection are answered in order.
func TestWirePipelining(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		const n = 8
		var raw string
		for i := range n {
			if i%2 == 0 {
				raw += fmt.Sprintf("GET /p%d HTTP/1.1\r\n%s\r\n", i, hostLine)
			} else {
				raw += fmt.Sprintf("POST /p%d HTTP/1.1\r\n%sContent-Length: 3\r\n\r\nabc", i, hostLine)
			}
		}
		conn.send(t, raw)
		for i := range n {
			resp, body := conn.read(t, "GET")
			method := "GET"
			size := 0
			if i%2 == 1 {
				method, size = "POST", 3
			}
			if want := fmt.Sprintf("seen %s /p%d %d", method, i, size); string(body) != want {
				t.Fatalf("answer %d: status %d, %q, want %q", i, resp.StatusCode, body, want)
			}
		}
		if got := len(o.requests()); got != n {
			t.Fatalf("the origin got %d requests, want %d", got, n)
		}
	})
}
