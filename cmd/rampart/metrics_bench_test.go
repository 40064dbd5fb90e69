package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/prometheus"
)

// BenchmarkAPIRequestMetrics measures what the control-plane metrics add
// to a request through the API's whole middleware: none (no observer)
// against prometheus (counted by route, family, status and error code).
// healthz is the cheapest route; unauthorized answers 401 in the WAF
// envelope, so its error code is counted too.
func BenchmarkAPIRequestMetrics(b *testing.B) {
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	for _, obs := range []struct {
		name string
		o    httpapi.Observer
	}{{"none", nil}, {"prometheus", prometheus.New()}} {
		h := httpapi.NewServer(httpapi.DefaultConfig(), httpapi.Deps{Logger: logger, Observer: obs.o})
		for _, req := range []struct{ name, path string }{
			{"healthz", "/healthz"},
			{"unauthorized", "/v1/0123456789abcdef0123456789abcdef/waf/policy/p1"},
		} {
			b.Run(obs.name+"/"+req.name, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, req.path, nil)
				b.ReportAllocs()
				for b.Loop() {
					h.ServeHTTP(httptest.NewRecorder(), r)
				}
			})
		}
	}
}
