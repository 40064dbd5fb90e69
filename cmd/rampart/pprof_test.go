package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/sqlite"
)

// --pprof-listen serves Go's profiler on its own address, not on the API
// listener; without the flag nothing serves it.
func TestServePprofListen(t *testing.T) {
	pprofAddr := freeAddr(t)
	url, logs, stop := startServe(t, t.TempDir(), map[string]string{"RAMPART_ADMIN_PASSWORD": "Pprof-test-password-1"},
		"--metrics-listen", "", "--pprof-listen", pprofAddr)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	res, err := http.Get("http://" + pprofAddr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "HeapInuse") {
		t.Fatalf("heap profile: %d %.200s\n%s", res.StatusCode, body, logs)
	}
	res, err = http.Get(url + "/debug/pprof/heap")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == 200 {
		t.Fatal("the API listener serves the profiler")
	}
	s, err := parseServeFlags(nil, env(nil), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.PprofListen != "" {
		t.Errorf("--pprof-listen default %q, want empty (off)", s.PprofListen)
	}
	// rampart proxy takes the same node flags (README), and the writer's
	// page cache flag reaches the store options.
	p, err := parseProxyFlags([]string{"--proxy-listen", "127.0.0.1:0", "--pprof-listen", "127.0.0.1:0", "--sqlite-cache-mib", "4"}, env(nil), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if p.PprofListen != "127.0.0.1:0" || p.storeOptions(nil, nil).SQLite.CacheMiB != 4 {
		t.Errorf("proxy flags: pprof %q, cache %d MiB", p.PprofListen, p.storeOptions(nil, nil).SQLite.CacheMiB)
	}
	if s.storeOptions(nil, nil).SQLite.CacheMiB != sqlite.DefaultCacheMiB {
		t.Errorf("serve --sqlite-cache-mib default %d, want %d", s.storeOptions(nil, nil).SQLite.CacheMiB, sqlite.DefaultCacheMiB)
	}
}
