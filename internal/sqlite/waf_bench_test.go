package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// BenchmarkWAFCreateWhiteBlackIPRule is the store's share of a create: one
// rule per transaction, as CreateWhiteblackipRule does.
func BenchmarkWAFCreateWhiteBlackIPRule(b *testing.B) {
	db := MustOpen(b)
	ctx := context.Background()
	const proj = "p0000000000000000000000000000001"
	svc := waf.NewService(db, nil)
	p, err := svc.CreatePolicy(ctx, proj, "0", "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	start := time.Now()
	for b.Loop() {
		i++
		w := 0
		in := &waf.WhiteBlackIPInput{Name: "r", Addr: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), White: &w}
		if _, err := svc.CreateWhiteBlackIPRules(ctx, proj, "0", []string{p.ID}, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "rules/s")
}
