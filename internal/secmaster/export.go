package secmaster

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// Export calls emit with every address and network of the workspace's
// active Source Ip BLOCK policies (the default workspace when workspaceID
// is ""), with its remaining duration (rounded up to the second; 0 when
// the policy has no aging) and its policy's description as the reason. An
// address listed by two policies is emitted twice. It returns how many it
// emitted. The policies are read a page at a time: a policy written
// meanwhile may be missed.
func (s *Service) Export(ctx context.Context, projectID, workspaceID string, emit func(ImportEntry) error) (int, error) {
	ws, err := s.importWorkspace(ctx, projectID, workspaceID)
	if err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	q := Query{ProjectID: projectID, WorkspaceID: ws, Limit: LimitMax, Sort: []Sort{{Field: "id"}},
		Conditions: []Condition{{Field: "policy_category", Op: OpEq, Values: []string{CategoryBlock}},
			{Field: "policy_type", Op: OpEq, Values: []string{TypeSourceIP}}},
		Logics: []string{"AND"}}
	for {
		ps, total, err := s.store.SearchPolicies(ctx, q)
		if err != nil {
			return n, err
		}
		for _, p := range ps {
			if p.State != StateActive {
				continue
			}
			var d time.Duration
			if p.Ageing {
				if d = p.AgeingAt.Sub(now); d <= 0 {
					continue
				}
				d = (d + time.Second - 1).Truncate(time.Second)
			}
			for _, t := range p.Targets() {
				if err := emit(ImportEntry{Target: t, Duration: d, Reason: p.Description}); err != nil {
					return n, err
				}
				n++
			}
		}
		q.Offset += len(ps)
		if len(ps) == 0 || q.Offset >= total {
			return n, nil
		}
	}
}

// BlocklistWriter writes entries in CrowdSec's CSV import format
// (duration,reason,scope,type,value), which ParseBlocklist reads back.
type BlocklistWriter struct {
	w      *csv.Writer
	header bool
}

// NewBlocklistWriter returns a writer to w; call Flush at the end.
func NewBlocklistWriter(w io.Writer) *BlocklistWriter {
	return &BlocklistWriter{w: csv.NewWriter(w)}
}

// Write writes one entry (the header first).
func (b *BlocklistWriter) Write(e ImportEntry) error {
	if err := b.begin(); err != nil {
		return err
	}
	d, scope := "", "Ip"
	if e.Duration > 0 {
		d = e.Duration.String()
	}
	if strings.Contains(e.Target, "/") {
		scope = "Range"
	}
	return b.w.Write([]string{d, e.Reason, scope, "ban", e.Target})
}

// begin writes the header once.
func (b *BlocklistWriter) begin() error {
	if b.header {
		return nil
	}
	b.header = true
	return b.w.Write([]string{"duration", "reason", "scope", "type", "value"})
}

// Flush writes the header if nothing was written, and flushes.
func (b *BlocklistWriter) Flush() error {
	if err := b.begin(); err != nil {
		return err
	}
	b.w.Flush()
	return b.w.Error()
}
