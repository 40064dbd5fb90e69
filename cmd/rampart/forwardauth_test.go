package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// fauthServe is a running `rampart serve` with a forward-auth endpoint, a
// protected host shop.example.com whose policy blocks 203.0.113.5, a WAF
// bouncer key of its project, and the origin the enforcement points
// forward to, which counts the requests it sees.
type fauthServe struct {
	fauth, key string
	admin      func(args ...string) (string, error)
	origin     *httptest.Server
	seen       atomic.Int64 // requests the origin answered
	call       func(method, path, body string) (int, map[string]any)
	pid        string
}

const fauthBlocked = "203.0.113.5"

func startFauthServe(t *testing.T) *fauthServe {
	t.Helper()
	s := &fauthServe{}
	s.origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.seen.Add(1)
		io.WriteString(w, "from origin")
	}))
	t.Cleanup(s.origin.Close)
	upHost, upPort, _ := net.SplitHostPort(s.origin.Listener.Addr().String())
	dir := t.TempDir()
	s.fauth = freeAddr(t)
	// The enforcement points run on loopback and append their peer to
	// X-Forwarded-For; the client in front of them is the address before.
	url, logs, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"},
		"--forward-auth-listen", s.fauth, "--trusted-proxies", "127.0.0.1/32")
	t.Cleanup(func() { _ = stop() })
	s.pid, s.call = apiClient(t, url, dir, "acme", "first-password")
	st, host := s.call("POST", "/v1/"+s.pid+"/waf/instance", `{"hostname":"shop.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"`+
		upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`)
	if st != 200 {
		t.Fatalf("create host: %d %v", st, host)
	}
	policy, _ := host["policyid"].(string)
	if st, out := s.call("POST", "/v1/"+s.pid+"/waf/policy/"+policy+"/whiteblackip", `{"name":"bad","addr":"`+fauthBlocked+`","white":0}`); st != 200 {
		t.Fatalf("whiteblackip: %d %v", st, out)
	}
	s.admin = adminRunner(t, dir)
	res, err := s.admin("--account", "acme", "bouncer", "add", "edge-nginx", "--project", s.pid, "--layer", "waf")
	if err != nil {
		t.Fatalf("bouncer add: %v %s", err, res)
	}
	s.key = lastLine(res)
	// The rule and the key are in force within a refresh.
	proxyEventually(t, "forward auth blocks "+fauthBlocked, func() (int, string) {
		req, _ := http.NewRequest("GET", "http://"+s.fauth+"/", nil)
		req.Header.Set("X-Api-Key", s.key)
		req.Header.Set("X-Forwarded-Host", "shop.example.com")
		req.Header.Set("X-Forwarded-For", fauthBlocked)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("forward auth: %v\n%s", err, logs)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		return r.StatusCode, string(b)
	}, 403, "Event ID")
	if strings.Contains(logs.String(), s.key) {
		t.Fatalf("the key was logged")
	}
	return s
}

// through sends a request for shop.example.com/path?q to an enforcement
// point, from 203.0.113.5 (as the enforcement point is told by
// X-Forwarded-For) when blocked, and returns the answer.
func (s *fauthServe) through(t *testing.T, addr, path string, blocked bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	req.Host = "shop.example.com"
	if blocked {
		req.Header.Set("X-Forwarded-For", fauthBlocked)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// wantEvent checks that the WAF events API shows the block of event id:
// the original request's host, client, method and URL.
func (s *fauthServe) wantEvent(t *testing.T, id, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		st, ev := s.call("GET", "/v1/"+s.pid+"/waf/event/"+id, "")
		if st == 200 {
			items, _ := ev["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("ShowEvent: %v", ev)
			}
			it := items[0].(map[string]any)
			if it["host"] != "shop.example.com" || it["sip"] != fauthBlocked || it["action"] != "block" || it["url"] != url || it["status"] != "403" {
				t.Fatalf("event: %v", it)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the block was not recorded: %d %v", st, ev)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// program finds an enforcement point's binary or skips the test, naming
// its Debian package.
func program(t *testing.T, name, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	t.Skipf("%s not installed: the Debian package %s provides it (scripts/test.sh installs it as root)", name, pkg)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// startProgram runs an enforcement point until the test ends and waits
// until it listens on addr.
func startProgram(t *testing.T, addr string, out *syncBuffer, env []string, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	// SIGTERM: nginx's master stops its workers too (a SIGKILL would
	// leave them running, holding the output pipe).
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(append(os.Environ(), "HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir()), env...)
	if err := cmd.Start(); err != nil {
		cancel()
		t.Skipf("%s cannot start here: %v", name, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cancel(); <-exited })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Skipf("%s exited at start (it cannot run here):\n%s", name, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s:\n%s", name, addr, out)
		}
	}
}

// One rampart serve answers the real enforcement points in turn: Caddy,
// HAProxy, then nginx (which deletes the key at its end).
func TestForwardAuthEnforcementPoints(t *testing.T) {
	s := startFauthServe(t)
	t.Run("caddy", func(t *testing.T) { forwardAuthCaddy(t, s) })
	t.Run("haproxy", func(t *testing.T) { forwardAuthHAProxy(t, s) })
	t.Run("nginx", func(t *testing.T) { forwardAuthNginx(t, s) })
}

// forwardAuthNginx: nginx with auth_request asking Rampart: a blocked client gets 403 and
// the origin never sees its request; an allowed one reaches the origin.
// The event ID comes back to the client through auth_request_set, and the
// events API shows the block.
func forwardAuthNginx(t *testing.T, s *fauthServe) {
	bin := program(t, "nginx", "nginx")
	s.seen.Store(0)
	dir := t.TempDir()
	addr := freeAddr(t)
	user := "" // as root, the workers would otherwise run as nobody, who cannot read the temporary directory
	if os.Geteuid() == 0 {
		user = "user root root;"
	}
	conf := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	server {
		listen %[3]s;
		location / {
			auth_request /.rampart;
			auth_request_set $rampart_event $upstream_http_x_rampart_event_id;
			add_header X-Rampart-Event-Id $rampart_event always;
			proxy_pass http://%[4]s;
		}
%[5]s	}
}
`, user, dir, addr, s.origin.Listener.Addr(), nginxAuthLocation(t, "http://"+s.fauth, s.key))
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	startProgram(t, addr, out, nil, bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))

	res, body := s.through(t, addr, "/cart?item=7", false)
	if res.StatusCode != 200 || body != "from origin" || s.seen.Load() != 1 {
		t.Fatalf("allowed client: %d %q, origin saw %d", res.StatusCode, body, s.seen.Load())
	}
	res, body = s.through(t, addr, "/cart?item=8", true)
	id := res.Header.Get("X-Rampart-Event-Id")
	if res.StatusCode != 403 || id == "" || s.seen.Load() != 1 {
		t.Fatalf("blocked client: %d %v %q, origin saw %d", res.StatusCode, res.Header, body, s.seen.Load())
	}
	s.wantEvent(t, id, "/cart?item=8")

	// Once its key is deleted (in force within the key refresh), the
	// asker gets no answer but 403: nginx then denies every request, and
	// the origin sees none.
	if out, err := s.admin("bouncer", "delete", "edge-nginx"); err != nil {
		t.Fatalf("bouncer delete: %v %s", err, out)
	}
	proxyEventually(t, "deleted key refused", func() (int, string) {
		res, body := s.through(t, addr, "/cart?item=9", false)
		return res.StatusCode, body
	}, 403, "")
	seen := s.seen.Load()
	if res, _ := s.through(t, addr, "/cart?item=10", false); res.StatusCode != 403 || s.seen.Load() != seen {
		t.Fatalf("deleted key: %d, the origin saw %d requests after %d", res.StatusCode, s.seen.Load(), seen)
	}
}

