package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/prometheus"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// serveConfig is the configuration of `rampart serve`.
type serveConfig struct {
	nodeConfig
	Listen       string
	TLSCert      string
	TLSKey       string
	TokenTTL     time.Duration
	MaxBodyBytes int64
	RateLimit    float64
	RateBurst    int
	PublicURL    string
	// SecMaster quotas per workspace.
	SecMasterMaxPolicies int
	SecMasterMaxAgeing   int
	// Address data files (empty: embedded data).
	AddressData addressDataConfig
	// Proxy is the WAF data plane run beside the API (--proxy-listen).
	Proxy proxyConfig
	// Console serves the web console at /console/ on the API listener.
	Console bool
}

const serveUsage = `Usage: rampart serve [flags]

Runs the API server (and, with --proxy-listen or --proxy-tls-listen, the WAF
data plane beside it). Every flag has an environment twin; a flag given on the
command line wins.
`

func parseServeFlags(args []string, getenv func(string) string, stdout, stderr io.Writer) (*serveConfig, error) {
	fs := flag.NewFlagSet("rampart serve", flag.ContinueOnError)
	c := &serveConfig{}
	e := &envFlags{fs: fs, getenv: getenv, stdout: stdout, stderr: stderr, usage: serveUsage}
	e.String(&c.Listen, "listen", "RAMPART_LISTEN", "127.0.0.1:8080", "address the API listens on")
	c.nodeConfig.register(e)
	e.String(&c.TLSCert, "tls-cert", "RAMPART_TLS_CERT", "", "PEM certificate file; with --tls-key, serve HTTPS")
	e.String(&c.TLSKey, "tls-key", "RAMPART_TLS_KEY", "", "PEM private key file")
	e.Duration(&c.TokenTTL, "token-ttl", "RAMPART_TOKEN_TTL", 24*time.Hour, "lifetime of issued IAM tokens")
	e.Int64(&c.MaxBodyBytes, "max-body-bytes", "RAMPART_MAX_BODY_BYTES", 1<<20, "largest accepted request body")
	e.Float64(&c.RateLimit, "rate-limit", "RAMPART_RATE_LIMIT", 2000, "requests per second allowed per credential (0: unlimited)")
	e.Int(&c.RateBurst, "rate-burst", "RAMPART_RATE_BURST", 4000, "burst size of the per-credential rate limit")
	e.String(&c.PublicURL, "public-url", "RAMPART_PUBLIC_URL", "", "base URL advertised in token catalogs (default: from the request)")
	e.Int(&c.SecMasterMaxPolicies, "secmaster-max-policies", "RAMPART_SECMASTER_MAX_POLICIES", secmaster.DefaultMaxPolicies, "SecMaster emergency policies allowed per workspace")
	e.Int(&c.SecMasterMaxAgeing, "secmaster-max-ageing-policies", "RAMPART_SECMASTER_MAX_AGEING_POLICIES", secmaster.DefaultMaxAgeing, "SecMaster emergency policies with block aging allowed per workspace")
	e.Bool(&c.Console, "console", "RAMPART_CONSOLE", true, "serve the web console at /console/ on the API listener")
	c.AddressData.register(e)
	c.Proxy.register(e, "127.0.0.1:9145", "address serving Prometheus metrics at /metrics: the API's, the store's, SecMaster delivery, the engines', the bouncers' and the data plane's (empty: none)")
	if err := e.parse(args); err != nil {
		return nil, err
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, errors.New("--tls-cert and --tls-key must be given together")
	}
	if err := checkStoreDSN(c.Store); err != nil {
		return nil, err
	}
	if err := c.PostgresPool.validate(); err != nil {
		return nil, err
	}
	if c.TokenTTL < time.Second {
		return nil, errors.New("--token-ttl must be at least 1s")
	}
	if c.MaxBodyBytes < 1024 {
		return nil, errors.New("--max-body-bytes must be at least 1024")
	}
	if err := c.Proxy.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// nodeConfig are the settings of every long-running command: the store,
// logging and shutdown.
type nodeConfig struct {
	DataDir         string
	Store           string
	Synchronous     string
	CacheMiB        int
	PostgresPool    postgresPool
	LogFormat       string
	LogLevel        string
	ShutdownTimeout time.Duration
	PprofListen     string
}

func (c *nodeConfig) register(e *envFlags) {
	e.String(&c.DataDir, "data-dir", "RAMPART_DATA_DIR", "./rampart-data", "directory for the database and credentials.json")
	e.String(&c.Store, "store", "RAMPART_STORE", "", "store DSN: a SQLite file path (default <data-dir>/rampart.db) or postgres://…")
	e.String(&c.Synchronous, "sqlite-synchronous", "RAMPART_SQLITE_SYNCHRONOUS", "NORMAL", "SQLite synchronous mode: NORMAL (survives process crashes) or FULL (also power loss)")
	e.Int(&c.CacheMiB, "sqlite-cache-mib", "RAMPART_SQLITE_CACHE_MIB", sqlite.DefaultCacheMiB, "SQLite page cache of the writer connection, in MiB (a busy server's memory grows by up to this much)")
	c.PostgresPool.register(e)
	e.String(&c.LogFormat, "log-format", "RAMPART_LOG_FORMAT", "text", "log format: text or json")
	e.String(&c.LogLevel, "log-level", "RAMPART_LOG_LEVEL", "info", "log level: debug, info, warn or error")
	e.Duration(&c.ShutdownTimeout, "shutdown-timeout", "RAMPART_SHUTDOWN_TIMEOUT", 15*time.Second, "how long shutdown waits for in-flight requests")
	e.String(&c.PprofListen, "pprof-listen", "RAMPART_PPROF_LISTEN", "", "address serving Go's profiler at /debug/pprof/ (empty: none; keep it on loopback)")
}

// storeOptions are the settings of the node's store. obs (nil: none) is
// told of the store's latency and commits, whichever the backend.
func (c *nodeConfig) storeOptions(logger *slog.Logger, obs sqlite.Observer) storeOptions {
	pg := c.PostgresPool.options(logger)
	pg.Observer = obs
	return storeOptions{SQLite: sqlite.Options{Synchronous: c.Synchronous, CacheMiB: c.CacheMiB, Logger: logger, Observer: obs},
		Postgres: pg}
}

// newLogger builds the process logger.
func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, getenv, stdout, stderr)
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

	// Bind first, so a taken port is reported before anything else starts.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	defer ln.Close()
	stopProfiler, err := serveProfiler(cfg.PprofListen, logger)
	if err != nil {
		return err
	}
	defer stopProfiler()

	// One server per data dir: a second one would bootstrap or migrate
	// beside the first and deliver the same SecMaster tasks twice.
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	defer unlock()
	// The control plane's metrics (and the data plane's, when it runs) on
	// their own listener, private by default: they name every project's
	// protected hosts and bouncers, so they are not served on the API
	// listener, whose callers see only their own projects.
	metricsLn, err := listenMetrics(cfg.Proxy.MetricsListen)
	if err != nil {
		return err
	}
	if metricsLn != nil {
		defer metricsLn.Close()
	}
	metrics := prometheus.New()

	st, where, err := openStore(ctx, cfg.Store, cfg.DataDir, cfg.storeOptions(logger, metrics))
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.Error("closing store", "err", err)
		} else {
			logger.Info("store closed")
		}
	}()
	logger.Info("store opened", "store", where)
	releaseStore, err := claimStore(ctx, st)
	if err != nil {
		return err
	}
	defer releaseStore()

	// SecMaster's IAM layer, decided by the engine built below: blocked user
	// names get no token or access unless a WHITE entry lets them through.
	// IAM in turn decides which projects a SecMaster policy may target.
	var userBlocked func(ctx context.Context, projectID, userName string) (bool, error)
	idm := iam.New(st, iam.Config{TokenTTL: cfg.TokenTTL, UserBlocked: func(ctx context.Context, projectID, userName string) (bool, error) {
		return userBlocked(ctx, projectID, userName)
	}})
	sm := secmaster.New(st.SecMaster(), secmaster.Config{Logger: logger, MaxPolicies: cfg.SecMasterMaxPolicies,
		MaxAgeing: cfg.SecMasterMaxAgeing, Targets: idm})
	wsSvc := workspace.New(st, workspace.Config{})
	wafSvc := waf.NewService(st, nil)
	// The decision engine: one compiled engine per project, updated when a
	// family's revision changes (polled every 50 ms, so a write is in force
	// within 100 ms).
	decisions, err := newDecisionRegistry(st, sm, wsSvc, &cfg.AddressData, logger)
	if err != nil {
		return err
	}
	decisions.SetObserver(metrics)
	userBlocked = decision.UserBlockedBy(decisions, nil)
	if err := bootstrap(ctx, idm, st, cfg.DataDir, getenv, logger); err != nil {
		return err
	}

	if err := ensureSecMasterWorkspaces(ctx, st, sm); err != nil {
		return err
	}
	// The delivery worker resumes pending tasks and expires aged policies;
	// it stops after the HTTP server, before the store closes.
	workerCtx, stopWorker := context.WithCancel(context.Background())
	workerDone := make(chan struct{})
	go func() { sm.Run(workerCtx); close(workerDone) }()
	defer func() { stopWorker(); <-workerDone }()

	decisionsDone := make(chan struct{})
	go func() { decisions.Run(workerCtx, 50*time.Millisecond); close(decisionsDone) }()
	defer func() { stopWorker(); <-decisionsDone }()
	reloadOnHangup(workerCtx, &cfg.AddressData, decisions, logger)

	// Protection events: the data plane records into the recorder, which
	// writes them in batches and applies retention; it drains its queue
	// after the servers stop, before the store closes.
	events, eventsDrained := startEventRecorder(workerCtx, st, logger)
	defer func() { stopWorker(); eventsDrained() }()

	// The WAF data plane, when configured, shares the store and engines.
	var dpErrs chan error
	var dataPlaneMetrics http.Handler
	if cfg.Proxy.enabled() {
		dp, err := startDataPlane(ctx, &cfg.Proxy, dataPlaneDeps{Store: st, Decisions: decisions, Locator: decisions,
			Events: eventSink{events}, Certificates: certificates{st}, Traffic: waf.NewTrafficWriter(st, nil)}, logger)
		if err != nil {
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel()
			dp.shutdown(sctx)
		}()
		dpErrs = dp.errs
		dataPlaneMetrics = dp.px.Metrics()
	}
	var backlog prometheus.Backlog
	if b, ok := st.SecMaster().(backlogCounter); ok {
		backlog = b.PendingDeliveries
	}
	metrics.RegisterSecMaster(sm.DeliveryCounts, backlog)
	if metricsLn != nil {
		defer serveMetricsOn(metricsLn, nodeMetrics(metrics, dataPlaneMetrics, st), logger).Close()
	}

	// The bouncers' ban lists are built in the background: their first
	// pulls after a start do not wait for it.
	// Shutdown waits for it before the store closes.
	bouncers := bouncer.New(st, decisions, nil)
	prepared := make(chan struct{})
	go func() {
		defer close(prepared)
		if err := bouncers.Prepare(workerCtx); err != nil && workerCtx.Err() == nil {
			logger.Error("preparing the bouncers' ban lists", "err", err)
		}
	}()
	defer func() { stopWorker(); <-prepared }()
	consoleFiles, err := consoleHandler(cfg.Console)
	if err != nil {
		return err
	}
	handler := httpapi.NewServer(httpapi.Config{
		MaxBodyBytes: cfg.MaxBodyBytes,
		RateLimit:    cfg.RateLimit,
		RateBurst:    cfg.RateBurst,
		PublicURL:    cfg.PublicURL,
		Version:      buildVersion(),
	}, httpapi.Deps{Logger: logger, IAM: idm, Store: st,
		Workspace: wsSvc,
		WAF:       wafSvc,
		SecMaster: sm,
		Decisions: decisions,
		WAFEvents: waf.NewEventService(st, nil),
		Feed:      decisions,
		Bouncers:  bouncers,
		Observer:  metrics,

		// The WAF dashboard operations read the data plane's counters and events.
		WAFDashboard: waf.NewDashboardService(st, st, nil),
		Console:      consoleFiles,
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}

	go pruneTokens(ctx, idm, logger)

	serveErr := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			serveErr <- srv.ServeTLS(ln, "", "")
		} else {
			serveErr <- srv.Serve(ln)
		}
	}()
	logger.Info("rampart listening", "url", scheme+"://"+ln.Addr().String(), "version", buildVersion())

	// A data-plane listener that fails shuts the whole process down
	// gracefully and makes it exit with an error, so that a supervisor
	// restarts it.
	var dpErr error
	select {
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case dpErr = <-dpErrs:
		logger.Error("WAF data plane stopped", "err", dpErr)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	decisions.StopWaiting() // long polls of the change stream answer now
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("shutdown did not finish in time; closing connections", "err", err)
		_ = srv.Close()
	}
	if dpErr != nil {
		return fmt.Errorf("WAF data plane: %w", dpErr)
	}
	return nil
}

