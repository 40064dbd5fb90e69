package proxy

import (
	"net"
	"testing"
)

// An origin that closes a kept-alive connection just after answering on
// it (it answered without "Connection: close") leaves a stale connection
// in the data plane's pool. The next request reuses it and finds it
// closed before any byte of an answer: a GET is sent again on a new
// connection and succeeds; a POST is not sent again (the origin may have
// acted on it) and gets 502.
func TestWireStalePooledConnection(t *testing.T) {
	closeAfterAnswer := func(n int, r *seenRequest, c net.Conn) bool {
		answerSeen(n, r, c)
		return false // closed without saying so
	}
	// stale serves one GET, which leaves a pooled connection the origin
	// has closed by the time stale returns.
	stale := func(t *testing.T, o *rawOrigin, conn *wireConn) {
		t.Helper()
		conn.send(t, get("/first"))
		if resp, body := conn.read(t, "GET"); resp.StatusCode != 200 || originSeq(resp) != 1 {
			t.Fatalf("first GET: %d %q", resp.StatusCode, body)
		}
		if !o.settle() {
			t.Fatal("the origin did not close its connection")
		}
	}

	t.Run("GET is sent again", func(t *testing.T) {
		o, srv := startRawOrigin(t, &rawOrigin{respond: closeAfterAnswer})
		tp := wireProxy(t, false, Config{}, srv)
		conn := tp.open(t)
		stale(t, o, conn)
		conn.send(t, get("/second"))
		resp, body := conn.read(t, "GET")
		if resp.StatusCode != 200 || originSeq(resp) != 2 || string(body) != "seen GET /second 0" {
			t.Fatalf("GET on a stale connection: %d (origin sequence %d) %q, want the origin's answer to it", resp.StatusCode, originSeq(resp), body)
		}
		if n := o.accepted(); n != 2 {
			t.Fatalf("the origin accepted %d connections, want 2 (the GET sent again on a new one)", n)
		}
	})

	t.Run("POST is not sent again", func(t *testing.T) {
		o, srv := startRawOrigin(t, &rawOrigin{respond: closeAfterAnswer})
		tp := wireProxy(t, false, Config{}, srv)
		conn := tp.open(t)
		stale(t, o, conn)
		conn.send(t, "POST /order HTTP/1.1\r\n"+hostLine+"Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
		resp, body := conn.read(t, "POST")
		if resp.StatusCode != 502 || originSeq(resp) != 0 {
			t.Fatalf("POST on a stale connection: %d (origin sequence %d) %q, want 502 from the data plane", resp.StatusCode, originSeq(resp), body)
		}
		if got := o.requests(); len(got) != 1 {
			t.Fatalf("the origin got %d requests, want only the first GET (the POST not sent again)", len(got))
		}
		if n := o.accepted(); n != 1 {
			t.Fatalf("the origin accepted %d connections, want 1 (no new one for the POST)", n)
		}
	})
}

// An origin that resets the kept-alive connection instead (closing it
// with unread data, or with SO_LINGER 0) makes the request's write fail:
// a GET is sent again as well.
func TestWireStalePooledConnectionReset(t *testing.T) {
	o, srv := startRawOrigin(t, &rawOrigin{respond: func(n int, r *seenRequest, c net.Conn) bool {
		answerSeen(n, r, c)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // the close sends a reset
		}
		return false
	}})
	tp := wireProxy(t, false, Config{}, srv)
	conn := tp.open(t)
	conn.send(t, get("/first"))
	if resp, body := conn.read(t, "GET"); resp.StatusCode != 200 || originSeq(resp) != 1 {
		t.Fatalf("first GET: %d %q", resp.StatusCode, body)
	}
	if !o.settle() {
		t.Fatal("the origin did not close its connection")
	}
	conn.send(t, get("/second"))
	resp, body := conn.read(t, "GET")
	if resp.StatusCode != 200 || originSeq(resp) != 2 {
		t.Fatalf("GET on a reset connection: %d (origin sequence %d) %q, want the origin's answer to it", resp.StatusCode, originSeq(resp), body)
	}
}
