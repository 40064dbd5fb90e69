package httpapi_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/workspace"
)

const benchProject = "b0000000000000000000000000000001"

// bouncerBench is a served bouncer API over a SQLite file holding n CFW
// BLOCK addresses of benchProject, written by a bulk insert into the
// enforcement table (the store's own rows, as deliveries write them; the
// benchmark measures pulls, not loading).
type bouncerBench struct {
	url, key string
	raw      *sql.DB
	reg      *enforce.Registry
	next     int
}

func newBouncerBench(b *testing.B, n int) *bouncerBench {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "rampart.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	bb := &bouncerBench{raw: raw, next: n}
	bb.insert(b, 0, n)
	sm := secmaster.New(db.SecMaster(), secmaster.Config{})
	ws := workspace.New(db, workspace.Config{})
	bb.reg = enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: ws, Revisions: db}, nil, nil, nil)
	svc := bouncer.New(db, bb.reg, nil)
	if _, bb.key, err = svc.AddKey(ctx, "bench", benchProject, "cfw"); err != nil {
		b.Fatal(err)
	}
	idm := iam.New(db, iam.Config{PasswordIterations: testPasswordIterations})
	srv := httptest.NewServer(httpapi.NewServer(httpapi.Config{RateLimit: 0}, httpapi.Deps{IAM: idm, Store: db, Feed: bb.reg, Bouncers: svc}))
	b.Cleanup(srv.Close)
	bb.url = srv.URL
	if _, err := bb.reg.Engine(ctx, benchProject); err != nil {
		b.Fatal(err)
	}
	return bb
}

// insert writes the addresses from..to-1 as delivered CFW BLOCK rows, in
// policies of 2,000, and bumps the project's SecMaster revision.
func (bb *bouncerBench) insert(b *testing.B, from, to int) {
	b.Helper()
	ctx := context.Background()
	tx, err := bb.raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id, target_project_id, layer,
		category, object_type, object, expires_at) VALUES (?, ?, ?, ?, 'CFW', 'BLOCK', ?, ?, 0)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := from; i < to; i++ {
		pol := fmt.Sprintf("%032x", i/2000+1)
		obj := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		if _, err := st.ExecContext(ctx, "d"+pol, pol, benchProject, benchProject, secmaster.TypeSourceIP, obj); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO project_revisions (project_id, family, revision) VALUES (?, 'secmaster', 1)
		ON CONFLICT (project_id, family) DO UPDATE SET revision = revision + 1`, benchProject); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if to-from > 1 { // setup: the next write does not pay for checkpointing it
		if _, err := bb.raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
	}
}

// pull GETs the stream and returns the size of the answer.
func (bb *bouncerBench) pull(b *testing.B, query string) int64 {
	req, _ := http.NewRequest("GET", bb.url+"/v1/decisions/stream?"+query, nil)
	req.Header.Set("X-Api-Key", bb.key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("pull %s: %d %v", query, res.StatusCode, err)
	}
	return n
}

// rssMiB returns the process's resident set (VmRSS) in MiB, 0 if unknown.
func rssMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// peakSampler samples the Go heap in use and the RSS every 5 ms until
// stopped, and returns their peaks in MiB.
func peakSampler() (stop func() (heap, rss float64)) {
	var mu sync.Mutex
	var heap, rss float64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			r := rssMiB()
			mu.Lock()
			heap, rss = max(heap, float64(ms.HeapInuse)/(1<<20)), max(rss, r)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (float64, float64) {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return heap, rss
	}
}

// BenchmarkBouncerPull1M: a bouncer's startup pull of 1,000,000 bans over
// HTTP (run it with -benchtime 1x: startup-cold is meaningful once; time, the answer's size, and the peak Go heap in use and RSS of
// the whole benchmark process during the pull, which also holds the
// engine and the feed of the 1,000,000 entries), then the delta pull
// after one more BLOCK address (the write and the engine refresh are not
// timed: the pull is).
func BenchmarkBouncerPull1M(b *testing.B) {
	bb := newBouncerBench(b, 1_000_000)
	// cold: the first pull after the server started, when the feed of the
	// project and the ban list are built (serve builds them in the
	// background at start); warm: the next ones.
	for _, name := range []string{"startup-cold", "startup-warm"} {
		b.Run(name, func(b *testing.B) {
			var size int64
			var heap, rss float64
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				stop := peakSampler()
				size = bb.pull(b, "startup=true")
				h, r := stop()
				heap, rss = max(heap, h), max(rss, r)
			}
			b.ReportMetric(float64(before.HeapInuse)/(1<<20), "heap-before-MiB")
			b.ReportMetric(float64(size)/(1<<20), "answer-MiB")
			b.ReportMetric(heap, "peak-heap-MiB")
			b.ReportMetric(rss, "peak-rss-MiB")
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-after-MiB")
		})
	}
	b.Run("delta-one-change", func(b *testing.B) {
		ctx := context.Background()
		bb.pull(b, "startup=true")
		var size int64
		for b.Loop() {
			b.StopTimer()
			bb.insert(b, bb.next, bb.next+1)
			bb.next++
			if _, err := bb.reg.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			size = bb.pull(b, "")
		}
		if size < 100 {
			b.Fatalf("the delta pull did not carry the change: %d bytes", size)
		}
	})
}
