package mask

import (
	"context"
	"sync"

	"github.com/rampartsec/rampart/internal/waf"
)

// HitStore receives hit counts; waf.Store implements it.
type HitStore interface {
	AddIgnoreRuleHits(ctx context.Context, projectID string, hits []waf.IgnoreHit) error
}

// Hits counts masked detections per rule until they are flushed to a
// HitStore. It is safe for concurrent use; the zero value is ready.
type Hits struct {
	mu     sync.Mutex
	counts map[hitKey]int64
}

type hitKey struct{ project, rule string }

// Add counts one masked detection of a project's rule.
func (h *Hits) Add(projectID, ruleID string) {
	h.mu.Lock()
	if h.counts == nil {
		h.counts = map[hitKey]int64{}
	}
	h.counts[hitKey{projectID, ruleID}]++
	h.mu.Unlock()
}

// Flush writes the counts so far to st, one batch per project, and forgets
// them. Counts of a project whose write fails are kept for the next Flush;
// the first error is returned.
func (h *Hits) Flush(ctx context.Context, st HitStore) error {
	h.mu.Lock()
	counts := h.counts
	h.counts = nil
	h.mu.Unlock()
	byProject := map[string][]waf.IgnoreHit{}
	for k, n := range counts {
		byProject[k.project] = append(byProject[k.project], waf.IgnoreHit{RuleID: k.rule, Count: n})
	}
	var first error
	for project, hits := range byProject {
		if err := st.AddIgnoreRuleHits(ctx, project, hits); err != nil {
			if first == nil {
				first = err
			}
			h.mu.Lock()
			if h.counts == nil {
				h.counts = map[hitKey]int64{}
			}
			for _, hit := range hits {
				h.counts[hitKey{project, hit.RuleID}] += hit.Count
			}
			h.mu.Unlock()
		}
	}
	return first
}
