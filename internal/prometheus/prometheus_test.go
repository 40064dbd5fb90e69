package prometheus

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// scrape serves h's GET /metrics and parses the exposition; a text that is
// not valid fails the test.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("metrics: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	return mfs
}

// sample returns the value of the family's series with the labels given
// (a counter, a gauge, or a histogram's count); -1 when absent.
func sample(mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	mf := mfs[name]
	if mf == nil {
		return -1
	}
next:
	for _, m := range mf.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.Label {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func TestExposition(t *testing.T) {
	m := New()
	m.ObserveAPIRequest("waf", "GET", "/v1/{project_id}/waf/policy", 200, "", time.Millisecond)
	m.ObserveAPIRequest("waf", "GET", "/v1/{project_id}/waf/policy", 401, "APIGW.0301", time.Millisecond)
	m.ObserveAPIRequest("waf", "GET", "/v1/{project_id}/waf/policy", 200, "", 2*time.Millisecond)
	m.ObserveStoreLatency("read_tx", time.Millisecond)
	m.ObserveBouncerPull("fw1", "startup", 3, 0, time.Millisecond)
	m.ObserveBouncerPull("fw1", "delta", 1, 2, time.Millisecond)
	m.ObserveBouncerDenied()
	m.RegisterSecMaster(func() secmaster.DeliveryCounts {
		var d secmaster.DeliveryCounts
		d.Delivered[1], d.Failed[0], d.Retries = 4, 1, 2
		return d
	}, func(context.Context) (int64, int64, error) { return 7, 9, nil })
	dataPlane := func(w io.Writer) error {
		_, err := io.WriteString(w, "# HELP rampart_proxy_requests_total x\n# TYPE rampart_proxy_requests_total counter\nrampart_proxy_requests_total{host=\"a\",code=\"2xx\"} 5\n")
		return err
	}
	mfs := scrape(t, m.Handler(dataPlane))
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"rampart_api_requests_total", []string{"family", "waf", "route", "/v1/{project_id}/waf/policy", "code", "200"}, 2},
		{"rampart_api_requests_total", []string{"code", "401"}, 1},
		{"rampart_api_request_duration_seconds", []string{"route", "/v1/{project_id}/waf/policy"}, 3},
		{"rampart_api_errors_total", []string{"family", "waf", "error_code", "APIGW.0301"}, 1},
		{"rampart_store_operation_duration_seconds", []string{"op", "read_tx"}, 1},
		{"rampart_bouncer_pulls_total", []string{"bouncer", "fw1", "kind", "startup"}, 1},
		{"rampart_bouncer_decisions_sent_total", []string{"bouncer", "fw1", "list", "new"}, 4},
		{"rampart_bouncer_decisions_sent_total", []string{"bouncer", "fw1", "list", "deleted"}, 2},
		{"rampart_bouncer_pull_duration_seconds", []string{"kind", "delta"}, 1},
		{"rampart_bouncer_pulls_denied_total", nil, 1},
		{"rampart_secmaster_deliveries_total", []string{"layer", "CFW", "result", "delivered"}, 4},
		{"rampart_secmaster_deliveries_total", []string{"layer", "WAF", "result", "failed"}, 1},
		{"rampart_secmaster_delivery_retries_total", nil, 2},
		{"rampart_secmaster_delivery_backlog_tasks", nil, 7},
		{"rampart_secmaster_delivery_backlog_entries", nil, 9},
		{"rampart_proxy_requests_total", []string{"host", "a"}, 5},
	} {
		if got := sample(mfs, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if mfs["go_goroutines"] == nil || mfs["process_cpu_seconds_total"] == nil && mfs["process_start_time_seconds"] == nil {
		t.Errorf("runtime or process metrics missing")
	}
}

// A write's propagation is timed from its commit to the publication of
// the first engine carrying its revision; a project's first engine times
// nothing (it did not exist when the write committed).
func TestPropagationDelay(t *testing.T) {
	m := New()
	at := time.Now().Add(-30 * time.Millisecond)
	m.RevisionCommitted("p1", rampart.FamilyWAF, 4, at)
	m.RevisionCommitted("p1", rampart.FamilyWAF, 5, at)
	m.RevisionCommitted("p1", rampart.FamilyWAF, 6, at)
	m.RevisionCommitted("p2", rampart.FamilySecMaster, 1, at)
	revs := func(p string, waf, sm int64) []rampart.Revision {
		return []rampart.Revision{{ProjectID: p, Family: rampart.FamilySecMaster, Revision: sm}, {ProjectID: p, Family: rampart.FamilyWAF, Revision: waf},
			{ProjectID: p, Family: rampart.FamilyWorkspace}}
	}
	m.EnginePublished("p1", enforce.BuildIncremental, time.Millisecond, revs("p1", 5, 0))
	m.EnginePublished("p2", enforce.BuildFirst, time.Millisecond, revs("p2", 0, 1))
	mfs := scrape(t, m.Handler())
	if got := sample(mfs, "rampart_engine_propagation_delay_seconds", "family", "waf"); got != 2 {
		t.Errorf("waf propagations %v, want 2 (revisions 4 and 5)", got)
	}
	if got := sample(mfs, "rampart_engine_propagation_delay_seconds", "family", "secmaster"); got > 0 {
		t.Errorf("secmaster propagations %v, want none (first build)", got)
	}
	h := mfs["rampart_engine_propagation_delay_seconds"].Metric[0].Histogram
	if h.GetSampleSum() < 2*0.03 {
		t.Errorf("propagation sum %v s, want at least 0.06", h.GetSampleSum())
	}
	if got := sample(mfs, "rampart_engine_build_duration_seconds", "kind", "incremental"); got != 1 {
		t.Errorf("incremental builds %v, want 1", got)
	}
	// Revision 6 is still waiting; the next engine carries it.
	m.EnginePublished("p1", enforce.BuildCompaction, time.Millisecond, revs("p1", 6, 0))
	if got := sample(scrape(t, m.Handler()), "rampart_engine_propagation_delay_seconds", "family", "waf"); got != 3 {
		t.Errorf("waf propagations %v, want 3", got)
	}
}

// Commits no engine carries are remembered up to a bound per project and
// family.
func TestPendingCommitsBounded(t *testing.T) {
	var c commits
	for i := range 3 * maxPendingCommits {
		c.committed("p", rampart.FamilyWAF, int64(i+1), time.Now())
	}
	if n := len(c.by[rampart.Revision{ProjectID: "p", Family: rampart.FamilyWAF}]); n != maxPendingCommits {
		t.Fatalf("%d commits kept, want %d", n, maxPendingCommits)
	}
	if got := c.carried("p", rampart.FamilyWAF, 3*maxPendingCommits); len(got) != maxPendingCommits || len(c.by) != 0 {
		t.Fatalf("carried %d, left %d keys", len(got), len(c.by))
	}
}

// Label values chosen by clients or operators stop at a bound.
func TestBoundedLabels(t *testing.T) {
	m := New()
	for i := range maxErrorCodes + 50 {
		m.ObserveAPIRequest("gateway", "GET", "unmatched", 400, fmt.Sprintf("X.%d", i), 0)
	}
	mfs := scrape(t, m.Handler())
	if n := len(mfs["rampart_api_errors_total"].Metric); n != maxErrorCodes+1 {
		t.Errorf("%d error_code series, want %d", n, maxErrorCodes+1)
	}
	if got := sample(mfs, "rampart_api_errors_total", "error_code", "other"); got != 50 {
		t.Errorf("other: %v, want 50", got)
	}
}
