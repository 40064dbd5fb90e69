package proxy

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/penalty"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
)

// Config tunes the data plane. Zero values take the defaults given.
type Config struct {
	// TrustedProxies are the peers whose X-Forwarded-For and X-Real-IP
	// headers name the client. Others' are ignored (and replaced upstream).
	TrustedProxies []netip.Prefix
	// DefaultCertificate is served to TLS clients whose host has no
	// certificate of its own (or sends no SNI). Optional.
	DefaultCertificate *tls.Certificate
	// DialTimeout bounds connecting to an upstream server (default 5 s).
	DialTimeout time.Duration
	// UpstreamTimeout bounds waiting for an upstream's response headers;
	// past it the client gets 504 (default 60 s).
	UpstreamTimeout time.Duration
	// ClientTimeout is how long a client may go without sending any of its
	// request body or taking any of the response before it is
	// disconnected (default 60 s; negative: never).
	ClientTimeout time.Duration
	// MaxIdleConnsPerHost is the idle connections kept per upstream server
	// (default 256).
	MaxIdleConnsPerHost int
	// Logger receives refresh errors and host-name conflicts (nil: discarded).
	Logger *slog.Logger
	// PenaltyCapacity is the most sources the known-attack-source box
	// holds (0: penalty.DefaultCapacity); see package penalty for the
	// eviction rule.
	PenaltyCapacity int
	// Now is the clock of decisions and events (nil: time.Now).
	Now func() time.Time
}

// Deps are the capabilities the data plane uses. Hosts, Revisions and
// Decisions are required.
type Deps struct {
	Hosts        HostSource
	Revisions    rampart.RevisionLister
	Decisions    decision.Source
	Events       EventSink         // nil: events are not recorded
	Certificates CertificateSource // nil: only the default certificate
	Locator      Locator           // nil: events carry no location or tag
	Policies     PolicySource      // nil: no basic web protection
	Maskers      MaskerSource      // nil: nothing is masked
	Rules        PolicyRulesSource // nil: no precise-protection, CC or known-attack-source rules
	Traffic      TrafficSink       // nil: no dashboard traffic counters are stored (RunTraffic returns)
	Keys         KeySource         // nil: forward auth answers trusted addresses only
}

// Proxy is the WAF data plane. It is an http.Handler for the client-facing
// listener; Run keeps its host table current. A Proxy is safe for
// concurrent use.
type Proxy struct {
	cfg       Config
	deps      Deps
	log       *slog.Logger
	now       func() time.Time
	transport roundTripCloser
	// clients are the HTTP/1.1 server's upstream connection pools, one per
	// origin server, kept across table rebuilds.
	clients upstreamClients
	buffers bufferPool
	metrics *metrics
	traffic trafficTable // the dashboard counters, stored by RunTraffic
	// penalties holds the sources known-attack-source rules block, across
	// table rebuilds.
	penalties *penalty.Box
	// inspectors compiles each distinct basic web protection setting
	// once; every policy with that setting shares the inspector.
	inspectors inspect.Cache

	table atomic.Pointer[table]
	// fauthKeys are the forward-auth keys (RefreshKeys).
	fauthKeys atomic.Pointer[keyTable]

	refreshMu sync.Mutex       // serialises Refresh
	revs      map[string]int64 // WAF revision per project the table was built from
	certs     map[string]certEntry
	// certRetry, when set, is when a rebuild is due although no revision
	// moved: a certificate could not be read at the last one.
	certRetry time.Time

	idPrefix string
	idSeq    atomic.Uint64
}

// roundTripCloser is the upstream transport (*http.Transport; a stub in
// benchmarks).
type roundTripCloser interface {
	http.RoundTripper
	CloseIdleConnections()
}

// certEntry is a parsed certificate with the PEM it was parsed from.
type certEntry struct {
	certPEM, keyPEM string
	cert            *tls.Certificate
}

