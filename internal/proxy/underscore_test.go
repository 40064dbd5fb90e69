package proxy

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A client's forwarding headers spelt with underscores (X_Forwarded_For)
// are not passed on: CGI-style servers (PHP, WSGI, Rack) map "_" and "-"
// to the same variable, where the spoofed value would stand beside or
// replace the address the data plane decided on.
func TestUnderscoreForwardingHeadersDropped(t *testing.T) {
	var mu sync.Mutex
	var got http.Header
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
	}))
	t.Cleanup(up.Close)
	st := &fakeStore{}
	st.set(newHost("p1", "www.test", 1, serverOf(t, up.Listener.Addr().String(), 1)))
	tp := startProxy(t, st, Config{}, false, nil)

	c, err := net.Dial("tcp", tp.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: www.test\r\nX_Forwarded_For: 203.0.113.9\r\nx_real_ip: 203.0.113.9\r\n"+
		"X-Forwarded_Proto: https\r\nX_FORWARDED_HOST: evil.test\r\nX_Other: kept\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	for k, v := range got {
		if strings.Contains(k, "_") && k != "X_other" {
			t.Errorf("forwarded %s: %v", k, v)
		}
	}
	if got.Get("X_other") != "kept" {
		t.Errorf("an unrelated underscore header was dropped: %v", got)
	}
	if got.Get("X-Forwarded-For") != "127.0.0.1" || got.Get("X-Real-Ip") != "127.0.0.1" {
		t.Errorf("forwarding headers: %v", got)
	}
}
