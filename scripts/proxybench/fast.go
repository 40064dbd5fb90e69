package main

import (
	"bytes"
	"flag"
	"net"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"
)

// fast is the fasthttp candidate of issue 16: a fasthttp.Server in front of
// a fasthttp.HostClient. Request and response bodies are buffered, not
// streamed (enough for the GET benchmark; a product would need
// StreamRequestBody and the response body stream).
func fast(args []string) error {
	fs := flag.NewFlagSet("fast", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:18307", "address")
	upstream := fs.String("upstream", "http://127.0.0.1:18300", "upstream URL")
	fs.Parse(args)
	u, err := url.Parse(*upstream)
	if err != nil {
		return err
	}
	client := &fasthttp.HostClient{
		Addr:                          u.Host,
		MaxConns:                      512,
		MaxIdleConnDuration:           90 * time.Second,
		ReadTimeout:                   30 * time.Second,
		WriteTimeout:                  30 * time.Second,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
		NoDefaultUserAgentHeader:      true,
	}
	srv := &fasthttp.Server{
		Handler:                       fastHandler(client),
		Name:                          "proxybench",
		ReadTimeout:                   30 * time.Second,
		DisableHeaderNamesNormalizing: true,
	}
	return srv.ListenAndServe(*listen)
}

// fastHopHeaders are the hop-by-hop headers a proxy must not forward
// (Connection is handled by fasthttp itself; headers that Connection names
// are not removed by this candidate).
var fastHopHeaders = []string{
	"Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Upgrade",
}

func fastHandler(client *fasthttp.HostClient) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		req := &ctx.Request
		for _, name := range fastHopHeaders {
			req.Header.Del(name)
		}
		var xff []byte
		if prior := req.Header.Peek("X-Forwarded-For"); len(prior) > 0 {
			xff = append(append(xff, prior...), ", "...)
		}
		if a, ok := ctx.RemoteAddr().(*net.TCPAddr); ok {
			xff = a.AddrPort().Addr().Unmap().AppendTo(xff)
		}
		req.Header.SetBytesV("X-Forwarded-For", xff)
		resp := &ctx.Response
		if err := client.Do(req, resp); err != nil {
			ctx.ResetBody()
			ctx.SetStatusCode(fasthttp.StatusBadGateway)
			return
		}
		for _, name := range fastHopHeaders {
			resp.Header.Del(name)
		}
		if bytes.Equal(resp.Header.Peek("Connection"), []byte("close")) {
			resp.Header.Del("Connection")
		}
	}
}