// firstStartVariables are read only when the store is still empty.
var firstStartVariables = []string{"RAMPART_ACCOUNT", "RAMPART_ADMIN_PASSWORD", "RAMPART_ACCESS_KEY",
	"RAMPART_SECRET_KEY", "RAMPART_PROJECT_ID", "RAMPART_PROJECT_NAME"}

// bootstrap creates the first identities in an empty store and writes the
// generated credentials once to <data-dir>/credentials.json. The file is
// written, synced and renamed into place inside the bootstrap transaction,
// before it commits: a start that cannot save them, or a crash before the
// commit, leaves the store empty, so the next start generates and saves
// them again; they are never committed without having been saved.
//
// A store that already holds identities is left as it is: the first-start
// variables are neither validated nor used then, only named in a warning
// when set.
func bootstrap(ctx context.Context, idm *iam.Service, st rampart.IdentityStore, dataDir string, getenv func(string) string, logger *slog.Logger) error {
	path := filepath.Join(dataDir, "credentials.json")
	ps, err := st.FindProjects(ctx, rampart.ProjectFilter{})
	if err != nil && rampart.AsError(err).Kind != rampart.KindNotFound {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if len(ps) > 0 {
		keptIdentities(getenv, path, logger)
		return nil
	}
	// The file is prepared before the store commits: a data dir where it
	// cannot be written must fail the start without bootstrapping, or the
	// generated password and secret key would be lost for good. It is a new
	// 0600 file renamed into place, so an older credentials.json with a
	// looser mode (or a symlink) is replaced, never written through.
	f, err := prepareCredentialsFile(dataDir, path)
	if err != nil {
		return err
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	in := iam.BootstrapInput{
		AccountName:   getenv("RAMPART_ACCOUNT"),
		AdminPassword: getenv("RAMPART_ADMIN_PASSWORD"),
		AccessKey:     getenv("RAMPART_ACCESS_KEY"),
		SecretKey:     getenv("RAMPART_SECRET_KEY"),
		ProjectID:     getenv("RAMPART_PROJECT_ID"),
		ProjectName:   getenv("RAMPART_PROJECT_NAME"),
		Save:          func(c *iam.Credentials) error { return saveCredentials(f, path, c) },
	}
	creds, created, err := idm.Bootstrap(ctx, in)
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	if !created {
		keptIdentities(getenv, path, logger)
		return nil
	}
	logger.Info("bootstrapped account, admin user, project and access key",
		"account", creds.Account, "project_id", creds.ProjectID, "project_name", creds.ProjectName,
		"access_key", creds.AccessKey, "credentials_file", path)
	return nil
}

// keptIdentities logs that the store's identities are kept, and warns about
// first-start variables that are set although they are ignored now.
func keptIdentities(getenv func(string) string, credentialsFile string, logger *slog.Logger) {
	var set []string
	for _, name := range firstStartVariables {
		if getenv(name) != "" {
			set = append(set, name)
		}
	}
	if len(set) == 0 {
		logger.Info("existing identities kept", "credentials_file", credentialsFile)
		return
	}
	logger.Warn("existing identities kept; first-start variables ignored (they are read only when the store is empty)",
		"ignored", strings.Join(set, ","), "credentials_file", credentialsFile)
}

// saveCredentials writes creds to the prepared file f, syncs it and renames
// it onto path. f is nil when it could not be prepared.
func saveCredentials(f *os.File, path string, creds *iam.Credentials) error {
	if f == nil {
		return fmt.Errorf("write credentials: %s cannot be written", path)
	}
	b, err := json.MarshalIndent(creds, "", "  ")
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	return nil
}

// prepareCredentialsFile checks that path can be replaced and returns a new,
// empty 0600 file beside it, to be renamed onto it once written.
func prepareCredentialsFile(dataDir, path string) (*os.File, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("write credentials: %s is a directory", path)
	}
	f, err := os.CreateTemp(dataDir, ".credentials-*.json") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("write credentials: %w", err)
	}
	return f, nil
}

// pruneTokens deletes long-expired tokens periodically.
func pruneTokens(ctx context.Context, idm *iam.Service, logger *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := idm.PruneExpiredTokens(ctx); err != nil {
				logger.Warn("pruning expired tokens", "err", err)
			} else if n > 0 {
				logger.Info("pruned expired tokens", "count", n)
			}
		}
	}
}

// ensureSecMasterWorkspaces gives every existing project its default
// SecMaster workspace (projects created later get it on first use).
func ensureSecMasterWorkspaces(ctx context.Context, st store, sm *secmaster.Service) error {
	projects, err := st.FindProjects(ctx, rampart.ProjectFilter{})
	if err != nil {
		return fmt.Errorf("secmaster workspaces: %w", err)
	}
	for _, p := range projects {
		if err := sm.EnsureDefaultWorkspace(ctx, p.ID); err != nil {
			return fmt.Errorf("secmaster default workspace of %s: %w", p.ID, err)
		}
	}
	return nil
}
