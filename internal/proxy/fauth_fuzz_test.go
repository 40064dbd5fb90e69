package proxy

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzForwardAuthQuestion sends the endpoint questions whose request line,
// forwarded method, URI, host and client headers are arbitrary (parsed
// from the wire by the HTTP/1.1 server's parser; those it refuses are
// skipped). The answer is always 200 or 403; a block is only ever about
// the protected host; and a question about that host from the blocked
// client (203.0.113.66, named by X-Forwarded-For) is always blocked.
//
//	go test -run '^$' -fuzz FuzzForwardAuthQuestion -fuzztime 2m ./internal/proxy
func FuzzForwardAuthQuestion(f *testing.F) {
	f.Add("GET", "/", "GET", "/search?q=1", "", "www.example.com", "127.0.0.1:9081", "8.8.8.8", "")
	f.Add("POST", "/rampart/x", "", "", "/orig", "WWW.Example.COM:443, other", "h", "203.0.113.66", "")
	f.Add("HEAD", "/", "PUT", "", "/a?b='1 OR 1=1--", "", "www.example.com.", "1.2.3.4, 203.0.113.66", "9.9.9.9")
	f.Add("GET", "/", "", "?x", "", "[::1]:80", "", "garbage, 8.8.8.8", "203.0.113.66")
	fa, _ := fauthBenchProxy(f)
	fa.cfg.PathPrefix = "/rampart"
	f.Fuzz(func(t *testing.T, method, target, fwdMethod, fwdURI, origURI, fwdHost, host, xff, realIP string) {
		var b strings.Builder
		b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nX-Api-Key: " + keyP1 + "\r\n")
		for _, h := range [][2]string{{"X-Forwarded-Method", fwdMethod}, {"X-Forwarded-Uri", fwdURI}, {"X-Original-Uri", origURI},
			{"X-Forwarded-Host", fwdHost}, {"X-Forwarded-For", xff}, {"X-Real-Ip", realIP}} {
			if h[1] != "" {
				b.WriteString(h[0] + ": " + h[1] + "\r\n")
			}
		}
		b.WriteString("\r\n")
		var req fasthttp.Request
		if err := req.Read(bufio.NewReader(strings.NewReader(b.String()))); err != nil {
			t.Skip()
		}
		ctx := &fasthttp.RequestCtx{}
		ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
		_, _, orig := originalRequest(&ctx.Request.Header, fa.cfg.PathPrefix)
		x := &fauthRequest{ctx: ctx}
		client := fa.p.forwardedClient(fastPeer(ctx), x)
		st := fa.answerQuestion(ctx)
		action := string(ctx.Response.Header.Peek("X-Rampart-Action"))
		switch {
		case st != 200 && st != 403:
			t.Fatalf("status %d", st)
		case action == "block" && orig != "www.example.com":
			t.Fatalf("a block about host %q", orig)
		case orig == "www.example.com" && client.String() == "203.0.113.66" && action != "block":
			t.Fatalf("the blocked client let through: %d %q", st, action)
		}
	})
}
