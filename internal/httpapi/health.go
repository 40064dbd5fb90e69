package httpapi

import (
	"context"
	"net/http"
	"time"
)

// handleHealthz handles the "GET /healthz" route: the process is up.
func (s *server) handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
	})
}

// handleReadyz handles the "GET /readyz" route: the store answers. The
// check does not end with the request: probes queued while the server
// starts are often served after their prober gave up, and a cancelled
// request says nothing about the store.
func (s *server) handleReadyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil {
			s.log.Error("readiness check failed", "err", err)
			encode(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		encode(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

// handleNoRoute answers every request no route matches, as Huawei's gateway
// does: 404 APIGW.0101.
func (s *server) handleNoRoute() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeGatewayError(w, r, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment.")
	})
}