// nginxAuthLocation is the auth_request location README shows, with
// Rampart's address and the key.
func nginxAuthLocation(t *testing.T, rampart, key string) string {
	t.Helper()
	conf := readmeBlock(t, "nginx (`auth_request`)", "nginx")
	_, loc, ok := strings.Cut(conf, "location = /.rampart {")
	if !ok {
		t.Fatalf("README's nginx block has no auth location:\n%s", conf)
	}
	loc = "location = /.rampart {" + loc
	return strings.NewReplacer("http://127.0.0.1:9081", rampart, "THE_KEY", key).Replace(loc)
}

// caddyForwardAuth is README's forward_auth block with Rampart's address
// and the key; the test's client stands behind a proxy on loopback, so
// loopback is a trusted proxy (README: "Behind another proxy, add
// trusted_proxies").
func caddyForwardAuth(t *testing.T, rampart, key string) string {
	t.Helper()
	conf := readmeBlock(t, "Caddy (`forward_auth`)", "caddyfile")
	_, block, ok := strings.Cut(conf, "forward_auth ")
	block, _, closed := strings.Cut(block, "\n    }\n")
	if !ok || !closed {
		t.Fatalf("README's Caddyfile has no forward_auth block:\n%s", conf)
	}
	return strings.NewReplacer("127.0.0.1:9081", rampart, "header_up X-Api-Key THE_KEY",
		"header_up X-Api-Key "+key+"\n        trusted_proxies 127.0.0.1/32").Replace("forward_auth " + block + "\n    }")
}

