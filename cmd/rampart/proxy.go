package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/prometheus"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// proxyConfig is the configuration of the WAF data plane, shared by
// `rampart serve` (when --proxy-listen or --proxy-tls-listen is given) and
// `rampart proxy`.
type proxyConfig struct {
	Listen          string
	TLSListen       string
	TLSCert         string
	TLSKey          string
	TrustedProxies  string
	DialTimeout     time.Duration
	UpstreamTimeout time.Duration
	ClientTimeout   time.Duration
	MaxIdlePerHost  int
	CCMaxKeys       int
	PenaltyMaxKeys  int
	MetricsListen   string
	TrafficInterval time.Duration
	ForwardAuth     forwardAuthConfig

	trusted []netip.Prefix
}

// register adds the data-plane flags; metricsDefault is the default of
// --metrics-listen.
func (c *proxyConfig) register(e *envFlags, metricsDefault, metricsUsage string) {
	e.String(&c.Listen, "proxy-listen", "RAMPART_PROXY_LISTEN", "", "address the WAF data plane serves plain HTTP on (empty: none)")
	e.String(&c.TLSListen, "proxy-tls-listen", "RAMPART_PROXY_TLS_LISTEN", "", "address the WAF data plane serves HTTPS (HTTP/2 and HTTP/1.1) on (empty: none)")
	e.String(&c.TLSCert, "proxy-tls-cert", "RAMPART_PROXY_TLS_CERT", "", "PEM certificate served to TLS clients whose host has no certificate of its own")
	e.String(&c.TLSKey, "proxy-tls-key", "RAMPART_PROXY_TLS_KEY", "", "PEM private key of --proxy-tls-cert")
	e.String(&c.TrustedProxies, "trusted-proxies", "RAMPART_TRUSTED_PROXIES", "", "comma-separated CIDR prefixes whose X-Forwarded-For/X-Real-IP name the client")
	e.Duration(&c.DialTimeout, "proxy-dial-timeout", "RAMPART_PROXY_DIAL_TIMEOUT", 5*time.Second, "timeout connecting to an upstream server")
	e.Duration(&c.UpstreamTimeout, "proxy-upstream-timeout", "RAMPART_PROXY_UPSTREAM_TIMEOUT", 60*time.Second, "timeout waiting for an upstream's response headers (then 504)")
	e.Duration(&c.ClientTimeout, "proxy-client-timeout", "RAMPART_PROXY_CLIENT_TIMEOUT", 60*time.Second, "how long a client may send none of its request body or take none of the response before it is disconnected (0: no limit)")
	e.Int(&c.MaxIdlePerHost, "proxy-max-idle-per-host", "RAMPART_PROXY_MAX_IDLE_PER_HOST", 256, "idle connections kept per upstream server for HTTP/2 clients and upgrades; the HTTP/1.1 path opens up to 16 times this many per server")
	e.Int(&c.CCMaxKeys, "cc-max-keys", "RAMPART_CC_MAX_KEYS", 1_000_000, "clients (keys) the CC rate limiter tracks at once, 32 bytes each; beyond it the least recently seen key under its limit is forgotten")
	e.Int(&c.PenaltyMaxKeys, "penalty-max-keys", "RAMPART_PENALTY_MAX_KEYS", 65_536, "sources the known-attack-source penalty box holds at once; when full, the block ending soonest is dropped")
	e.Duration(&c.TrafficInterval, "traffic-flush-interval", "RAMPART_TRAFFIC_FLUSH_INTERVAL", 5*time.Second, "how often the data plane adds its request counters (the WAF dashboard figures) to the store")
	e.String(&c.MetricsListen, "metrics-listen", "RAMPART_METRICS_LISTEN", metricsDefault, metricsUsage)
	c.ForwardAuth.register(e)
}

// enabled reports whether a data-plane listener (or the forward-auth
// endpoint) is configured.
func (c *proxyConfig) enabled() bool {
	return c.Listen != "" || c.TLSListen != "" || c.ForwardAuth.Listen != ""
}

func (c *proxyConfig) validate() error {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("--proxy-tls-cert and --proxy-tls-key must be given together")
	}
	if c.MaxIdlePerHost < 1 {
		return errors.New("--proxy-max-idle-per-host must be at least 1")
	}
	if c.CCMaxKeys < 1 {
		return errors.New("--cc-max-keys must be at least 1")
	}
	if c.PenaltyMaxKeys < 1 {
		return errors.New("--penalty-max-keys must be at least 1")
	}
	if c.TrafficInterval < 10*time.Millisecond {
		return errors.New("--traffic-flush-interval must be at least 10ms")
	}
	t, err := proxy.ParseTrustedProxies(c.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	c.trusted = t
	return c.ForwardAuth.validate()
}

