package secmaster

import (
	"fmt"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// QuotaError is the error of a create or update that would take a
// workspace over its quota of policies (ageing: of policies with block
// aging). Every store returns it.
func QuotaError(max int, ageing bool) error {
	if ageing {
		return &rampart.Error{Kind: rampart.KindQuota, Field: "data_object.block_age",
			Message: fmt.Sprintf("The workspace already holds the maximum of %d emergency policies with block aging.", max)}
	}
	return &rampart.Error{Kind: rampart.KindQuota, Field: "data_object",
		Message: fmt.Sprintf("The workspace already holds the maximum of %d emergency policies.", max)}
}

// Check is the quota check of a change that added added policies, addedAgeing
// of them with block aging, leaving a workspace with total and totalAgeing:
// a QuotaError when a count that grew went past its maximum (0: none), else
// nil. A change that only removes policies always passes.
func (q Quota) Check(added, addedAgeing, total, totalAgeing int) error {
	if added > 0 && q.MaxPolicies > 0 && total > q.MaxPolicies {
		return QuotaError(q.MaxPolicies, false)
	}
	if addedAgeing > 0 && q.MaxAgeing > 0 && totalAgeing > q.MaxAgeing {
		return QuotaError(q.MaxAgeing, true)
	}
	return nil
}

// DeliveryOutcome is the block and sync status a delivery leaves an entry
// in: in force, or failed when failure is set.
func DeliveryOutcome(failure string) (block, sync string) {
	if failure != "" {
		return BlockFailed, SyncFailed
	}
	return BlockInForce, SyncDone
}

// Delivered records on p (a record's snapshot) the result of delivering
// its entry entryID at at.
func (p *Policy) Delivered(entryID, failure string, at time.Time) {
	block, sync := DeliveryOutcome(failure)
	for i := range p.Defenses {
		if d := &p.Defenses[i]; d.ID == entryID {
			d.BlockStatus, d.SyncStatus, d.FailureDescription, d.PendingTaskID, d.UpdatedAt = block, sync, failure, "", at
			if failure == "" {
				d.DeliveredAt = at
			}
		}
	}
}

// Deleted turns p into the policy a DELETE record at at shows: deleted,
// every entry lifted.
func (p *Policy) Deleted(at time.Time) {
	p.State = StateDeleted
	for i := range p.Defenses {
		d := &p.Defenses[i]
		d.BlockStatus, d.SyncStatus, d.PendingTaskID, d.UpdatedAt = BlockLifted, SyncDone, "", at
	}
}

// Expired turns p into the policy an EXPIRE record at at shows, as the
// expiry leaves it: expired, every entry that was not failed expired.
func (p *Policy) Expired(at time.Time) {
	p.State, p.UpdatedAt = StateExpired, at
	for i := range p.Defenses {
		d := &p.Defenses[i]
		if d.BlockStatus != BlockFailed {
			d.BlockStatus, d.SyncStatus = BlockExpired, SyncDone
		}
		d.PendingTaskID, d.UpdatedAt = "", at
	}
}
