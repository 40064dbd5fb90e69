package secmaster

import (
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// The record snapshots the stores write show each entry as the action
// left it.
func TestRecordSnapshots(t *testing.T) {
	at := time.Unix(1_700_000_000, 0).UTC()
	policy := func() *Policy {
		return &Policy{State: StateActive, Defenses: []DefenseEntry{
			{ID: "a", BlockStatus: BlockPending, PendingTaskID: "t"},
			{ID: "b", BlockStatus: BlockFailed, SyncStatus: SyncFailed, PendingTaskID: "t"}}}
	}
	p := policy()
	p.Delivered("a", "", at)
	if d := p.Defenses[0]; d.BlockStatus != BlockInForce || d.SyncStatus != SyncDone || d.PendingTaskID != "" || !d.DeliveredAt.Equal(at) {
		t.Fatalf("delivered entry: %+v", d)
	}
	if p.Defenses[1].PendingTaskID != "t" {
		t.Fatal("another entry changed")
	}
	p.Delivered("b", "down", at)
	if d := p.Defenses[1]; d.BlockStatus != BlockFailed || d.FailureDescription != "down" || !d.DeliveredAt.IsZero() {
		t.Fatalf("failed entry: %+v", d)
	}
	p = policy()
	p.Expired(at)
	if p.State != StateExpired || p.Defenses[0].BlockStatus != BlockExpired || p.Defenses[1].BlockStatus != BlockFailed ||
		p.Defenses[1].PendingTaskID != "" {
		t.Fatalf("expired: %+v", p)
	}
	p = policy()
	p.Deleted(at)
	if p.State != StateDeleted || p.Defenses[0].BlockStatus != BlockLifted || p.Defenses[1].BlockStatus != BlockLifted {
		t.Fatalf("deleted: %+v", p)
	}
	if err := QuotaError(3, true); rampart.ErrorKind(err) != rampart.KindQuota {
		t.Fatalf("quota error kind: %v", err)
	}
}
