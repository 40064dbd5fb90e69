package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Two `rampart serve` started together on one empty data dir: exactly one
// runs, the other exits with a message naming the process that holds the
// data dir, and nothing of the running one is harmed. (In one process the
// lock conflicts as it does between processes: each start opens the lock
// file on its own.)
func TestServeTwiceOnOneDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		err  error
		logs *syncBuffer
		addr string
	}
	results := make(chan result, 2)
	var wg sync.WaitGroup
	addrs := []string{freeAddr(t), freeAddr(t)}
	for _, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			logs := &syncBuffer{}
			err := run(ctx, []string{"serve", "--listen", addr, "--data-dir", dir, "--metrics-listen", ""}, env(nil), logs, logs)
			results <- result{err, logs, addr}
		}()
	}
	// The refused one returns at once; the other runs until cancelled.
	var refused result
	select {
	case refused = <-results:
	case <-time.After(60 * time.Second):
		t.Fatal("both serves are running on one data dir")
	}
	want := "in use by another rampart serve (pid " + strconv.Itoa(os.Getpid()) + ","
	if refused.err == nil || !strings.Contains(refused.err.Error(), want) {
		t.Fatalf("second serve on one data dir: err = %v, want it to contain %q\n%s", refused.err, want, refused.logs)
	}
	if strings.Contains(refused.logs.String(), "store opened") {
		t.Fatalf("the refused serve opened the store:\n%s", refused.logs)
	}
	lock, err := os.ReadFile(filepath.Join(dir, serveLockName))
	if err != nil || strings.TrimSpace(string(lock)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q (%v), want the server's pid", lock, err)
	}
	other := addrs[0]
	if other == refused.addr {
		other = addrs[1]
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get("http://" + other + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the serve that got the data dir did not become ready")
		}
	}
	cancel()
	wg.Wait()
	if running := <-results; running.err != nil {
		t.Fatalf("the serve that got the data dir failed: %v\n%s", running.err, running.logs)
	}
}

// The lock is the server's alone: `rampart admin` works beside a running
// server (TestProxyNode runs `rampart proxy` beside one), and once the
// server has stopped another one starts on the same data dir.
func TestServeLockLeavesAdminAndALaterServe(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startServe(t, dir, nil)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"admin", "--data-dir", dir, "project", "create", "beside"}, env(nil), &out, &out); err != nil {
		t.Fatalf("admin beside a running serve: %v\n%s", err, &out)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, _, stop = startServe(t, dir, nil)
	if err := stop(); err != nil {
		t.Fatalf("serve after the first one stopped: %v", err)
	}
}

// A serve refused for its configuration neither locks nor creates the data
// dir.
func TestServeRefusedForItsStoreCreatesNoDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var out bytes.Buffer
	err := run(context.Background(), []string{"serve", "--listen", "127.0.0.1:0", "--data-dir", dir, "--store", "mysql://u@h/db"}, env(nil), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "unsupported store") {
		t.Fatalf("err = %v", err)
	}
	if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
		t.Fatalf("a refused serve created %s (%v)", dir, serr)
	}
}
