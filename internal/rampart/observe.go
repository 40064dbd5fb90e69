package rampart

import "time"

// StoreObserver is told how long a store's work takes and when a project's
// revision of a family is committed, for metrics. Every storage backend
// accepts one.
type StoreObserver interface {
	// ObserveStoreLatency records one operation: StoreOpReadTx,
	// StoreOpWriteTx, StoreOpGroupWrite or StoreOpQuery.
	ObserveStoreLatency(op string, took time.Duration)
	// RevisionCommitted records that revision of the project's family was
	// committed at the time given.
	RevisionCommitted(projectID string, family Family, revision int64, at time.Time)
}

// Operation kinds of StoreObserver.ObserveStoreLatency.
const (
	// StoreOpReadTx is a read-only transaction, from its start to its end.
	StoreOpReadTx = "read_tx"
	// StoreOpWriteTx is a write transaction of its own, from the wait for
	// the writer (or the start) to the commit.
	StoreOpWriteTx = "write_tx"
	// StoreOpGroupWrite is one write committed with others (group commit),
	// as its caller waits: from its queueing to the commit that carries it.
	StoreOpGroupWrite = "group_write"
	// StoreOpQuery is a read outside a transaction, from its start to its
	// first row (the rows are read after).
	StoreOpQuery = "query"
)

// NopStoreObserver observes nothing.
type NopStoreObserver struct{}

// ObserveStoreLatency implements StoreObserver.
func (NopStoreObserver) ObserveStoreLatency(string, time.Duration) {}

// RevisionCommitted implements StoreObserver.
func (NopStoreObserver) RevisionCommitted(string, Family, int64, time.Time) {}