// New returns a data plane with an empty host table; call Refresh or Run
// to load the hosts.
func New(cfg Config, deps Deps) *Proxy {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.UpstreamTimeout <= 0 {
		cfg.UpstreamTimeout = 60 * time.Second
	}
	if cfg.ClientTimeout == 0 {
		cfg.ClientTimeout = 60 * time.Second
	}
	if cfg.MaxIdleConnsPerHost <= 0 {
		cfg.MaxIdleConnsPerHost = 256
	}
	p := &Proxy{cfg: cfg, deps: deps, log: cfg.Logger, now: cfg.Now, metrics: newMetrics(), certs: map[string]certEntry{},
		penalties: penalty.New(cfg.PenaltyCapacity)}
	p.clients.cfg = &p.cfg
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.transport = &http.Transport{
		DialContext:           (&net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          0, // no overall limit; bounded per server
		MaxIdleConnsPerHost:   cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: cfg.UpstreamTimeout,
		ExpectContinueTimeout: time.Second,
		// Origin servers are addressed by IP and commonly present
		// certificates for the site's name or self-signed ones; like
		// Huawei's WAF, the data plane encrypts to them without verifying.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12},
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	p.idPrefix = hex.EncodeToString(b[:])
	p.table.Store(&table{})
	return p
}

// Metrics returns the handler of the Prometheus metrics.
func (p *Proxy) Metrics() http.Handler { return p.metrics }

// Close releases idle upstream connections.
func (p *Proxy) Close() {
	p.transport.CloseIdleConnections()
	p.clients.closeIdle()
}

// Refresh rebuilds the host table when a project's WAF revision has changed
// since the last build (or on the first call), and reports whether it did.
func (p *Proxy) Refresh(ctx context.Context) (bool, error) {
	p.refreshMu.Lock()
	defer p.refreshMu.Unlock()
	all, err := p.deps.Revisions.Revisions(ctx)
	if err != nil {
		return false, fmt.Errorf("revisions: %w", err)
	}
	cur := make(map[string]int64, len(all))
	for _, rv := range all {
		if rv.Family == rampart.FamilyWAF {
			cur[rv.ProjectID] = rv.Revision
		}
	}
	if p.revs != nil && maps.Equal(cur, p.revs) && (p.certRetry.IsZero() || p.now().Before(p.certRetry)) {
		return false, nil
	}
	hosts, err := p.deps.Hosts.AllHosts(ctx)
	if err != nil {
		return false, fmt.Errorf("hosts: %w", err)
	}
	prot, err := p.loadPolicies(ctx, hosts)
	if err != nil {
		return false, err
	}
	used := map[string]bool{}
	unread := false
	p.clients.startBuild()
	t := buildTable(hosts, p.metrics, p.preparePool, func(h *waf.Host) *tls.Certificate {
		key := h.ProjectID + "/" + h.CertificateID
		used[key] = true
		c, ok := p.certificate(ctx, key, h)
		unread = unread || !ok
		return c
	}, prot, p.log)
	p.certRetry = time.Time{}
	if unread {
		p.certRetry = p.now().Add(certRetryAfter)
	}
	for k := range p.certs {
		if !used[k] {
			delete(p.certs, k)
		}
	}
	p.traffic.attach(t, p.now())
	p.table.Store(t)
	p.clients.endBuild()
	p.revs = cur
	names := map[string]bool{}
	for _, rt := range t.routes() {
		names[rt.hostname] = true
	}
	p.metrics.retain(names)
	// Compile the engines of protected projects now, not on their first
	// request.
	seen := map[string]bool{}
	for _, rt := range t.routes() {
		if rt.protect == 1 && !seen[rt.projectID] {
			seen[rt.projectID] = true
			if _, err := p.deps.Decisions.Decider(ctx, rt.projectID); err != nil {
				p.log.Warn("proxy: loading a project's decision engine", "project_id", rt.projectID, "err", err)
			}
		}
	}
	return true, nil
}

// certRetryAfter is how long after a certificate could not be read the
// host table is rebuilt to read it again.
const certRetryAfter = 10 * time.Second

// certificate loads and parses a host's certificate, reusing the parsed
// one while its PEM is unchanged. Failures are logged; the host then gets
// the default certificate. ok is false when the certificate could not be
// read (worth another try); an invalid one is not retried until it changes.
func (p *Proxy) certificate(ctx context.Context, key string, h *waf.Host) (cert *tls.Certificate, ok bool) {
	if p.deps.Certificates == nil {
		return nil, true
	}
	certPEM, keyPEM, err := p.deps.Certificates.Certificate(ctx, h.ProjectID, h.CertificateID)
	if err != nil {
		p.log.Warn("proxy: host certificate unavailable; serving the default", "hostname", h.Hostname, "certificate_id", h.CertificateID, "err", err)
		return nil, false
	}
	if e, ok := p.certs[key]; ok && e.certPEM == string(certPEM) && e.keyPEM == string(keyPEM) {
		return e.cert, true
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		p.log.Warn("proxy: host certificate invalid; serving the default", "hostname", h.Hostname, "certificate_id", h.CertificateID, "err", err)
		return nil, true
	}
	p.certs[key] = certEntry{certPEM: string(certPEM), keyPEM: string(keyPEM), cert: &c}
	return &c, true
}

// routes returns every route of the table.
func (t *table) routes() []*route {
	out := make([]*route, 0, len(t.exact)+len(t.wild))
	for _, rt := range t.exact {
		out = append(out, rt)
	}
	for _, rt := range t.wild {
		out = append(out, rt)
	}
	return out
}

// Run calls Refresh every interval, and RefreshKeys every
// keyRefreshEvery, until ctx is done, logging errors.
func (p *Proxy) Run(ctx context.Context, interval time.Duration) {
	if _, err := p.Refresh(ctx); err != nil && ctx.Err() == nil {
		p.log.Warn("proxy: host table refresh", "err", err)
	}
	keysAt := time.Now()
	if err := p.RefreshKeys(ctx); err != nil && ctx.Err() == nil {
		p.log.Warn("proxy: forward-auth keys refresh", "err", err)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := p.Refresh(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("proxy: host table refresh", "err", err)
		}
		if time.Since(keysAt) >= keyRefreshEvery {
			keysAt = time.Now()
			if err := p.RefreshKeys(ctx); err != nil && ctx.Err() == nil {
				p.log.Warn("proxy: forward-auth keys refresh", "err", err)
			}
		}
	}
}

// TLSConfig returns the client-facing TLS configuration: per-host
// certificates chosen by SNI, HTTP/2 and HTTP/1.1 offered by ALPN.
func (p *Proxy) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"h2", "http/1.1"},
		GetCertificate: p.getCertificate,
	}
}

func (p *Proxy) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	if rt := p.table.Load().lookup(lowerHost(hello.ServerName)); rt != nil && rt.cert != nil {
		return rt.cert, nil
	}
	if p.cfg.DefaultCertificate != nil {
		return p.cfg.DefaultCertificate, nil
	}
	return nil, fmt.Errorf("no certificate for server name %q", hello.ServerName)
}

// eventID returns a new event ID: a per-process random prefix and a
// sequence number.
func (p *Proxy) eventID() string {
	return p.idPrefix + "-" + strconv.FormatUint(p.idSeq.Add(1), 16)
}

// isDialError reports whether err is a failure to connect (so nothing of
// the request was sent).
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isTimeout reports whether err is a timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
