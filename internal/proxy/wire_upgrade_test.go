package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// webSocketOrigin answers a WebSocket upgrade with 101, greets, then
// echoes every byte back; it records the upgrade request's headers.
func webSocketOrigin(t *testing.T, got chan<- http.Header) *rawOrigin {
	t.Helper()
	o, _ := startRawOrigin(t, &rawOrigin{raw: func(c net.Conn) {
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		got <- req.Header
		_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\nhello from the origin\n")
		_, _ = io.Copy(c, br)
	}})
	return o
}

// A WebSocket upgrade is tunnelled: 101 to the client, then bytes both
// ways, the origin's first.
func TestWireWebSocket(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		got := make(chan http.Header, 1)
		o := webSocketOrigin(t, got)
		tp := wireProxy(t, tlsOn, Config{}, serverOf(t, o.ln.Addr().String(), 1))
		conn := tp.open(t)
		conn.send(t, "GET /ws HTTP/1.1\r\n"+hostLine+"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
		resp, err := http.ReadResponse(conn.br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols || !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
			t.Fatalf("status %d, Upgrade %q", resp.StatusCode, resp.Header.Get("Upgrade"))
		}
		h := <-got
		if !strings.EqualFold(h.Get("Upgrade"), "websocket") || !strings.EqualFold(h.Get("Connection"), "Upgrade") ||
			h.Get("Sec-WebSocket-Key") != "dGhlIHNhbXBsZSBub25jZQ==" {
			t.Fatalf("the origin got Upgrade %q, Connection %q, key %q", h.Get("Upgrade"), h.Get("Connection"), h.Get("Sec-WebSocket-Key"))
		}
		greeting, err := conn.br.ReadString('\n')
		if err != nil || greeting != "hello from the origin\n" {
			t.Fatalf("greeting %q, %v", greeting, err)
		}
		frame := patternBytes(200_000) // both directions at once, past any buffer
		go func() { _, _ = conn.Write(frame) }()
		echo := make([]byte, len(frame))
		if _, err := io.ReadFull(conn.br, echo); err != nil || !bytes.Equal(echo, frame) {
			t.Fatalf("echo: %v, intact %v", err, bytes.Equal(echo, frame))
		}
	})
}

// An "Upgrade: h2c" request goes to the origin as a plain request, without
// Upgrade, Connection or HTTP2-Settings.
func TestWireH2CUpgradeForwardedPlain(t *testing.T) {
	eachWire(t, func(t *testing.T, tlsOn bool) {
		o, srv := startRawOrigin(t, &rawOrigin{})
		tp := wireProxy(t, tlsOn, Config{}, srv)
		conn := tp.open(t)
		conn.send(t, "GET /h2c HTTP/1.1\r\n"+hostLine+"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
		if resp, body := conn.read(t, "GET"); originSeq(resp) != 1 || string(body) != "seen GET /h2c 0" {
			t.Fatalf("status %d %q", resp.StatusCode, body)
		}
		h := o.requests()[0].Header
		for _, k := range []string{"Upgrade", "Connection", "Http2-Settings"} {
			if v := h.Values(k); len(v) > 0 {
				t.Errorf("%s reached the origin: %q", k, v)
			}
		}
		conn.send(t, get("/after"))
		if resp, body := conn.read(t, "GET"); string(body) != "seen GET /after 0" {
			t.Fatalf("after: status %d %q", resp.StatusCode, body)
		}
	})
}
