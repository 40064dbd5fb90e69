package enforce

import (
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Observer is told of every engine the registry publishes, for metrics.
type Observer interface {
	// EnginePublished records that the project's engine of kind
	// (BuildFirst, BuildFull, BuildIncremental or BuildCompaction) was
	// published after took, carrying the revisions given.
	EnginePublished(projectID, kind string, took time.Duration, revisions []rampart.Revision)
}

// The kinds of engine builds an Observer is told of.
const (
	// BuildFirst is a project's first engine, built on first use.
	BuildFirst = "first"
	// BuildFull is a full rebuild replacing an engine that refused an
	// incremental update (or was left stale by one).
	BuildFull = "full"
	// BuildIncremental is an incremental update applied to the engine.
	BuildIncremental = "incremental"
	// BuildCompaction is a fresh build of the same model that drops the
	// references an engine updated incrementally accumulates.
	BuildCompaction = "compaction"
)

// SetObserver sets the observer of published engines; call it before the
// registry is used.
func (r *Registry) SetObserver(o Observer) { r.obs = o }

// published tells the observer, if any, of the project's engine published
// after a build of kind that started at start.
func (r *Registry) published(projectID, kind string, start time.Time, p *project) {
	if r.obs == nil {
		return
	}
	revs := make([]rampart.Revision, len(families))
	for i, f := range families {
		revs[i] = rampart.Revision{ProjectID: projectID, Family: f, Revision: p.revs[i]}
	}
	r.obs.EnginePublished(projectID, kind, time.Since(start), revs)
}
