package proxy

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// An HTTP/1.0 request without a Host header over TLS is routed and decided
// by the TLS server name; the origin gets that name as Host too, not its
// own address (which could select another of its sites than the one the
// request was decided for).
func TestTLSWithoutHostForwardsServerName(t *testing.T) {
	_, a := upstreamServer(t, "a")
	aCert, aKey := selfSigned(t, "a.test")
	a.FrontProtocol = "HTTPS"
	h := newHost("p1", "a.test", 1, a)
	h.CertificateID = "ca"
	st := &fakeStore{}
	st.set(h)
	tp := startProxy(t, st, Config{}, true, fakeCerts{"p1/ca": {aCert, aKey}})

	c, err := tls.Dial("tcp", tp.srv.Listener.Addr().String(), &tls.Config{ServerName: "A.test", InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(c, "GET / HTTP/1.0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Upstream") != "a" {
		t.Fatalf("status %d upstream %q", resp.StatusCode, resp.Header.Get("X-Upstream"))
	}
	if got := resp.Header.Get("X-Got-Host"); got != "a.test" {
		t.Fatalf("the origin got Host %q, want a.test", got)
	}
}
