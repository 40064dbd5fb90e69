package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// exposition is one parsed scrape of /metrics.
type exposition map[string]*dto.MetricFamily

// scrapeMetrics fetches and parses the metrics served at addr; an
// exposition that is not valid fails the test.
func scrapeMetrics(t *testing.T, addr string) exposition {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(metricsText(t, addr)))
	if err != nil {
		t.Fatalf("the exposition does not parse: %v", err)
	}
	return mfs
}

// value is the sum of the family's series that carry the labels given (a
// counter's or gauge's value, a histogram's count); 0 when none does.
func (e exposition) value(name string, labels ...string) float64 {
	mf := e[name]
	if mf == nil {
		return 0
	}
	total := 0.0
next:
	for _, m := range mf.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			ok := false
			for _, lp := range m.Label {
				ok = ok || lp.GetName() == labels[i] && lp.GetValue() == labels[i+1]
			}
			if !ok {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		}
	}
	return total
}

// serve's metrics listener counts the API's requests by route pattern,
// family, status and error code, SecMaster deliveries, engine builds and
// the propagation of a write, bouncer pulls and refusals, and store
// latency, beside the data plane's and the store's counters, in one valid
// exposition.
func TestServeMetrics(t *testing.T) {
	metricsAddr := freeAddr(t)
	s := startBouncerServe(t, "--metrics-listen", metricsAddr, "--proxy-listen", freeAddr(t))
	pull := func(key, query string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", s.url+"/v1/decisions/stream"+query, nil)
		req.Header.Set("X-Api-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// The startup pull builds the project's engine: the block below then
	// propagates to an engine that exists.
	if st := pull(s.key, "?startup=true"); st != 200 {
		t.Fatalf("startup pull: %d", st)
	}
	before := scrapeMetrics(t, metricsAddr)

	workspaces := "/v1/{project_id}/workspaces"
	if st, out := s.call("GET", "/v1/"+s.pid+"/workspaces", ""); st != 200 {
		t.Fatalf("workspaces: %d %v", st, out)
	}
	if st, _ := s.call("GET", "/v1/"+s.pid+"/no/such/api", ""); st != 404 {
		t.Fatalf("unknown API: %d", st)
	}
	res, err := http.Get(s.url + "/v1/" + s.pid + "/workspaces")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("without a token: %d", res.StatusCode)
	}
	if st := pull("not-a-key", ""); st != 403 {
		t.Fatalf("wrong key: %d", st)
	}
	policyID := s.block(t, "198.51.100.23", time.Time{})

	// Delivery and propagation are asynchronous: wait for both, then pull.
	var after exposition
	deadline := time.Now().Add(10 * time.Second)
	for {
		after = scrapeMetrics(t, metricsAddr)
		delivered := after.value("rampart_secmaster_deliveries_total", "layer", "CFW", "result", "delivered") -
			before.value("rampart_secmaster_deliveries_total", "layer", "CFW", "result", "delivered")
		propagated := after.value("rampart_engine_propagation_delay_seconds", "family", "secmaster") -
			before.value("rampart_engine_propagation_delay_seconds", "family", "secmaster")
		if delivered == 1 && propagated >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %v entries delivered, %v secmaster propagations; want 1 and at least 1", delivered, propagated)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st, out := s.call("POST", "/v1/"+s.pid+"/workspaces/"+s.ws+"/soc/policys?action_type=retry",
		`{"data_object":{"retry_list":["`+policyID+`"]}}`); st != 200 {
		t.Fatalf("retry: %d %v", st, out)
	}
	if st := pull(s.key, ""); st != 200 {
		t.Fatalf("delta pull: %d", st)
	}
	after = scrapeMetrics(t, metricsAddr)

	delta := func(name string, labels ...string) float64 {
		return after.value(name, labels...) - before.value(name, labels...)
	}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"rampart_api_requests_total", []string{"family", "secmaster", "method", "GET", "route", workspaces, "code", "200"}, 1},
		{"rampart_api_requests_total", []string{"family", "secmaster", "method", "GET", "route", workspaces, "code", "401"}, 1},
		{"rampart_api_errors_total", []string{"family", "secmaster", "error_code", "APIGW.0301"}, 1},
		{"rampart_api_request_duration_seconds", []string{"route", workspaces}, 2},
		{"rampart_api_requests_total", []string{"method", "GET", "route", "unmatched", "code", "404"}, 1},
		{"rampart_api_errors_total", []string{"error_code", "APIGW.0101"}, 1},
		{"rampart_api_requests_total", []string{"family", "secmaster", "method", "POST", "route", workspaces + "/{workspace_id}/soc/policys", "code", "200"}, 2},
		{"rampart_api_requests_total", []string{"family", "crowdsec", "route", "/v1/decisions/stream", "code", "403"}, 1},
		{"rampart_bouncer_pulls_denied_total", nil, 1},
		{"rampart_bouncer_pulls_total", []string{"bouncer", "edge", "kind", "delta"}, 1},
		{"rampart_bouncer_decisions_sent_total", []string{"bouncer", "edge", "list", "new"}, 1},
		{"rampart_bouncer_pull_duration_seconds", []string{"kind", "delta"}, 1},
		{"rampart_secmaster_deliveries_total", []string{"result", "failed"}, 0},
		{"rampart_secmaster_delivery_retries_total", nil, 1},
	} {
		if got := delta(c.name, c.labels...); got != c.want {
			t.Errorf("%s%v went up by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, c := range []struct {
		name   string
		labels []string
	}{
		{"rampart_bouncer_pulls_total", []string{"bouncer", "edge", "kind", "startup"}},
		{"rampart_engine_build_duration_seconds", []string{"kind", "first"}},
		{"rampart_engine_build_duration_seconds", []string{"kind", "incremental"}},
		{"rampart_store_operation_duration_seconds", []string{"op", "write_tx"}},
		{"rampart_store_operation_duration_seconds", []string{"op", "query"}},
	} {
		if after.value(c.name, c.labels...) < 1 {
			t.Errorf("%s%v: none counted", c.name, c.labels)
		}
	}
	// The retry's task is pending until the worker takes it.
	for e := after; e["rampart_secmaster_delivery_backlog_tasks"] == nil || e.value("rampart_secmaster_delivery_backlog_tasks") != 0; e = scrapeMetrics(t, metricsAddr) {
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("delivery backlog: %v, want a gauge at 0 once delivered", e["rampart_secmaster_delivery_backlog_tasks"])
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The data plane's and the store's counters are served beside them.
	for _, name := range []string{"rampart_proxy_events_dropped_total", "rampart_proxy_upstream_latency_seconds", "go_goroutines"} {
		if after[name] == nil {
			t.Errorf("%s missing from the exposition", name)
		}
	}
}
