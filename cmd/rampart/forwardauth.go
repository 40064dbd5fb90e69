package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/rampartsec/rampart/internal/proxy"
)

// forwardAuthConfig is the configuration of the forward-auth endpoint
// (--forward-auth-listen), which nginx auth_request, Caddy forward_auth,
// Traefik ForwardAuth, Envoy ext_authz and HAProxy ask whether a request
// may pass.
type forwardAuthConfig struct {
	Listen      string
	Trusted     string
	UnknownHost string
	PathPrefix  string

	cfg proxy.ForwardAuthConfig
}

func (c *forwardAuthConfig) register(e *envFlags) {
	e.String(&c.Listen, "forward-auth-listen", "RAMPART_FORWARD_AUTH_LISTEN", "", "address of the forward-auth endpoint that nginx, Caddy, Traefik, Envoy and HAProxy ask (empty: none)")
	e.String(&c.Trusted, "forward-auth-trusted", "RAMPART_FORWARD_AUTH_TRUSTED", "", "comma-separated CIDR prefixes whose forward-auth questions need no X-Api-Key (they may ask about every project's hosts)")
	e.String(&c.UnknownHost, "forward-auth-unknown-host", "RAMPART_FORWARD_AUTH_UNKNOWN_HOST", "deny", "forward-auth answer for a host that is not protected here or not the asking key's project's: deny (403) or allow (200)")
	e.String(&c.PathPrefix, "forward-auth-path-prefix", "RAMPART_FORWARD_AUTH_PATH_PREFIX", "", "prefix removed from the asker's own path when no header carries the original one (Envoy ext_authz path_prefix)")
}

func (c *forwardAuthConfig) validate() error {
	t, err := proxy.ParseTrustedProxies(c.Trusted)
	if err != nil {
		return fmt.Errorf("--forward-auth-trusted: %w", err)
	}
	c.cfg.Trusted = t
	switch c.UnknownHost {
	case "deny", "":
	case "allow":
		c.cfg.AllowUnknownHosts = true
	default:
		return fmt.Errorf("--forward-auth-unknown-host %q: use deny or allow", c.UnknownHost)
	}
	if c.PathPrefix != "" && (!strings.HasPrefix(c.PathPrefix, "/") || strings.HasSuffix(c.PathPrefix, "/")) {
		return fmt.Errorf("--forward-auth-path-prefix %q: a path that starts with / and does not end with one", c.PathPrefix)
	}
	c.cfg.PathPrefix = c.PathPrefix
	return nil
}

// listen binds the forward-auth listener; nil when none is configured.
func (c *forwardAuthConfig) listen() (net.Listener, error) {
	if c.Listen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return nil, fmt.Errorf("forward-auth listen on %s: %w", c.Listen, err)
	}
	return ln, nil
}

// serveForwardAuth serves the forward-auth endpoint of dp on ln; a failure
// stops the node as a data-plane listener's does.
func (dp *dataPlane) serveForwardAuth(ln net.Listener, c *forwardAuthConfig) {
	if ln == nil {
		return
	}
	go func() { dp.errs <- dp.srv.ServeForwardAuth(ln, c.cfg) }()
	dp.log.Info("forward-auth endpoint listening", "url", "http://"+ln.Addr().String())
}
