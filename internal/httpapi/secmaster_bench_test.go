package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// smBenchServer is a real server (SQLite default synchronous mode, delivery
// worker running, no rate limit) for the throughput benchmarks.
func smBenchServer(b *testing.B) (url string, creds *iam.Credentials, sm *secmaster.Service, ws string) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	idm := iam.New(db, iam.Config{})
	creds, _, err = idm.Bootstrap(ctx, iam.BootstrapInput{AccountName: "acme", AdminPassword: "correct horse battery"})
	if err != nil {
		b.Fatal(err)
	}
	grantTargets(b, idm)
	sm = secmaster.New(db.SecMaster(), secmaster.Config{Targets: idm})
	if err := sm.EnsureDefaultWorkspace(ctx, creds.ProjectID); err != nil {
		b.Fatal(err)
	}
	wss, _, err := sm.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: creds.ProjectID})
	if err != nil {
		b.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sm.Run(wctx); close(done) }()
	srv := httptest.NewServer(httpapi.NewServer(httpapi.Config{RateLimit: 0}, httpapi.Deps{IAM: idm, Store: db, SecMaster: sm}))
	b.Cleanup(func() { srv.Close(); stop(); <-done; db.Close() })
	return srv.URL, creds, sm, wss[0].ID
}

// BenchmarkSecMasterCreateHTTP creates emergency policies through HTTP with
// 16 concurrent clients, each request signed with AK/SK as the SDK signs it
// (the bar: at least 2,000 policies/s). "policies/s" counts acknowledged
// creates; "delivered/s" also waits until the worker has delivered them
// all. BenchmarkSecMasterSearchHTTP, in the same run, is the baseline of a
// signed request that does not write.
func BenchmarkSecMasterCreateHTTP(b *testing.B) {
	url, creds, sm, ws := smBenchServer(b)
	path := url + "/v1/" + creds.ProjectID + "/workspaces/" + ws + "/soc/policys?action_type=create"
	var n atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(max(1, 16/max(1, runtime.GOMAXPROCS(0))))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), smCPUTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := policyBody(map[string]string{"block_target": fmt.Sprintf(`"10.%d.%d.%d"`, i>>16&255, i>>8&255, i&255)})
			req, _ := http.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Secmaster-Version", "")
			req.Header.Set("X-Project-Id", creds.ProjectID)
			aksk.Sign(req, []byte(body), creds.AccessKey, creds.SecretKey, time.Now())
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	acked := time.Since(start)
	b.ReportMetric(float64(n.Load())/acked.Seconds(), "policies/s")
	// Drain: every created policy delivered.
	for {
		es, err := sm.Enforcements(context.Background(), tp1, secmaster.LayerWAF)
		if err != nil {
			b.Fatal(err)
		}
		if int64(len(es)) >= n.Load() {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "delivered/s")
	// Process CPU (server, in-process clients and worker) per policy.
	b.ReportMetric(float64(smCPUTime()-cpu0)/float64(time.Microsecond)/float64(n.Load()), "cpu-µs/policy")
}

// smCPUTime returns the CPU time (user and system) the process has used.
func smCPUTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSecMasterSearchHTTP is the baseline: a signed search of the
// (empty) workspace through the same stack, 16 concurrent clients.
func BenchmarkSecMasterSearchHTTP(b *testing.B) {
	url, creds, _, ws := smBenchServer(b)
	path := url + "/v1/" + creds.ProjectID + "/workspaces/" + ws + "/soc/policys/search"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(max(1, 16/max(1, runtime.GOMAXPROCS(0))))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		body := `{"limit":10}`
		for pb.Next() {
			n.Add(1)
			req, _ := http.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Project-Id", creds.ProjectID)
			aksk.Sign(req, []byte(body), creds.AccessKey, creds.SecretKey, time.Now())
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "requests/s")
}
