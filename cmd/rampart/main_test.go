package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// startServe runs `rampart serve` in-process and waits until it is ready.
func startServe(t testing.TB, dataDir string, vars map[string]string, extra ...string) (url string, logs *syncBuffer, stop func() error) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", addr, "--data-dir", dataDir, "--metrics-listen", ""}, extra...), env(vars), logs, logs)
	}()
	url = "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return url, logs, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
}

func TestServeBootstrapsOnceAndShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password", "RAMPART_PROJECT_NAME": "eu-1"}
	url, logs, stop := startServe(t, dir, vars)

	credPath := filepath.Join(dir, "credentials.json")
	fi, err := os.Stat(credPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials.json mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(credPath)
	var creds map[string]string
	if err := json.Unmarshal(raw, &creds); err != nil {
		t.Fatal(err)
	}
	if creds["account"] != "acme" || creds["password"] != "first-password" || creds["project_name"] != "eu-1" ||
		len(creds["project_id"]) != 32 || creds["access_key"] == "" || len(creds["secret_key"]) < 16 {
		t.Fatalf("credentials = %v", creds)
	}
	if !strings.Contains(logs.String(), credPath) {
		t.Fatal("credentials path not logged")
	}
	if strings.Contains(logs.String(), creds["secret_key"]) || strings.Contains(logs.String(), "first-password") {
		t.Fatal("a secret appeared in the logs")
	}

	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"first-password","domain":{"name":"acme"}}}},"scope":{"project":{"name":"eu-1"}}}}`
	res, err := http.Post(url+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("token: %d", res.StatusCode)
	}
	tok := res.Header.Get("X-Subject-Token")
	if strings.Contains(logs.String(), tok) {
		t.Fatal("token appeared in the logs")
	}
	if !strings.Contains(logs.String(), `route="POST /v3/auth/tokens"`) || !strings.Contains(logs.String(), "status=201") {
		t.Fatalf("no request log line:\n%s", logs)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if !strings.Contains(logs.String(), "store closed") {
		t.Fatal("store not closed on shutdown")
	}

	// A second start with other values keeps the first credentials and the
	// token issued before the restart.
	vars["RAMPART_ADMIN_PASSWORD"] = "second-password"
	url, _, stop = startServe(t, dir, vars)
	defer stop()
	raw2, _ := os.ReadFile(credPath)
	if !bytes.Equal(raw, raw2) {
		t.Fatal("credentials.json changed on restart")
	}
	req, _ := http.NewRequest("GET", url+"/v3/projects", nil)
	req.Header.Set("X-Auth-Token", tok)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("token did not survive the restart: %d", res.StatusCode)
	}
}

func TestServeReportsBindError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve", "--listen", ln.Addr().String(), "--data-dir", t.TempDir(), "--metrics-listen", ""}, env(nil), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("err = %v", err)
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"serve", "--tls-cert", "x.pem"}, nil, "together"},
		{[]string{"serve"}, map[string]string{"RAMPART_TOKEN_TTL": "soon"}, "RAMPART_TOKEN_TTL"},
		{[]string{"serve", "--store", "mysql://u:secret@h/db", "--listen", "127.0.0.1:0"}, nil, "unsupported store"},
		{[]string{"serve", "--store", "postgres://u:secret@h/db", "--postgres-max-conns", "2", "--postgres-min-conns", "3"}, nil, "--postgres-min-conns"},
		{[]string{"proxy", "--proxy-listen", "127.0.0.1:0", "--postgres-max-conns", "-1"}, nil, "--postgres-max-conns"},
		{[]string{"serve", "--log-format", "xml", "--listen", "127.0.0.1:0"}, nil, "log format"},
		{[]string{"bogus"}, nil, "invalid usage"},
		{[]string{"proxy"}, nil, "--proxy-listen"},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/8,nope"}, nil, "--trusted-proxies"},
		{[]string{"proxy", "--proxy-listen", "127.0.0.1:0", "--proxy-tls-key", "k.pem"}, nil, "together"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), tc.args, env(tc.vars), &out, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to mention %q", tc.args, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: error leaks a password: %v", tc.args, err)
		}
	}
}

func TestServeHelpListsEnvTwins(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-h"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RAMPART_LISTEN", "RAMPART_DATA_DIR", "RAMPART_STORE", "RAMPART_TLS_CERT", "RAMPART_TLS_KEY", "RAMPART_LOG_FORMAT", "RAMPART_PROXY_LISTEN", "RAMPART_TRUSTED_PROXIES", "RAMPART_METRICS_LISTEN"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve -h does not mention %s", want)
		}
	}
}

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	admin := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"admin", "--data-dir", dir}, args...), env(nil), &out, &out)
		return out.String(), err
	}
	// Bootstrap through a short serve run.
	_, _, stop := startServe(t, dir, nil)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out, err := admin("user", "create", "alice", "--password", "alice-password")
	if err != nil || !strings.Contains(out, "alice") {
		t.Fatalf("user create: %v %s", err, out)
	}
	if _, err := admin("user", "create", "alice"); err == nil {
		t.Fatal("duplicate user accepted")
	}
	out, err = admin("project", "create", "eu-west-0")
	if err != nil || !strings.Contains(out, "project_id") {
		t.Fatalf("project create: %v %s", err, out)
	}
	if out, err = admin("grant", "alice", "eu-west-0"); err != nil {
		t.Fatalf("grant: %v %s", err, out)
	}
	out, err = admin("key", "create", "alice")
	if err != nil || !strings.Contains(out, "secret_key") {
		t.Fatalf("key create: %v %s", err, out)
	}
	ak := strings.Fields(strings.Split(out, "\n")[0])[1]
	out, _ = admin("key", "list", "alice")
	if !strings.Contains(out, ak) || strings.Contains(out, "secret") {
		t.Fatalf("key list: %s", out)
	}
	if _, err := admin("key", "revoke", ak); err != nil {
		t.Fatal(err)
	}
	if out, _ = admin("key", "list", "alice"); !strings.Contains(out, "false") {
		t.Fatalf("key not shown revoked: %s", out)
	}
	if _, err := admin("key", "revoke", "NOSUCHKEY"); err == nil {
		t.Fatal("revoking an unknown key succeeded")
	}
	out, _ = admin("project", "list")
	if !strings.Contains(out, "eu-west-0") || !strings.Contains(out, "local") {
		t.Fatalf("project list: %s", out)
	}
	if out, _ = admin("user", "list"); !strings.Contains(out, "admin") || !strings.Contains(out, "alice") {
		t.Fatalf("user list: %s", out)
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(nil), &out, &out); err != nil || !strings.HasPrefix(out.String(), "rampart ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
}

// Admin commands write to the store too (revocations, keys): they honour
// the SQLite synchronous setting the server is run with, flag or env.
func TestAdminHonoursSQLiteSynchronous(t *testing.T) {
	dir := t.TempDir()
	admin := func(vars map[string]string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"admin", "--data-dir", dir}, args...), env(vars), &out, &out)
		return out.String(), err
	}
	_, _, stop := startServe(t, dir, nil) // bootstrap the account
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if out, err := admin(nil, "--sqlite-synchronous", "FULL", "project", "list"); err != nil {
		t.Fatalf("admin --sqlite-synchronous FULL: %v %s", err, out)
	}
	if out, err := admin(map[string]string{"RAMPART_SQLITE_SYNCHRONOUS": "full"}, "project", "list"); err != nil {
		t.Fatalf("admin with RAMPART_SQLITE_SYNCHRONOUS=full: %v %s", err, out)
	}
	for _, tc := range []struct {
		vars map[string]string
		args []string
	}{
		{nil, []string{"--sqlite-synchronous", "OFF", "project", "list"}},
		{map[string]string{"RAMPART_SQLITE_SYNCHRONOUS": "OFF"}, []string{"project", "list"}},
	} {
		if _, err := admin(tc.vars, tc.args...); err == nil || !strings.Contains(err.Error(), "synchronous") {
			t.Errorf("admin %v %v: err %v, want the synchronous value refused", tc.vars, tc.args, err)
		}
	}
}

// The data plane's metrics are served on a private address by default, for
// serve and proxy alike (README, "--metrics-listen"; not on the API
// listener, which TestServeProxies checks).
func TestMetricsListenDefault(t *testing.T) {
	s, err := parseServeFlags(nil, env(nil), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseProxyFlags([]string{"--proxy-listen", "127.0.0.1:0"}, env(nil), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"serve": s.Proxy.MetricsListen, "proxy": p.Proxy.MetricsListen} {
		if got != "127.0.0.1:9145" {
			t.Errorf("%s --metrics-listen default %q, want 127.0.0.1:9145", name, got)
		}
	}
}
