package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/postgres/pgtest"
)

// `rampart serve --store postgres://…` keeps its state in PostgreSQL: a
// host and a rule written through the API are enforced by its data plane
// and the block is recorded as an event; a second serve on the same store
// is refused while the first runs; and a restart from an empty data
// directory finds everything (no second bootstrap) and still blocks.
func TestServeOnPostgreSQL(t *testing.T) {
	dsn := pgtest.Schema(t)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from origin") }))
	defer up.Close()
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())
	vars := map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password", "RAMPART_STORE": dsn}

	dir, proxyAddr := t.TempDir(), freeAddr(t)
	url, logs, stop := startServe(t, dir, vars, "--proxy-listen", proxyAddr, "--metrics-listen", "")
	pid, call := apiClient(t, url, dir, "acme", "first-password")
	st, host := call("POST", "/v1/"+pid+"/waf/instance", `{"hostname":"shop.example.com","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"`+
		upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`)
	if st != 200 {
		t.Fatalf("create host: %d %v", st, host)
	}
	get := func() (int, string) { t.Helper(); return proxyGet(t, proxyAddr, "shop.example.com", logs) }
	proxyEventually(t, "host routed", get, 200, "from origin")
	policy, _ := host["policyid"].(string)
	if st, out := call("POST", "/v1/"+pid+"/waf/policy/"+policy+"/whiteblackip", `{"name":"me","addr":"127.0.0.1","white":0}`); st != 200 {
		t.Fatalf("whiteblackip: %d %v", st, out)
	}
	proxyEventually(t, "whiteblackip block", get, 418, "Event ID")
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for {
		st, list := call("GET", "/v1/"+pid+"/waf/event?recent=today", "")
		if total, _ := list["total"].(float64); st == 200 && total >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the block was not recorded: %d %v", st, list)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A data-plane node on the store blocks too.
	nodeAddr := freeAddr(t)
	nodeLogs := startProxyNode(t, vars, nodeAddr, "--data-dir", t.TempDir(), "--metrics-listen", "")
	proxyEventually(t, "block on a proxy node", func() (int, string) {
		t.Helper()
		return proxyGet(t, nodeAddr, "shop.example.com", nodeLogs)
	}, 418, "Event ID")

	// Operator commands work on the store beside the server; on a database
	// no serve started on, they refuse.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "--data-dir", t.TempDir(), "--account", "acme", "user", "create", "alice"},
		env(vars), &out, &out); err != nil || !strings.Contains(out.String(), "alice") {
		t.Fatalf("admin user create: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"admin", "--data-dir", t.TempDir(), "--store", pgtest.Schema(t), "user", "create", "bob"},
		env(nil), &out, &out); err == nil || !strings.Contains(err.Error(), "no Rampart store") {
		t.Fatalf("admin on an empty database: %v", err)
	}
	out.Reset()
	err := run(context.Background(), []string{"serve", "--listen", freeAddr(t), "--data-dir", t.TempDir(), "--metrics-listen", ""},
		env(vars), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "another rampart serve") {
		t.Fatalf("a second serve on the store: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}

	dir2, proxyAddr2 := t.TempDir(), freeAddr(t)
	url2, logs2, stop2 := startServe(t, dir2, vars, "--proxy-listen", proxyAddr2, "--metrics-listen", "")
	defer stop2()
	if _, err := os.Stat(filepath.Join(dir2, "credentials.json")); !os.IsNotExist(err) {
		t.Fatalf("the restart bootstrapped again (%v)", err)
	}
	proxyEventually(t, "block after the restart", func() (int, string) {
		t.Helper()
		return proxyGet(t, proxyAddr2, "shop.example.com", logs2)
	}, 418, "Event ID")
	_, call2 := apiClient(t, url2, dir, "acme", "first-password") // the first start's credentials
	if st, got := call2("GET", "/v1/"+pid+"/waf/policy/"+policy, ""); st != 200 || got["id"] != policy {
		t.Fatalf("policy after the restart: %d %v", st, got)
	}
}

// A PostgreSQL store that cannot be reached stops serve with an error that
// names the store without its password.
func TestServeUnreachablePostgreSQL(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--metrics-listen", "",
		"--store", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=5"}, env(nil), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL store postgres://u:******@127.0.0.1:1/db") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "secret") || strings.Contains(out.String(), "secret") {
		t.Fatalf("the password leaked: %v\n%s", err, out.String())
	}
}

// startProxyNode runs `rampart proxy --proxy-listen addr` with args until
// the test ends, and returns its logs once it listens.
func startProxyNode(t *testing.T, vars map[string]string, addr string, args ...string) *syncBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"proxy", "--proxy-listen", addr}, args...), env(vars), logs, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("proxy node: %v\n%s", err, logs)
			}
		case <-time.After(20 * time.Second):
			t.Error("proxy node did not stop")
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) { // startup loads the geolocation data
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return logs
		}
		if time.Now().After(deadline) {
			t.Fatalf("proxy node not listening: %v\n%s", err, logs)
		}
	}
}

// On PostgreSQL, the WAF dashboard reports the data plane's traffic and
// events as on SQLite, and the metrics listener serves the store's
// latency and the SecMaster delivery backlog.
func TestServeDashboardAndMetricsOnPostgreSQL(t *testing.T) {
	serveDashboardCountsTraffic(t, pgtest.Schema(t), func(metricsAddr string) {
		e := scrapeMetrics(t, metricsAddr)
		for _, op := range []string{"write_tx", "read_tx", "query"} {
			if e.value("rampart_store_operation_duration_seconds", "op", op) < 1 {
				t.Errorf("no store %s observed", op)
			}
		}
		if e["rampart_secmaster_delivery_backlog_tasks"] == nil || e["rampart_secmaster_delivery_backlog_entries"] == nil {
			t.Error("the SecMaster delivery backlog is not served")
		}
		if e.value("rampart_engine_propagation_delay_seconds", "family", "waf") < 1 {
			t.Error("no WAF revision propagation observed")
		}
	})
}

// On PostgreSQL, `rampart admin decisions import` beside a running serve
// is enforced, listed, deletable and exported as on SQLite.
func TestDecisionsImportOnPostgreSQL(t *testing.T) {
	decisionsImportIntoRunningServe(t, pgtest.Schema(t))
}
