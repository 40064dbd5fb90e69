package main

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A host row that cannot be decoded (what a stored 1e400 left behind, issue
// 13 finding 1) does not stop `rampart serve --proxy-listen` or `rampart
// proxy` from starting: the other hosts are served, the API lists them, and
// the skipped row is counted in the metrics.
func TestNodesStartOverAnUnreadableRow(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "from origin") }))
	defer up.Close()
	upHost, upPort, _ := net.SplitHostPort(up.Listener.Addr().String())
	dir := t.TempDir()
	vars := map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"}

	url, _, stop := startServe(t, dir, vars)
	pid, call := apiClient(t, url, dir, "acme", "first-password")
	ids := map[string]string{}
	for _, name := range []string{"bad.example.com", "good.example.com"} {
		st, h := call("POST", "/v1/"+pid+"/waf/instance", `{"hostname":"`+name+`","server":[{"front_protocol":"HTTP","back_protocol":"HTTP","address":"`+
			upHost+`","port":`+upPort+`,"type":"ipv4"}],"proxy":false}`)
		if st != 200 {
			t.Fatalf("create %s: %d %v", name, st, h)
		}
		ids[name], _ = h["id"].(string)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "rampart.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE waf_hosts SET settings = '{"extra":{"block_page":{"x":1e400}}}' WHERE id = ?`, ids["bad.example.com"]); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	proxyAddr, metricsAddr := freeAddr(t), freeAddr(t)
	url, logs, stop := startServe(t, dir, vars, "--proxy-listen", proxyAddr, "--metrics-listen", metricsAddr)
	pid, call = apiClient(t, url, dir, "acme", "first-password")
	proxyEventually(t, "good host served by serve", func() (int, string) { return proxyGet(t, proxyAddr, "good.example.com", logs) }, 200, "from origin")
	if st, list := call("GET", "/v1/"+pid+"/waf/instance", ""); st != 200 || len(list["items"].([]any)) != 1 {
		t.Fatalf("ListHost: %d %v", st, list)
	}
	if !strings.Contains(metricsText(t, metricsAddr), `rampart_store_unreadable_rows_total{table="waf_hosts"}`) {
		t.Fatalf("serve's metrics do not count the skipped row:\n%s", metricsText(t, metricsAddr))
	}
	if !strings.Contains(logs.String(), ids["bad.example.com"]) {
		t.Fatalf("the skipped row is not logged:\n%s", logs)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	plogs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"proxy", "--data-dir", dir, "--proxy-listen", proxyAddr, "--metrics-listen", metricsAddr}, env(nil), plogs, plogs)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("proxy node: %v\n%s", err, plogs)
			}
		case <-time.After(20 * time.Second):
			t.Error("proxy node did not stop")
		}
	}()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) { // startup loads the geolocation data
		select {
		case err := <-done:
			t.Fatalf("proxy node exited: %v\n%s", err, plogs)
		default:
		}
		if c, err := net.Dial("tcp", proxyAddr); err == nil {
			c.Close()
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("proxy node not listening: %v\n%s", err, plogs)
		}
	}
	proxyEventually(t, "good host served by the proxy node", func() (int, string) { return proxyGet(t, proxyAddr, "good.example.com", plogs) }, 200, "from origin")
	if !strings.Contains(metricsText(t, metricsAddr), `rampart_store_unreadable_rows_total{table="waf_hosts"}`) {
		t.Fatalf("the proxy node's metrics do not count the skipped row:\n%s", metricsText(t, metricsAddr))
	}
}

func metricsText(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
