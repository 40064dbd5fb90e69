package proxy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/waf"
)

// The cost of basic web protection on clean requests: the same host and
// requests with the policy's webattack on (level 2, log) and off, in the
// same run, on the stub upstream (so the figure is the data plane's own
// work). A clean GET with a query string, cookies and browser headers, and
// a 1 KB form POST.
//
//	go test -run '^$' -bench 'BenchmarkWebProtection' -benchtime 2s -count 3 ./internal/proxy
func BenchmarkWebProtection(b *testing.B) {
	for _, on := range []bool{false, true} {
		p := webBenchProxy(b, on)
		name := "off"
		if on {
			name = "on"
		}
		b.Run("get/"+name, func(b *testing.B) { benchServeRequest(b, p, cleanGet(), nil) })
		b.Run("form-1k/"+name, func(b *testing.B) {
			body := cleanForm1K()
			rd := bytes.NewReader(body)
			req := httptest.NewRequest("POST", "http://www.example.com/account/profile", nil)
			req.RemoteAddr = "8.8.8.8:40000"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.ContentLength = int64(len(body))
			benchServeRequest(b, p, req, func() {
				rd.Reset(body)
				req.Body = io.NopCloser(rd)
			})
		})
		p.Close()
	}
}

// webBenchProxy serves www.example.com on the stub upstream with a policy
// whose basic web protection is on or off.
func webBenchProxy(tb testing.TB, on bool) *Proxy {
	st := &fakeStore{}
	h := newHost("p1", "www.example.com", 1, serverOf(tb, "192.0.2.1:80", 1))
	st.set(h)
	pol := &waf.Policy{ID: h.PolicyID, Level: 2, Action: "log", Options: map[string]bool{"webattack": on, "common": true, "webshell": true}}
	p := New(Config{}, Deps{Hosts: st, Revisions: st, Decisions: fakeSource{&fakeDecider{}},
		Policies: fakePolicies{byID: map[string]*waf.Policy{h.PolicyID: pol}}})
	p.transport = stubTransport{}
	if _, err := p.Refresh(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if rt := p.table.Load().lookup("www.example.com"); (rt.web != nil) != on {
		tb.Fatalf("protection on %v: route %+v", on, rt.web)
	}
	return p
}

// cleanGet is a browser's search request.
func cleanGet() *http.Request {
	req := httptest.NewRequest("GET", "http://www.example.com/search?q=blue+running+shoes&size=42&sort=price_asc&page=2", nil)
	req.RemoteAddr = "8.8.8.8:40000"
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	req.Header.Set("Cookie", "sessionid=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes")
	req.Header.Set("Referer", "https://www.example.com/")
	return req
}

// cleanForm1K is a 1 KB profile form.
func cleanForm1K() []byte {
	var b strings.Builder
	b.WriteString("name=Jane+O%27Neil&email=jane.oneil%40example.com&city=Lyon&country=FR&newsletter=on")
	for i := 0; b.Len() < 1024; i++ {
		b.WriteString("&bio=I+like+hiking%2C+books+and+coffee.+Ask+me+about+Lyon%27s+old+town")
	}
	return []byte(b.String()[:1024])
}
