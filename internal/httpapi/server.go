// Package httpapi serves Rampart's Huawei-compatible REST APIs over net/http:
// the route table, middleware (request IDs, recovery, logging, body limits,
// authentication, project scoping, rate limits), JSON decoding, and the error
// envelope of each product family. Handlers translate between the wire and
// the domain services; they hold no business rules.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// Config tunes the HTTP layer. Zero fields take the defaults of
// DefaultConfig.
type Config struct {
	// MaxBodyBytes limits request bodies (1 MiB).
	MaxBodyBytes int64
	// RateLimit is the sustained requests per second allowed per credential
	// (access key or token); 0 disables the limit. RateBurst is the bucket
	// size.
	RateLimit float64
	RateBurst int
	// TokenRateLimit limits password token requests per client IP address
	// (per /64 for IPv6).
	TokenRateLimit float64
	TokenRateBurst int
	// PublicURL is the base URL advertised in token catalogs; when empty it
	// is derived from each request's Host.
	PublicURL string
	// Version is reported by GET /healthz.
	Version string
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		MaxBodyBytes:   1 << 20,
		RateLimit:      2000,
		RateBurst:      4000,
		TokenRateLimit: 10,
		TokenRateBurst: 20,
	}
}

// Pinger reports whether the store is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are the services the handlers use.
type Deps struct {
	Logger *slog.Logger
	IAM    *iam.Service
	Store  Pinger
	WAF    *waf.Service
	// Workspace serves the Workspace access-policy routes.
	Workspace *workspace.Service
	// SecMaster serves the SecMaster workspace and emergency-policy routes.
	SecMaster *secmaster.Service
	// Decisions serves the decision API (a Rampart extension).
	Decisions decision.Source
	// WAFEvents serves the WAF protection-event queries.
	WAFEvents *waf.EventService
	// WAFDashboard serves the WAF dashboard operations (overviews).
	WAFDashboard *waf.DashboardService
	// Feed serves the change stream and the firewall feeds (Rampart
	// extensions).
	Feed decision.Feed
	// Bouncers serves CrowdSec's bouncer API (GET /v1/decisions and
	// /v1/decisions/stream).
	Bouncers *bouncer.Service
	// Observer is told of every answered request and bouncer pull, for
	// metrics (nil: none).
	Observer Observer
	// Console serves the web console's files under /console/ (nil: the
	// console is off and its paths are unknown APIs).
	Console http.Handler
}

// server carries the dependencies shared by middleware and handlers.
type server struct {
	cfg      Config
	log      *slog.Logger
	iam      *iam.Service
	store    Pinger
	waf      *waf.Service
	limiters *limiterSet
	tokenIPs *limiterSet
	// Workspace access policies.
	workspace *workspace.Service
	// SecMaster workspaces and emergency policies.
	secmaster *secmaster.Service
	// Decision engines (Rampart extension).
	decisions decision.Source
	// WAF protection events.
	wafEvents *waf.EventService
	// WAF dashboard figures.
	wafDashboard *waf.DashboardService
	// Emergency entries per layer, with their changes (Rampart extension).
	feed decision.Feed
	// CrowdSec bouncer keys and pulls.
	bouncers *bouncer.Service
	// Metrics of requests and bouncer pulls.
	obs Observer
	// The web console's files (nil: off).
	console http.Handler
}

// NewServer returns the HTTP handler serving every route of routes.go.
func NewServer(cfg Config, deps Deps) http.Handler {
	def := DefaultConfig()
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = def.MaxBodyBytes
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = max(1, int(cfg.RateLimit*2))
	}
	if cfg.TokenRateLimit <= 0 {
		cfg.TokenRateLimit = def.TokenRateLimit
	}
	if cfg.TokenRateBurst <= 0 {
		cfg.TokenRateBurst = def.TokenRateBurst
	}
	s := &server{
		cfg:      cfg,
		log:      deps.Logger,
		iam:      deps.IAM,
		store:    deps.Store,
		waf:      deps.WAF,
		limiters: newLimiterSet(cfg.RateLimit, cfg.RateBurst),
		tokenIPs: newLimiterSet(cfg.TokenRateLimit, cfg.TokenRateBurst),
		// Workspace access policies.
		workspace: deps.Workspace,
		// SecMaster workspaces and emergency policies.
		secmaster: deps.SecMaster,
		// Decision engines (Rampart extension).
		decisions: deps.Decisions,
		// WAF protection events.
		wafEvents: deps.WAFEvents,
		// WAF dashboard figures.
		wafDashboard: deps.WAFDashboard,
		// Emergency entries per layer, with their changes (Rampart extension).
		feed: deps.Feed,
		// CrowdSec bouncer keys and pulls.
		bouncers: deps.Bouncers,
		// Metrics of requests and bouncer pulls.
		obs: deps.Observer,
		// The web console's files.
		console: deps.Console,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	s.addRoutes(mux)
	return s.logRequests(s.recoverPanics(s.limitBody(s.refuseUncleanPaths(mux))))
}
