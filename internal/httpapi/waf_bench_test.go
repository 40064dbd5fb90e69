package httpapi_test

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// seedWhiteBlackIP stores n black/white IP rules in one new policy through
// the store (one transaction per 10,000) and returns the policy ID.
func seedWhiteBlackIP(b *testing.B, e *wafEnv, n int) string {
	b.Helper()
	ctx := context.Background()
	pid := e.mustPolicy(b, "bench")
	now := time.Now().UTC()
	base := netip.MustParseAddr("10.0.0.0").As4()
	for done := 0; done < n; {
		batch := make([]*waf.WhiteBlackIPRule, 0, 10000)
		for i := 0; i < 10000 && done < n; i, done = i+1, done+1 {
			a := base
			a[1], a[2], a[3] = byte(done>>16), byte(done>>8), byte(done)
			batch = append(batch, &waf.WhiteBlackIPRule{ID: waf.NewID(), ProjectID: e.Creds.ProjectID, PolicyID: pid,
				EnterpriseProjectID: "0", Name: "r" + strconv.Itoa(done), Addr: netip.AddrFrom4(a).String(),
				TimeMode: "permanent", Status: 1, CreatedAt: now})
		}
		if err := e.DB.CreateWhiteBlackIPRules(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	return pid
}

// BenchmarkWAFWhiteBlackIPList lists pages of a policy holding 100,000
// black/white IP rules through HTTP (AK/SK-signed). The baseline is
// ShowPolicy on the same server: the cost of a request that reads one row.
func BenchmarkWAFWhiteBlackIPList(b *testing.B) {
	e := MustServeWAF(b)
	pid := seedWhiteBlackIP(b, e, 100_000)
	for _, bc := range []struct{ name, path string }{
		{"baseline_show_policy", "policy/" + pid},
		{"first_page_10", "policy/" + pid + "/whiteblackip?page=1&pagesize=10"},
		{"last_page_10", "policy/" + pid + "/whiteblackip?page=10000&pagesize=10"},
		{"middle_page_10", "policy/" + pid + "/whiteblackip?page=5000&pagesize=10"}, // the worst case: 49,990 index entries walked
		{"middle_page_100", "policy/" + pid + "/whiteblackip?page=500&pagesize=100"},
		{"last_page_1000", "policy/" + pid + "/whiteblackip?page=100&pagesize=1000"},
		{"name_filter", "policy/" + pid + "/whiteblackip?name=r9999"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res := e.call(b, "GET", bc.path, "")
				if res.Status != 200 {
					b.Fatalf("status %d: %s", res.Status, res.Raw)
				}
			}
		})
	}
}

// BenchmarkWAFWhiteBlackIPCreate creates black/white IP rules through HTTP
// (AK/SK-signed) in a policy that already holds 100,000 rules, one client
// and 8 concurrent clients, and reports rules per second and process CPU
// per rule (client included: both run in this process).
func BenchmarkWAFWhiteBlackIPCreate(b *testing.B) {
	e := MustServeWAF(b)
	pid := seedWhiteBlackIP(b, e, 100_000)
	var n atomic.Int64
	body := func() string {
		i := n.Add(1)
		return fmt.Sprintf(`{"name":"c%d","addr":"172.%d.%d.%d","white":0}`, i, 16+(i>>16)&15, (i>>8)&255, i&255)
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		start, cpu := time.Now(), processCPU()
		for b.Loop() {
			if res := e.call(b, "POST", "policy/"+pid+"/whiteblackip", body()); res.Status != 200 {
				b.Fatalf("status %d: %s", res.Status, res.Raw)
			}
		}
		reportRates(b, start, cpu)
	})
	b.Run("parallel8", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(4) // 4 × GOMAXPROCS(2) = 8 clients
		start, cpu := time.Now(), processCPU()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if res := e.call(b, "POST", "policy/"+pid+"/whiteblackip", body()); res.Status != 200 {
					b.Errorf("status %d: %s", res.Status, res.Raw)
					return
				}
			}
		})
		reportRates(b, start, cpu)
	})
}

// reportRates reports rules per wall-clock second and the CPU time the
// whole process (client and server) spent per rule, which depends less on
// what else the machine runs.
func reportRates(b *testing.B, start time.Time, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "rules/s")
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/rule")
	}
}