// forwardAuthCaddy: Caddy with forward_auth asking Rampart: a blocked client gets Rampart's
// 403 block page (Caddy passes it on) and the origin never sees its
// request; an allowed one reaches the origin.
func forwardAuthCaddy(t *testing.T, s *fauthServe) {
	bin := program(t, "caddy", "caddy")
	s.seen.Store(0)
	dir := t.TempDir()
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	conf := fmt.Sprintf(`{
	admin off
	auto_https off
	storage file_system %s
}
http://:%s {
	bind 127.0.0.1
	%s
	reverse_proxy %s
}
`, dir, port, caddyForwardAuth(t, s.fauth, s.key), s.origin.Listener.Addr())
	cf := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	startProgram(t, addr, out, nil, bin, "run", "--config", cf, "--adapter", "caddyfile")

	res, body := s.through(t, addr, "/cart?item=7", false)
	if res.StatusCode != 200 || body != "from origin" || s.seen.Load() != 1 {
		t.Fatalf("allowed client: %d %q, origin saw %d\n%s", res.StatusCode, body, s.seen.Load(), out)
	}
	res, body = s.through(t, addr, "/cart?item=8", true)
	id := res.Header.Get("X-Rampart-Event-Id")
	if res.StatusCode != 403 || id == "" || !strings.Contains(body, id) || res.Header.Get("X-Rampart-Rule-Type") != "whiteblackip" || s.seen.Load() != 1 {
		t.Fatalf("blocked client: %d %v %q, origin saw %d\n%s", res.StatusCode, res.Header, body, s.seen.Load(), out)
	}
	s.wantEvent(t, id, "/cart?item=8")
}

// readmeBlock returns the first fenced block of language lang under the
// README heading "### heading": the configuration lines README shows are
// the ones tested.
func readmeBlock(t *testing.T, heading, lang string) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n### "+heading+"\n")
	if ok {
		_, rest, ok = strings.Cut(rest, "\n```"+lang+"\n")
	}
	block, _, closed := strings.Cut(rest, "\n```\n")
	if !ok || !closed {
		t.Fatalf("README has no %s block under ### %s", lang, heading)
	}
	return block + "\n"
}

// forwardAuthHAProxy: HAProxy asking Rampart through the Lua action: a blocked client gets
// 403 (and the event ID) and the origin never sees its request; an
// allowed one reaches the origin.
func forwardAuthHAProxy(t *testing.T, s *fauthServe) {
	bin := program(t, "haproxy", "haproxy")
	s.seen.Store(0)
	dir := t.TempDir()
	addr := freeAddr(t)
	lua := filepath.Join(dir, "rampart.lua")
	if err := os.WriteFile(lua, []byte(readmeBlock(t, "HAProxy (Lua, HAProxy 2.5 and later)", "lua")), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`global
	lua-load %s
defaults
	mode http
	timeout connect 2s
	timeout client 10s
	timeout server 10s
frontend web
	bind %s
	http-request lua.rampart
	http-request deny deny_status 403 hdr X-Rampart-Event-Id %%[var(txn.rampart_event)] unless { var(txn.rampart_status) -m int 200 }
	default_backend origin
backend origin
	server origin %s
`, lua, addr, s.origin.Listener.Addr())
	cf := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	startProgram(t, addr, out, []string{"RAMPART_FORWARD_AUTH_URL=http://" + s.fauth + "/", "RAMPART_FORWARD_AUTH_KEY=" + s.key},
		bin, "-db", "-f", cf)

	res, body := s.through(t, addr, "/cart?item=7", false)
	if res.StatusCode != 200 || body != "from origin" || s.seen.Load() != 1 {
		t.Fatalf("allowed client: %d %q, origin saw %d\n%s", res.StatusCode, body, s.seen.Load(), out)
	}
	res, body = s.through(t, addr, "/cart?item=8", true)
	id := res.Header.Get("X-Rampart-Event-Id")
	if res.StatusCode != 403 || id == "" || s.seen.Load() != 1 {
		t.Fatalf("blocked client: %d %v %q, origin saw %d\n%s", res.StatusCode, res.Header, body, s.seen.Load(), out)
	}
	s.wantEvent(t, id, "/cart?item=8")
}

// The forward-auth flags: the endpoint alone is enough for rampart proxy;
// a bad trusted list, unknown-host answer or path prefix is refused,
// naming its flag.
func TestForwardAuthFlags(t *testing.T) {
	c, err := parseProxyFlags([]string{"--forward-auth-listen", "127.0.0.1:0", "--forward-auth-unknown-host", "allow",
		"--forward-auth-trusted", "10.0.0.0/8,192.0.2.1", "--forward-auth-path-prefix", "/rampart"}, env(nil), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if fa := c.Proxy.ForwardAuth.cfg; !fa.AllowUnknownHosts || len(fa.Trusted) != 2 || fa.PathPrefix != "/rampart" {
		t.Fatalf("config %+v", fa)
	}
	if c, err := parseProxyFlags(nil, env(map[string]string{"RAMPART_FORWARD_AUTH_LISTEN": "127.0.0.1:0"}), io.Discard, io.Discard); err != nil ||
		c.Proxy.ForwardAuth.cfg.AllowUnknownHosts {
		t.Fatalf("env twin: %v", err)
	}
	for flag, bad := range map[string]string{"--forward-auth-unknown-host": "maybe", "--forward-auth-trusted": "10.0.0.0/33",
		"--forward-auth-path-prefix": "rampart/"} {
		_, err := parseProxyFlags([]string{"--forward-auth-listen", "127.0.0.1:0", flag, bad}, env(nil), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("%s %s: %v", flag, bad, err)
		}
	}
}
