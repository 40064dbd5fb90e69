package enforce_test

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/engine"
	"github.com/rampartsec/rampart/internal/secmaster"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/waf"
	"github.com/rampartsec/rampart/internal/workspace"
)

// BenchmarkWriteToDecision measures what a WAF rule write costs until it
// decides requests: the committed write through the service, then one
// registry refresh (revision check, reload of the changed family, diff
// against the engine's model, incremental apply). In `serve` the refresh
// runs every 50 ms, so the write-to-decision latency is this figure plus
// up to one poll interval. Sub-benchmarks vary the number of whiteblackip
// rules already in the project's policy; mode=full is the baseline in the
// same run: the registry compiles the changed project in full (reload of
// every family and engine.New), as it did before updates were incremental.
func BenchmarkWriteToDecision(b *testing.B) {
	for _, c := range []struct {
		existing int
		mode     string
	}{{0, "incremental"}, {1_000, "incremental"}, {10_000, "incremental"}, {10_000, "full"}} {
		existing := c.existing
		b.Run(fmt.Sprintf("rules=%d/mode=%s", existing, c.mode), func(b *testing.B) {
			ctx := context.Background()
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "rampart.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			sm := secmaster.New(db.SecMaster(), secmaster.Config{})
			w := waf.NewService(db, nil)
			ws := workspace.New(db, workspace.Config{})
			reg := enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: ws, Revisions: db}, nil, nil, nil)
			reg.SetFullRebuild(c.mode == "full")

			name := "bench.example.com"
			proxy := false
			h, err := w.CreateHost(ctx, projA, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
				Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
			if err != nil {
				b.Fatal(err)
			}
			block := 0
			addr := func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) }
			for i := range existing {
				if _, err := w.CreateWhiteBlackIPRules(ctx, projA, "0", []string{h.PolicyID},
					&waf.WhiteBlackIPInput{Name: "seed", Addr: addr(i), White: &block}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := reg.Engine(ctx, projA); err != nil {
				b.Fatal(err)
			}
			next := existing
			var refresh time.Duration // the refresh alone, without the write
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				a := addr(next)
				next++
				if _, err := w.CreateWhiteBlackIPRules(ctx, projA, "0", []string{h.PolicyID},
					&waf.WhiteBlackIPInput{Name: "new", Addr: a, White: &block}); err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				if _, err := reg.Refresh(ctx); err != nil {
					b.Fatal(err)
				}
				eng, err := reg.Engine(ctx, projA)
				if err != nil {
					b.Fatal(err)
				}
				if d := eng.DecideWAF(name, netip.MustParseAddr(a), time.Now()); d.Action != engine.ActionBlock {
					b.Fatalf("rule for %s not in force after one refresh: %+v", a, d)
				}
				refresh += time.Since(t0)
			}
			b.ReportMetric(float64(refresh.Microseconds())/float64(b.N)/1000, "refresh-ms/op")
		})
	}
}

// BenchmarkSecMasterWriteToDecision is BenchmarkWriteToDecision for a
// SecMaster emergency block of one address at the CFW layer, in a project
// that already has 0 or 10,000 CFW entries (20 policies of 500 targets):
// the policy created through the service, its delivery task run, one
// registry refresh (reload of the SecMaster family's enforcements, diff,
// incremental apply), the decision checked.
func BenchmarkSecMasterWriteToDecision(b *testing.B) {
	for _, existing := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("entries=%d", existing), func(b *testing.B) {
			ctx := context.Background()
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "rampart.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			sm := secmaster.New(db.SecMaster(), secmaster.Config{})
			reg := enforce.NewRegistry(enforce.Sources{SecMaster: sm, SecMasterLog: db, WAF: db, WAFLog: db, Workspace: workspace.New(db, workspace.Config{}), Revisions: db}, nil, nil, nil)
			addr := func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) }
			for done := 0; done < existing; done += secmaster.MaxTargets {
				var ts []string
				for i := done; i < done+secmaster.MaxTargets; i++ {
					ts = append(ts, addr(i))
				}
				smBlock(b, sm, projA, projA, secmaster.LayerCFW, secmaster.TypeSourceIP, strings.Join(ts, ","))
			}
			if _, err := reg.Engine(ctx, projA); err != nil {
				b.Fatal(err)
			}
			next := existing
			var refresh time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				a := addr(next)
				next++
				smBlock(b, sm, projA, projA, secmaster.LayerCFW, secmaster.TypeSourceIP, a)
				t0 := time.Now()
				if _, err := reg.Refresh(ctx); err != nil {
					b.Fatal(err)
				}
				eng, err := reg.Engine(ctx, projA)
				if err != nil {
					b.Fatal(err)
				}
				if d := eng.DecideIP(engine.LayerCFW, netip.MustParseAddr(a), time.Now()); d.Action != engine.ActionBlock {
					b.Fatalf("block of %s not in force after one refresh: %+v", a, d)
				}
				refresh += time.Since(t0)
			}
			b.ReportMetric(float64(refresh.Microseconds())/float64(b.N)/1000, "refresh-ms/op")
		})
	}
}
