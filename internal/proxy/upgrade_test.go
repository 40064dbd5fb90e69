package proxy

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// upgradingServer is an origin that switches protocols whenever a request
// asks to (as an h2c-capable server does for "Upgrade: h2c"), then answers
// every line sent through the tunnel: what a client could reach past the
// data plane once the tunnel is open.
func upgradingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var upgrades atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := r.Header.Get("Upgrade")
		if up == "" {
			fmt.Fprint(w, "plain")
			return
		}
		upgrades.Add(1)
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(rw, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: %s\r\n\r\n", up)
		rw.Flush()
		line, err := rw.ReadString('\n')
		if err != nil {
			return
		}
		fmt.Fprintf(rw, "tunnel:%s", line)
		rw.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv, &upgrades
}

// rawUpgrade sends a raw upgrade request through the proxy and returns the
// response status and, after a 101, the tunnel's answer to one line.
func rawUpgrade(t *testing.T, addr, headers string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: www.test\r\n%s\r\n", headers)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body.Close()
		return resp.StatusCode, ""
	}
	fmt.Fprint(c, "GET /admin\n")
	line, _ := br.ReadString('\n')
	return resp.StatusCode, strings.TrimSpace(line)
}

// An "Upgrade: h2c" request is forwarded without the upgrade: an origin
// that switched to cleartext HTTP/2 would take every further request on
// the connection straight from the client, unchecked (h2c smuggling).
// Other upgrades (WebSocket) still open a tunnel.
func TestH2CUpgradeNotForwarded(t *testing.T) {
	up, upgrades := upgradingServer(t)
	st := &fakeStore{}
	st.set(newHost("p1", "www.test", 1, serverOf(t, up.Listener.Addr().String(), 1)))
	tp := startProxy(t, st, Config{}, false, nil)
	addr := tp.srv.Listener.Addr().String()

	for _, h := range []string{
		"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n",
		"Connection: Upgrade\r\nUpgrade: H2C\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n",
		"Connection: Upgrade\r\nUpgrade: foo, h2c\r\n",
	} {
		status, tunnel := rawUpgrade(t, addr, h)
		if status != http.StatusOK || tunnel != "" {
			t.Errorf("%q: status %d, tunnel %q; want 200 without a tunnel", h, status, tunnel)
		}
	}
	if n := upgrades.Load(); n != 0 {
		t.Errorf("the origin was asked to upgrade %d times", n)
	}

	status, tunnel := rawUpgrade(t, addr, "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
	if status != http.StatusSwitchingProtocols || tunnel != "tunnel:GET /admin" {
		t.Fatalf("websocket: status %d, tunnel %q", status, tunnel)
	}
}
