package prometheus

import (
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/rampartsec/rampart/internal/rampart"
)

// storeMetrics are the store's.
type storeMetrics struct {
	duration *prom.HistogramVec
}

func (s *storeMetrics) register(reg *prom.Registry) {
	s.duration = prom.NewHistogramVec(prom.HistogramOpts{Name: "rampart_store_operation_duration_seconds",
		Help:    "Time the store took, by operation: read_tx (a read-only transaction), write_tx (a write transaction of its own, waiting for the writer included), group_write (one write committed with others, from its queueing to the commit), query (a read outside a transaction, to its first row).",
		Buckets: latencyBuckets}, []string{"op"})
	reg.MustRegister(s.duration)
}

// ObserveStoreLatency implements sqlite.Observer.
func (m *Metrics) ObserveStoreLatency(op string, took time.Duration) {
	m.st.duration.WithLabelValues(op).Observe(took.Seconds())
}

// RevisionCommitted implements sqlite.Observer: the commit time of the
// revision, for the propagation delay of the engine that will carry it.
func (m *Metrics) RevisionCommitted(projectID string, family rampart.Family, revision int64, at time.Time) {
	m.eng.pending.committed(projectID, family, revision, at)
}
