package rampart

import "context"

// Family names a product family whose policies the decision engine compiles.
type Family string

// Product families.
const (
	FamilySecMaster Family = "secmaster"
	FamilyWAF       Family = "waf"
	FamilyWorkspace Family = "workspace"
)

// RevisionStore exposes the per-project change counters. Every committed
// write to a family's policies increases that family's revision for the
// project, in the same transaction as the write.
type RevisionStore interface {
	// Revision returns the current revision, 0 if nothing was ever written.
	Revision(ctx context.Context, projectID string, family Family) (int64, error)
}

// Revision is one project's change counter of one family.
type Revision struct {
	ProjectID string
	Family    Family
	Revision  int64
}

// RevisionLister lists every change counter at once, so a poller reads the
// state of all projects with one query.
type RevisionLister interface {
	// Revisions returns every counter that was ever bumped.
	Revisions(ctx context.Context) ([]Revision, error)
}
