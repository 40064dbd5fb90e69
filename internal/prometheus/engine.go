package prometheus

import (
	"sync"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/rampartsec/rampart/internal/enforce"
	"github.com/rampartsec/rampart/internal/rampart"
)

// buildBuckets are the upper bounds, in seconds, of the engine build and
// propagation histograms.
var buildBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// engineMetrics are the decision engines'.
type engineMetrics struct {
	builds      *prom.HistogramVec
	propagation *prom.HistogramVec
	pending     commits
}

func (e *engineMetrics) register(reg *prom.Registry) {
	e.builds = prom.NewHistogramVec(prom.HistogramOpts{Name: "rampart_engine_build_duration_seconds",
		Help:    "Time a project's decision engine took to load and compile before it was published, by kind: first (built on first use), incremental (an update applied to it), full (rebuilt after an update it refused), compaction. Its _count is the number of builds.",
		Buckets: buildBuckets}, []string{"kind"})
	e.propagation = prom.NewHistogramVec(prom.HistogramOpts{Name: "rampart_engine_propagation_delay_seconds",
		Help:    "Time from the commit of a write on this node to the publication of the engine that enforces it, by family (secmaster, waf, workspace). Writes made by another process, and writes before a project's first engine, are not counted.",
		Buckets: buildBuckets}, []string{"family"})
	reg.MustRegister(e.builds, e.propagation)
}

// EnginePublished implements enforce.Observer.
func (m *Metrics) EnginePublished(projectID, kind string, took time.Duration, revisions []rampart.Revision) {
	m.eng.builds.WithLabelValues(kind).Observe(took.Seconds())
	now := time.Now()
	for _, r := range revisions {
		for _, at := range m.eng.pending.carried(projectID, r.Family, r.Revision) {
			if kind != enforce.BuildFirst { // the engine did not exist: no propagation to time
				m.eng.propagation.WithLabelValues(string(r.Family)).Observe(now.Sub(at).Seconds())
			}
		}
	}
}

// maxPendingCommits bounds the commits remembered per project and family
// until an engine carries them (projects whose engine is never built keep
// the newest).
const maxPendingCommits = 256

// commits are the commit times of revisions no engine carries yet.
type commits struct {
	mu sync.Mutex
	by map[rampart.Revision]commitLog // keyed by project and family (Revision 0)
}

// commitLog are revisions of one project's family and their commit times,
// oldest first.
type commitLog []struct {
	rev int64
	at  time.Time
}

func (c *commits) committed(projectID string, family rampart.Family, revision int64, at time.Time) {
	k := rampart.Revision{ProjectID: projectID, Family: family}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by == nil {
		c.by = map[rampart.Revision]commitLog{}
	}
	l := c.by[k]
	if len(l) >= maxPendingCommits {
		l = l[1:]
	}
	c.by[k] = append(l, struct {
		rev int64
		at  time.Time
	}{revision, at})
}

// carried removes and returns the commit times of the project's family's
// revisions up to revision.
func (c *commits) carried(projectID string, family rampart.Family, revision int64) []time.Time {
	k := rampart.Revision{ProjectID: projectID, Family: family}
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.by[k]
	n := 0
	for n < len(l) && l[n].rev <= revision {
		n++
	}
	if n == 0 {
		return nil
	}
	out := make([]time.Time, n)
	for i := range n {
		out[i] = l[i].at
	}
	if n == len(l) {
		delete(c.by, k)
	} else {
		c.by[k] = append(commitLog(nil), l[n:]...)
	}
	return out
}