// dataPlane is a running WAF data plane: its listeners and host-table
// refresher.
type dataPlane struct {
	px   *proxy.Proxy
	srv  *proxy.Server
	errs chan error
	stop context.CancelFunc
	wg   sync.WaitGroup
	log  *slog.Logger
}

// dataPlaneDeps are what the data plane reads.
type dataPlaneDeps struct {
	Store     store
	Decisions decision.Source
	Locator   proxy.Locator
	// Events and Certificates are the WAF event recorder and certificate
	// store (adapted to the proxy's interfaces). Nil: events are not
	// recorded and TLS hosts get the default certificate.
	Events       proxy.EventSink
	Certificates proxy.CertificateSource
	// Traffic stores the data plane's request counters (nil: not stored).
	Traffic proxy.TrafficSink
}

// startDataPlane binds the data-plane listeners (first, so a taken port is
// reported before anything runs), loads the host table and serves.
func startDataPlane(ctx context.Context, c *proxyConfig, deps dataPlaneDeps, logger *slog.Logger) (*dataPlane, error) {
	var plain, secure net.Listener
	var err error
	if c.Listen != "" {
		if plain, err = net.Listen("tcp", c.Listen); err != nil {
			return nil, fmt.Errorf("proxy listen on %s: %w", c.Listen, err)
		}
	}
	if c.TLSListen != "" {
		if secure, err = net.Listen("tcp", c.TLSListen); err != nil {
			if plain != nil {
				plain.Close()
			}
			return nil, fmt.Errorf("proxy TLS listen on %s: %w", c.TLSListen, err)
		}
	}
	fauth, err := c.ForwardAuth.listen()
	if err != nil {
		closeAll(plain, secure)
		return nil, err
	}
	pcfg := proxy.Config{TrustedProxies: c.trusted, DialTimeout: c.DialTimeout, UpstreamTimeout: c.UpstreamTimeout,
		ClientTimeout: c.ClientTimeout, MaxIdleConnsPerHost: c.MaxIdlePerHost, PenaltyCapacity: c.PenaltyMaxKeys, Logger: logger}
	if c.ClientTimeout <= 0 {
		pcfg.ClientTimeout = -1 // no limit
	}
	if c.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
		if err != nil {
			closeAll(plain, secure, fauth)
			return nil, fmt.Errorf("load proxy TLS certificate: %w", err)
		}
		pcfg.DefaultCertificate = &cert
	}
	masks := &policyMaskers{store: deps.Store, log: logger}
	rules, err := newPolicyRules(deps.Store, c.CCMaxKeys, logger)
	if err != nil {
		closeAll(plain, secure, fauth)
		return nil, err
	}
	px := proxy.New(pcfg, proxy.Deps{Hosts: deps.Store, Revisions: deps.Store, Decisions: deps.Decisions, Locator: deps.Locator,
		Events: deps.Events, Certificates: deps.Certificates, Policies: deps.Store, Maskers: masks, Rules: rules, Traffic: deps.Traffic, Keys: deps.Store})
	if _, err := px.Refresh(ctx); err != nil {
		closeAll(plain, secure, fauth)
		return nil, fmt.Errorf("load the protected hosts: %w", err)
	}
	if err := px.RefreshKeys(ctx); err != nil {
		closeAll(plain, secure, fauth)
		return nil, fmt.Errorf("load the forward-auth keys: %w", err)
	}
	rctx, stop := context.WithCancel(context.Background())
	dp := &dataPlane{px: px, errs: make(chan error, 3), stop: stop, log: logger}
	dp.wg.Add(3)
	go func() { defer dp.wg.Done(); px.Run(rctx, 50*time.Millisecond) }()
	go func() { defer dp.wg.Done(); px.RunTraffic(rctx, c.TrafficInterval) }()
	go func() { defer dp.wg.Done(); masks.run(rctx, maskHitsFlushInterval) }()
	dp.srv = px.NewServer(proxy.ServerConfig{ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 32 << 10})
	if plain != nil {
		go func() { dp.errs <- dp.srv.Serve(plain) }()
		logger.Info("WAF data plane listening", "url", "http://"+plain.Addr().String())
	}
	if secure != nil {
		go func() { dp.errs <- dp.srv.ServeTLS(secure) }()
		logger.Info("WAF data plane listening", "url", "https://"+secure.Addr().String())
	}
	dp.serveForwardAuth(fauth, &c.ForwardAuth)
	return dp, nil
}

func closeAll(ls ...net.Listener) {
	for _, l := range ls {
		if l != nil {
			l.Close()
		}
	}
}

