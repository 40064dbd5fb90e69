package proxy

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

// A deleted host's series leave /metrics at the next table rebuild: the
// counters of every host ever protected are not kept (and exposed) for
// the life of the process.
func TestMetricsForgetDeletedHosts(t *testing.T) {
	_, a := upstreamServer(t, "a")
	st := &fakeStore{}
	st.set(newHost("p1", "kept.test", 1, a), newHost("p1", "gone.test", 1, a))
	tp := startProxy(t, st, Config{}, false, nil)
	tp.get(t, "kept.test", "/", nil)
	tp.get(t, "gone.test", "/", nil)
	scrape := func() string {
		rec := httptest.NewRecorder()
		tp.p.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	if m := scrape(); !strings.Contains(m, `host="gone.test"`) || !strings.Contains(m, `host="kept.test"`) {
		t.Fatalf("before the deletion:\n%s", m)
	}

	st.set(newHost("p1", "kept.test", 1, a))
	if _, err := tp.p.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := scrape()
	if strings.Contains(m, `host="gone.test"`) {
		t.Fatalf("the deleted host is still exposed:\n%s", m)
	}
	if !strings.Contains(m, `rampart_proxy_requests_total{host="kept.test",code="2xx"} 1`) {
		t.Fatalf("the kept host's counter was lost:\n%s", m)
	}
	if n := len(tp.p.metrics.hosts); n != 1 {
		t.Fatalf("%d hosts' counters kept", n)
	}
}
