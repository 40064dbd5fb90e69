package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// requestInfo is filled in as a request passes through the layers and read
// by the access log once the response is written.
type requestInfo struct {
	id        string
	route     string
	projectID string
	family    string // the family label authn chose ("" when it did not run)
	errorCode string // the code of the error envelope written, if any
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	if ri == nil {
		return &requestInfo{}
	}
	return ri
}

// requestIDFrom returns the request's ID, or "" outside a request.
func requestIDFrom(ctx context.Context) string { return infoFrom(ctx).id }

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests assigns the request ID (sent back as X-Request-Id) and writes
// one log line per request: ID, method, route pattern, status, duration and
// project. Headers and bodies, where secrets travel, are never logged.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{id: newRequestID()}
		w.Header().Set("X-Request-Id", ri.id)
		rec := &statusRecorder{ResponseWriter: w}
		inner := r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri))
		next.ServeHTTP(rec, inner)
		if ri.route == "" {
			ri.route = inner.Pattern // set by the mux on the request it routed
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		fam, method, route := routeLabels(ri.route, ri.family, r.Method, r.URL.Path)
		s.observer().ObserveAPIRequest(fam, method, route, rec.status, ri.errorCode, took)
		s.log.LogAttrs(r.Context(), levelFor(rec.status), "request",
			slogString("request_id", ri.id),
			slogString("method", r.Method),
			slogString("route", ri.route),
			slogInt("status", rec.status),
			slogDuration("duration", took),
			slogString("project_id", ri.projectID),
			slogString("remote", remoteIP(r)),
		)
	})
}

// recoverPanics turns a panic into a 500 in the family's envelope and a log
// line with the stack, instead of a dropped connection.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "request_id", requestIDFrom(r.Context()),
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.writeError(w, r, familyOf(r.URL.Path), fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// refuseUncleanPaths answers a path with an empty, "." or ".." segment as
// an unknown API (404 APIGW.0101) instead of letting the mux redirect it
// to the cleaned path: a signed client following the redirect would send
// the signature of the old path and be told 401.
func (s *server) refuseUncleanPaths(next http.Handler) http.Handler {
	noRoute := s.handleNoRoute()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		clean := path.Clean(p)
		if strings.HasSuffix(p, "/") && clean != "/" {
			clean += "/"
		}
		if clean != p && p != "" {
			noRoute.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body at cfg.MaxBodyBytes.
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			writeGatewayError(w, r, http.StatusRequestEntityTooLarge, "APIGW.0201",
				fmt.Sprintf("The request body exceeds %d bytes.", s.cfg.MaxBodyBytes))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// authn authenticates the request by X-Auth-Token, by an SDK-HMAC-SHA256
// signature or by the console's session cookie (with its CSRF checks),
// applies the per-credential rate limit, and, when the route has a
// {project_id}, checks that the credential may act on that project. The
// principal is put into the request context for the handler.
func (s *server) authn(fam family, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := infoFrom(r.Context())
		ri.route = r.Pattern
		ri.family = fam.label()
		projectID := r.PathValue("project_id")
		ri.projectID = projectID

		var p *rampart.Principal
		var err error
		cookieToken, hasCookie, cookieErr := s.consoleCredential(r)
		switch {
		case r.Header.Get("X-Auth-Token") != "":
			p, err = s.iam.AuthenticateToken(r.Context(), r.Header.Get("X-Auth-Token"))
		case strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256"):
			var body []byte
			body, err = readBody(r)
			if err == nil {
				p, err = s.iam.AuthenticateSignature(r.Context(), r, body)
			}
		case hasCookie && cookieErr != nil:
			err = cookieErr
		case hasCookie:
			// The console's session: its token, checked like X-Auth-Token.
			p, err = s.iam.AuthenticateToken(r.Context(), cookieToken)
		default:
			err = &rampart.Error{Kind: rampart.KindUnauthorized, Code: "APIGW.0301",
				Message: "Incorrect IAM authentication information: no X-Auth-Token or SDK-HMAC-SHA256 Authorization header"}
		}
		if err != nil {
			s.writeError(w, r, fam, err)
			return
		}
		if !s.limiters.allow(p.Credential) {
			s.writeError(w, r, fam, &rampart.Error{Kind: rampart.KindTooMany, Code: "APIGW.0308",
				Message: "The throttling threshold has been reached."})
			return
		}
		if projectID != "" {
			if err := s.iam.Authorize(r.Context(), p, projectID); err != nil {
				s.writeError(w, r, fam, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(rampart.NewContextWithPrincipal(r.Context(), p)))
	})
}

// remoteIP returns the address of the connection's peer.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
