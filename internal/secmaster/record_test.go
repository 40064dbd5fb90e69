package secmaster

import (
	"errors"
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

// A quota is checked only for the counts a change made grow, and 0 means
// no maximum.
func TestQuotaCheck(t *testing.T) {
	q := Quota{MaxPolicies: 3, MaxAgeing: 1}
	cases := []struct {
		added, addedAgeing, total, totalAgeing int
		want                                   string // the error's field, "" for none
	}{
		{1, 0, 3, 0, ""},
		{1, 0, 4, 0, "data_object"},
		{1, 1, 2, 2, "data_object.block_age"},
		{0, 0, 9, 9, ""},   // a change that grows nothing passes, whatever the totals
		{-1, -1, 4, 2, ""}, // removals pass
	}
	for _, c := range cases {
		err := q.Check(c.added, c.addedAgeing, c.total, c.totalAgeing)
		var re *rampart.Error
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v, want none", c, err)
		case c.want != "" && (!errors.As(err, &re) || re.Kind != rampart.KindQuota || re.Field != c.want):
			t.Errorf("%+v: %v, want a quota error on %s", c, err, c.want)
		}
	}
	if err := (Quota{}).Check(5, 5, 1000, 1000); err != nil {
		t.Errorf("no maximum: %v", err)
	}
}
