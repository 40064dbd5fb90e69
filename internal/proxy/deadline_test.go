package proxy

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"
)

// A client that stops sending its request body, or stops reading the
// response, is disconnected after ClientTimeout without progress; a slow
// but steady response is not cut, and a kept-alive connection serves its
// next request after being idle longer than the timeout.
func TestClientTimeout(t *testing.T) {
	bodyErr := make(chan error, 1)
	uploads := make(chan struct{}, 1)
	writeErr := make(chan error, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/upload":
			uploads <- struct{}{}
			_, err := io.ReadAll(r.Body)
			if err != nil {
				bodyErr <- err
			}
		case "/endless":
			buf := make([]byte, 32<<10)
			for {
				if _, err := w.Write(buf); err != nil {
					writeErr <- err
					return
				}
			}
		case "/steady":
			for i := range 8 {
				fmt.Fprintf(w, "%d", i)
				http.NewResponseController(w).Flush()
				time.Sleep(200 * time.Millisecond)
			}
		default:
			fmt.Fprint(w, "ok")
		}
	}))
	t.Cleanup(up.Close)
	st := &fakeStore{}
	st.set(newHost("p1", "www.test", 1, serverOf(t, up.Listener.Addr().String(), 1)))
	tp := startProxy(t, st, Config{ClientTimeout: time.Second}, false, nil)
	addr := tp.srv.Listener.Addr().String()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// A body that stops after one byte.
	c := dial()
	fmt.Fprint(c, "POST /upload HTTP/1.1\r\nHost: www.test\r\nContent-Length: 100\r\n\r\nx")
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if b, err := io.ReadAll(c); err != nil {
		t.Fatalf("stalled body: the connection was not closed: %v %q", err, b)
	}
	// The origin got no request (the HTTP/1.1 path sends the request head
	// with the first buffer of its body), or got one that was ended.
	select {
	case <-uploads:
		select {
		case <-bodyErr:
		case <-time.After(10 * time.Second):
			t.Fatal("stalled body: the upstream request was not ended")
		}
	default:
	}

	// A response nobody reads.
	c = dial()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4 << 10)
	}
	fmt.Fprint(c, "GET /endless HTTP/1.1\r\nHost: www.test\r\n\r\n")
	select {
	case <-writeErr:
	case <-time.After(10 * time.Second):
		t.Fatal("unread response: the upstream response was not ended")
	}

	// Slow but steady: every part arrives.
	resp := tp.get(t, "www.test", "/steady", nil)
	if b := body(t, resp); b != "01234567" {
		t.Fatalf("steady response cut: %q", b)
	}

	// A kept-alive connection, idle past the timeout, serves again.
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)
	send := func(method, path string, payload io.Reader) bool {
		reused := false
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }})
		req, _ := http.NewRequestWithContext(ctx, method, tp.srv.URL+path, payload)
		req.Host = "www.test"
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(b) != "ok" {
			t.Fatalf("%s %s: %d %q %v", method, path, resp.StatusCode, b, err)
		}
		return reused
	}
	send("POST", "/", strings.NewReader("payload"))
	time.Sleep(1500 * time.Millisecond)
	if !send("GET", "/", nil) {
		t.Fatal("the second request did not reuse the connection")
	}
}

// The deadline moves only when a tenth of the timeout has passed, to the
// timeout after the progress that moved it.
func TestProgressDeadline(t *testing.T) {
	pd := progressDeadline{d: time.Second}
	t0 := 5 * time.Second
	if !pd.due(t0) {
		t.Fatal("never set: not due")
	}
	if got, want := pd.move(t0, pd.d), progressEpoch.Add(6*time.Second); !got.Equal(want) {
		t.Fatalf("deadline %v, want %v", got, want)
	}
	if pd.due(t0 + 99*time.Millisecond) {
		t.Fatal("due within a tenth")
	}
	if !pd.due(t0 + 100*time.Millisecond) {
		t.Fatal("not due after a tenth")
	}
	// The progress clock follows the wall clock's elapsed time.
	before := time.Now()
	now := progressNow()
	if d := progressEpoch.Add(now).Sub(before); d < -time.Millisecond || d > time.Second {
		t.Fatalf("progressNow is %v off time.Now", d)
	}
}
