package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
)

func smBenchService(b *testing.B, cfg secmaster.Config) (*sqlite.DB, *secmaster.Service, string) {
	b.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if cfg.Now != nil {
		db.Now = cfg.Now
	}
	sm := secmaster.New(db, cfg)
	wss, _, err := sm.ListWorkspaces(context.Background(), secmaster.WorkspaceFilter{ProjectID: smProject})
	if err != nil {
		b.Fatal(err)
	}
	return db, sm, wss[0].ID
}

// BenchmarkSecMasterCreateStore creates policies through the service (no
// HTTP) with 16 concurrent callers while the delivery worker runs: the
// storage ceiling of BenchmarkSecMasterCreateHTTP.
func BenchmarkSecMasterCreateStore(b *testing.B) {
	_, sm, ws := smBenchService(b, secmaster.Config{})
	ctx := context.Background()
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sm.Run(wctx); close(done) }()
	defer func() { stop(); <-done }()
	var n atomic.Int64
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := sm.CreatePolicy(ctx, smProject, ws, smInput(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), time.Time{})); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "policies/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Microsecond)/float64(n.Load()), "cpu-µs/policy")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