// shutdown stops the listeners gracefully (in-flight requests finish until
// ctx is done) and the refresher.
func (dp *dataPlane) shutdown(ctx context.Context) {
	if err := dp.srv.Shutdown(ctx); err != nil {
		dp.log.Warn("data plane shutdown did not finish in time; closing connections", "err", err)
		_ = dp.srv.Close()
	}
	dp.stop()
	dp.wg.Wait()
	dp.px.Close()
}

// withMetrics serves the data plane's metrics at GET /metrics beside h.
func withMetrics(h, metrics http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			metrics.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func serveMetricsOn(ln net.Listener, metrics http.Handler, logger *slog.Logger) *http.Server {
	srv := &http.Server{Handler: withMetrics(http.NotFoundHandler(), metrics), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("metrics listening", "url", "http://"+ln.Addr().String()+"/metrics")
	return srv
}

// proxyNodeConfig is the configuration of `rampart proxy`.
type proxyNodeConfig struct {
	nodeConfig
	Proxy       proxyConfig
	AddressData addressDataConfig
}

const proxyUsage = `Usage: rampart proxy --proxy-listen ADDR | --forward-auth-listen ADDR [flags]

Runs a WAF data-plane node from the store of a rampart serve (no API
listener). Every flag has an environment twin; a flag given on the command
line wins.
`

func parseProxyFlags(args []string, getenv func(string) string, stdout, stderr io.Writer) (*proxyNodeConfig, error) {
	fs := flag.NewFlagSet("rampart proxy", flag.ContinueOnError)
	c := &proxyNodeConfig{}
	e := &envFlags{fs: fs, getenv: getenv, stdout: stdout, stderr: stderr, usage: proxyUsage}
	c.nodeConfig.register(e)
	c.Proxy.register(e, "127.0.0.1:9145", "address serving Prometheus metrics at /metrics (empty: none)")
	c.AddressData.register(e)
	if err := e.parse(args); err != nil {
		return nil, err
	}
	if !c.Proxy.enabled() {
		return nil, errors.New("rampart proxy needs --proxy-listen, --proxy-tls-listen or --forward-auth-listen")
	}
	if err := c.Proxy.validate(); err != nil {
		return nil, err
	}
	if err := c.PostgresPool.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// runProxy is `rampart proxy`: a data-plane-only node reading the same
// store as the API servers (no API listener; the decision engines, the
// host table and the metrics).
func runProxy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseProxyFlags(args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger, err := newLogger(cfg.LogFormat, cfg.LogLevel, stderr)
	if err != nil {
		return err
	}
	metricsLn, err := listenMetrics(cfg.Proxy.MetricsListen)
	if err != nil {
		return err
	}
	if metricsLn != nil {
		defer metricsLn.Close()
	}
	stopProfiler, err := serveProfiler(cfg.PprofListen, logger)
	if err != nil {
		return err
	}
	defer stopProfiler()
	metrics := prometheus.New()
	st, where, err := openStore(ctx, cfg.Store, cfg.DataDir, cfg.storeOptions(logger, metrics))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	logger.Info("store opened", "store", where)

	// The SecMaster service only reads here: delivery runs on API nodes.
	sm := secmaster.New(st.SecMaster(), secmaster.Config{Logger: logger})
	decisions, err := newDecisionRegistry(st, sm, workspace.New(st, workspace.Config{}), &cfg.AddressData, logger)
	if err != nil {
		return err
	}
	decisions.SetObserver(metrics)
	regCtx, stopReg := context.WithCancel(context.Background())
	regDone := make(chan struct{})
	go func() { decisions.Run(regCtx, 50*time.Millisecond); close(regDone) }()
	defer func() { stopReg(); <-regDone }()
	reloadOnHangup(regCtx, &cfg.AddressData, decisions, logger)
	// Protection events are written by this node; the queue is drained
	// after the data plane stops, before the store closes.
	events, eventsDrained := startEventRecorder(regCtx, st, logger)
	defer func() { stopReg(); eventsDrained() }()

	dp, err := startDataPlane(ctx, &cfg.Proxy, dataPlaneDeps{Store: st, Decisions: decisions, Locator: decisions,
		Events: eventSink{events}, Certificates: certificates{st}, Traffic: waf.NewTrafficWriter(st, nil)}, logger)
	if err != nil {
		return err
	}
	var msrv *http.Server
	if metricsLn != nil {
		msrv = serveMetricsOn(metricsLn, nodeMetrics(metrics, dp.px.Metrics(), st), logger)
	}
	var serveErr error
	select {
	case serveErr = <-dp.errs:
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	dp.shutdown(sctx)
	if msrv != nil {
		_ = msrv.Shutdown(sctx)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("proxy: %w", serveErr)
	}
	return nil
}
