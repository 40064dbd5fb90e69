package httpapi_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// fairnessNoisyProject is the project that floods the writer and the
// delivery worker in BenchmarkSecMasterFairness.
const fairnessNoisyProject = "0000000000000000000000000000a0a0"

// noisyPolicyInput is a BLOCK of 500 addresses on 50 CFW connections of
// project: 25,000 enforcement rows once delivered.
func noisyPolicyInput(project string, k int) *secmaster.PolicyInput {
	targets := make([]string, secmaster.MaxTargets)
	for i := range targets {
		targets[i] = fmt.Sprintf("10.%d.%d.%d", k, i>>8, i&255)
	}
	typ, no := secmaster.TypeSourceIP, false
	in := &secmaster.PolicyInput{BlockAge: &secmaster.BlockAge{IsBlockAgeing: &no}, BlockTarget: strings.Join(targets, ","),
		Category: secmaster.CategoryBlock, PolicyType: &typ, RegionID: "r"}
	for c := range secmaster.MaxDefenses {
		in.Defenses = append(in.Defenses, secmaster.DefenseInput{ConnectionID: fmt.Sprintf("cfw-%d", c), ConnectionName: "cfw",
			ConnectionRegionID: "r", ConnectionRegionName: "r", DefenseType: secmaster.LayerCFW, TargetEnterpriseID: "0",
			TargetEnterpriseName: "d", TargetProjectID: project, TargetProjectName: "p"})
	}
	return in
}

// BenchmarkSecMasterFairness measures what one project's flood costs
// another. The noisy project creates six policies of 500 addresses × 50
// CFW connections (25,000 enforcement rows each, its engine loaded) at
// once; meanwhile the quiet project (the env's) creates, every 100 ms, a
// BLOCK of one new address on its CFW layer through the signed HTTP API,
// and a watcher polls the quiet project's engine until each is blocked.
// It reports, over the quiet project's writes, the p99 and the worst time
// to the HTTP acknowledgement and to the block in force (the registry
// polls every 50 ms, as serve's does), and how long the noisy project's
// six policies took to be in force (their tasks done and their engine
// blocking their last addresses). The same quiet writes on an idle
// server are the baseline (sub-benchmark "idle"). Run it with
// -benchtime 1x.
func BenchmarkSecMasterFairness(b *testing.B) {
	for _, noisy := range []bool{false, true} {
		name := "idle"
		if noisy {
			name = "noisy"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				fairnessRun(b, noisy)
			}
		})
	}
}

func fairnessRun(b *testing.B, noisy bool) {
	e := mustServeDecisionsWithin(b, 50*time.Millisecond, 60*time.Second) // serve's poll interval and write timeout
	ctx := context.Background()
	wctx, stop := context.WithCancel(ctx)
	worker := make(chan struct{})
	go func() { e.SecMaster.Run(wctx); close(worker) }()
	b.Cleanup(func() { stop(); <-worker })
	quiet := e.Creds.ProjectID
	if _, err := e.Decisions.Decider(ctx, quiet); err != nil {
		b.Fatal(err)
	}
	wss, _, err := e.SecMaster.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: quiet})
	if err != nil {
		b.Fatal(err)
	}
	path := "/v1/" + quiet + "/workspaces/" + wss[0].ID + "/soc/policys?action_type=create"

	var noisyDone chan time.Duration
	if noisy {
		if err := e.SecMaster.EnsureDefaultWorkspace(ctx, fairnessNoisyProject); err != nil {
			b.Fatal(err)
		}
		nws, _, err := e.SecMaster.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: fairnessNoisyProject})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Decisions.Decider(ctx, fairnessNoisyProject); err != nil { // its engine follows the flood
			b.Fatal(err)
		}
		noisyDone = make(chan time.Duration, 1)
		start := time.Now()
		var wg sync.WaitGroup
		tasks := make([]string, 6)
		for k := range tasks {
			wg.Go(func() {
				var err error
				if tasks[k], err = e.SecMaster.CreatePolicy(ctx, fairnessNoisyProject, nws[0].ID, noisyPolicyInput(fairnessNoisyProject, k)); err != nil {
					b.Error(err)
				}
			})
		}
		go func() {
			// In force: every task done, and the engine has taken the last rows.
			wg.Wait()
			for _, id := range tasks {
				for time.Since(start) < 10*time.Minute {
					if tk, err := e.SecMaster.FindTask(ctx, fairnessNoisyProject, id); err == nil && tk.State == secmaster.TaskDone {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			for k := range tasks {
				last := netip.MustParseAddr(fmt.Sprintf("10.%d.1.243", k)) // the policy's last address
				for time.Since(start) < 10*time.Minute {
					d, err := e.Decisions.Decider(ctx, fairnessNoisyProject)
					if err == nil && d.DecideIP(decision.LayerCFW, last, time.Now()).Action == decision.ActionBlock {
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			noisyDone <- time.Since(start)
		}()
	}

	// The quiet project writes every 100 ms (timing each acknowledgement)
	// while a watcher times each write's block, until the noisy policies
	// are in force (and at least 30 writes).
	type sent struct {
		ip    netip.Addr
		start time.Time
	}
	queue := make(chan sent, 10_000)
	var blocks []time.Duration
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for w := range queue {
			for {
				d, err := e.Decisions.Decider(ctx, quiet)
				if err == nil && d.DecideIP(decision.LayerCFW, w.ip, time.Now()).Action == decision.ActionBlock {
					break
				}
				if time.Since(w.start) > 5*time.Minute {
					b.Errorf("%s not blocked after 5 minutes", w.ip)
					break
				}
				time.Sleep(time.Millisecond)
			}
			blocks = append(blocks, time.Since(w.start))
		}
	}()
	var acks []time.Duration
	var noisyTook time.Duration
	for i := 0; ; i++ {
		if i >= 30 && (!noisy || noisyTook > 0) {
			break
		}
		if noisy && noisyTook == 0 {
			select {
			case noisyTook = <-noisyDone:
			default:
			}
		}
		addr := fmt.Sprintf("203.0.%d.%d", 113+i>>8, i&255)
		start := time.Now()
		res := e.call("POST", path, policyBody(map[string]string{"block_target": fmt.Sprintf("%q", addr),
			"defense_policy_list": "[" + defense("CFW", quiet) + "]"}))
		if res.Status != 200 {
			b.Fatalf("quiet create: %d %s", res.Status, res.Raw)
		}
		acks = append(acks, time.Since(start))
		queue <- sent{netip.MustParseAddr(addr), start}
		time.Sleep(100 * time.Millisecond)
	}
	close(queue)
	<-watched
	pct := func(ds []time.Duration, p int) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[(len(s)*p+99)/100-1].Microseconds()) / 1000
	}
	p99 := func(ds []time.Duration) float64 { return pct(ds, 99) }
	worst := func(ds []time.Duration) float64 { return float64(slices.Max(ds).Microseconds()) / 1000 }
	b.ReportMetric(float64(len(acks)), "writes")
	b.ReportMetric(pct(acks, 50), "ack-p50-ms")
	b.ReportMetric(p99(acks), "ack-p99-ms")
	b.ReportMetric(pct(blocks, 50), "block-p50-ms")
	b.ReportMetric(worst(acks), "ack-max-ms")
	b.ReportMetric(p99(blocks), "block-p99-ms")
	b.ReportMetric(worst(blocks), "block-max-ms")
	if noisy {
		b.ReportMetric(noisyTook.Seconds(), "noisy-in-force-s")
	}
}
