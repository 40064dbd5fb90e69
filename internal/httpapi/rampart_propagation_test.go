package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

// propagationHost creates a WAF host (and so its policy) for the
// propagation test and benchmark.
func propagationHost(tb testing.TB, e *decEnv) (host, policyID string) {
	tb.Helper()
	name := "prop.example.com"
	proxy := false
	h, err := e.WAF.CreateHost(context.Background(), e.Creds.ProjectID, "0", &waf.HostInput{Hostname: &name, Proxy: &proxy,
		Servers: []waf.Server{{FrontProtocol: "HTTP", BackProtocol: "HTTP", Address: "192.0.2.1", Port: 80, Type: "ipv4", Weight: 1}}})
	if err != nil {
		tb.Fatal(err)
	}
	return name, h.PolicyID
}

// writeAndWait writes a whiteblackip block of addr through the WAF API and
// polls the decision API until it blocks addr, failing after deadline.
func writeAndWait(tb testing.TB, e *decEnv, host, policyID, addr string, deadline time.Duration) time.Duration {
	tb.Helper()
	start := time.Now()
	res := e.call("POST", "/v1/"+e.Creds.ProjectID+"/waf/policy/"+policyID+"/whiteblackip",
		fmt.Sprintf(`{"name":"p","addr":%q,"white":0}`, addr))
	if res.Status != 200 {
		tb.Fatalf("create rule: %d %s", res.Status, res.Raw)
	}
	for {
		d := e.get("layer=waf&host=" + host + "&ip=" + addr)
		if d.Status != 200 {
			tb.Fatalf("decision: %d %s", d.Status, d.Raw)
		}
		if d.Body["action"] == "block" && d.Body["rule_type"] == "whiteblackip" {
			return time.Since(start)
		}
		if time.Since(start) > deadline {
			tb.Fatalf("rule for %s not in force %v after the API write: %s", addr, deadline, d.Raw)
		}
		time.Sleep(time.Millisecond)
	}
}

// An API write is visible to a decision on the same node with the
// registry polling at serve's interval (50 ms). The test asserts the
// effect (with a generous deadline: -race on a shared machine stretches
// time); BenchmarkAPIWriteToDecision measures the latency.
func TestAPIWriteReachesDecision(t *testing.T) {
	e := mustServeDecisionsEvery(t, 50*time.Millisecond)
	host, pid := propagationHost(t, e)
	for i := range 3 {
		took := writeAndWait(t, e, host, pid, fmt.Sprintf("203.0.113.%d", i+1), 10*time.Second)
		t.Logf("write %d in force after %v", i, took)
	}
}

// BenchmarkAPIWriteToDecision measures, end to end on one node, the time
// from sending a whiteblackip rule through the WAF API to the first
// decision API answer that blocks with it: the signed HTTP write, the wait
// for the registry's next poll (serve's 50 ms interval), the incremental
// update and the decision request (polled every millisecond).
func BenchmarkAPIWriteToDecision(b *testing.B) {
	e := mustServeDecisionsEvery(b, 50*time.Millisecond)
	host, pid := propagationHost(b, e)
	i := 0
	var worst time.Duration
	for b.Loop() {
		i++
		worst = max(worst, writeAndWait(b, e, host, pid, fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), 10*time.Second))
	}
	b.ReportMetric(float64(worst.Milliseconds()), "max-ms")
}
