// Package prometheus exposes Rampart's control-plane metrics through
// prometheus/client_golang: the API's requests by route and family, the
// store's latency, SecMaster delivery, the decision engines' builds and
// propagation delay and the CrowdSec bouncers' pulls. It implements the
// observer interfaces of httpapi, sqlite and enforce (wired in cmd/rampart)
// and serves them, with hand-written expositions such as the data plane's
// (whose counters cost a few atomic additions), at GET /metrics.
package prometheus

import (
	"bytes"
	"io"
	"net/http"
	"sync"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
)

// Metrics is the registry of a node's control-plane metrics. Build it with
// New; it is safe for concurrent use.
type Metrics struct {
	reg *prom.Registry
	api apiMetrics
	st  storeMetrics
	eng engineMetrics
	bnc bouncerMetrics
}

// New returns the metrics with Go's runtime and process collectors
// registered beside Rampart's own.
func New() *Metrics {
	m := &Metrics{reg: prom.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.api.register(m.reg)
	m.st.register(m.reg)
	m.eng.register(m.reg)
	m.bnc.register(m.reg)
	return m
}

// WriteText writes metrics in the Prometheus text exposition format.
type WriteText func(w io.Writer) error

// Handler serves GET /metrics: the registry's metrics in the text
// exposition format (version 0.0.4), followed by each of texts, whose
// metric names must differ from the registry's.
func (m *Metrics) Handler(texts ...WriteText) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := bufPool.Get().(*bytes.Buffer)
		defer bufPool.Put(buf)
		buf.Reset()
		if err := m.write(buf); err != nil {
			http.Error(w, "metrics: "+err.Error(), http.StatusInternalServerError)
			return
		}
		for _, t := range texts {
			if err := t(buf); err != nil {
				http.Error(w, "metrics: "+err.Error(), http.StatusInternalServerError)
				return
			}
		}
		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		_, _ = w.Write(buf.Bytes())
	})
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write encodes the registry's metrics.
func (m *Metrics) write(w io.Writer) error {
	mfs, err := m.reg.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// HandlerText adapts a handler writing an exposition (the data plane's) to
// a WriteText.
func HandlerText(h http.Handler) WriteText {
	return func(w io.Writer) error {
		h.ServeHTTP(textResponse{w: w, h: http.Header{}}, &http.Request{Method: http.MethodGet})
		return nil
	}
}

// textResponse is the ResponseWriter HandlerText gives the handler: the
// body goes to w, headers are dropped.
type textResponse struct {
	w io.Writer
	h http.Header
}

// Header is dropped.
func (t textResponse) Header() http.Header { return t.h }

// Write writes to the exposition.
func (t textResponse) Write(b []byte) (int, error) { return t.w.Write(b) }

// WriteHeader is dropped.
func (t textResponse) WriteHeader(int) {}

// boundedLabels hands out label values, up to max distinct ones; beyond,
// every new value is labelled "other", so that values a client or an
// operator chooses cannot grow the series without bound.
type boundedLabels struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

// value returns v, or "other" once max other values were seen.
func (b *boundedLabels) value(v string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen[v] {
		return v
	}
	if len(b.seen) >= b.max {
		return "other"
	}
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	b.seen[v] = true
	return v
}
