package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/mask"
	"github.com/rampartsec/rampart/internal/proxy"
	"github.com/rampartsec/rampart/internal/waf"
)

// maskSource is what the data plane's false-alarm masking reads and writes
// in the store.
type maskSource interface {
	FindIgnoreRules(ctx context.Context, f waf.RuleFilter) ([]*waf.IgnoreRule, int, error)
	mask.HitStore
}

// policyMaskers gives the data plane each policy's false-alarm masks: at
// every host-table rebuild it compiles the policy's enabled ignore rules
// while the policy's options.ignore is on, and it counts every masked
// detection until the next flush to the store.
type policyMaskers struct {
	store maskSource
	hits  mask.Hits
	log   *slog.Logger
}

// Masker implements proxy.MaskerSource. A policy with its masking module
// off or without an enabled ignore rule masks nothing.
func (m *policyMaskers) Masker(ctx context.Context, pol *waf.Policy) (proxy.Masker, error) {
	if !pol.Options["ignore"] {
		return nil, nil
	}
	rules, _, err := m.store.FindIgnoreRules(ctx, waf.RuleFilter{ProjectID: pol.ProjectID, PolicyIDs: []string{pol.ID},
		Page: waf.Page{Limit: -1}})
	if err != nil {
		return nil, err
	}
	set := mask.Compile(rules)
	if set == nil {
		return nil, nil
	}
	return &countingMasker{set: set, hits: &m.hits, projectID: pol.ProjectID}, nil
}

// run flushes the hit counts to the store every interval until ctx ends,
// then once more.
func (m *policyMaskers) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			m.flush(ctx)
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			m.flush(fctx)
			cancel()
			return
		}
	}
}

func (m *policyMaskers) flush(ctx context.Context) {
	if err := m.hits.Flush(ctx, m.store); err != nil {
		m.log.Warn("ignore rule hit counts not written; kept for the next flush", "err", err)
	}
}

// countingMasker is one policy's compiled masks; a masked detection counts
// as a hit of the rule that masked it.
type countingMasker struct {
	set       *mask.Set
	hits      *mask.Hits
	projectID string
}

// Masks implements proxy.Masker.
func (c *countingMasker) Masks(host string, req *inspect.Request, v inspect.Verdict) (string, bool) {
	id, ok := c.set.Masks(host, req, v)
	if ok {
		c.hits.Add(c.projectID, id)
	}
	return id, ok
}

// maskHitsFlushInterval is how often masked-hit counts reach the store.
const maskHitsFlushInterval = 5 * time.Second
