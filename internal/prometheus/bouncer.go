package prometheus

import (
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
)

// maxBouncers bounds the bouncer label's values: bouncer names are chosen
// by the operator (rampart admin bouncer add) and few.
const maxBouncers = 1000

// bouncerMetrics are the CrowdSec bouncer API's.
type bouncerMetrics struct {
	pulls    *prom.CounterVec
	sent     *prom.CounterVec
	duration *prom.HistogramVec
	denied   prom.Counter
	names    boundedLabels
}

func (b *bouncerMetrics) register(reg *prom.Registry) {
	b.pulls = prom.NewCounterVec(prom.CounterOpts{Name: "rampart_bouncer_pulls_total",
		Help: "Pulls answered to CrowdSec bouncers, by bouncer name and kind (startup, delta: GET /v1/decisions/stream; query: GET /v1/decisions)."},
		[]string{"bouncer", "kind"})
	b.sent = prom.NewCounterVec(prom.CounterOpts{Name: "rampart_bouncer_decisions_sent_total",
		Help: "Decisions sent to CrowdSec bouncers, by bouncer name and list (new, deleted)."},
		[]string{"bouncer", "list"})
	b.duration = prom.NewHistogramVec(prom.HistogramOpts{Name: "rampart_bouncer_pull_duration_seconds",
		Help: "Time taken to answer a bouncer's pull, by kind.", Buckets: latencyBuckets}, []string{"kind"})
	b.denied = prom.NewCounter(prom.CounterOpts{Name: "rampart_bouncer_pulls_denied_total",
		Help: "Bouncer pulls refused with 403: a missing, wrong or deleted key."})
	b.names.max = maxBouncers
	reg.MustRegister(b.pulls, b.sent, b.duration, b.denied)
}

// ObserveBouncerPull implements httpapi.Observer.
func (m *Metrics) ObserveBouncerPull(bouncer, kind string, added, deleted int, took time.Duration) {
	name := m.bnc.names.value(bouncer)
	m.bnc.pulls.WithLabelValues(name, kind).Inc()
	m.bnc.sent.WithLabelValues(name, "new").Add(float64(added))
	m.bnc.sent.WithLabelValues(name, "deleted").Add(float64(deleted))
	m.bnc.duration.WithLabelValues(kind).Observe(took.Seconds())
}

// ObserveBouncerDenied implements httpapi.Observer.
func (m *Metrics) ObserveBouncerDenied() { m.bnc.denied.Inc() }
