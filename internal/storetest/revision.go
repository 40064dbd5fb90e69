package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/workspace"
)

// RevisionBackend is a store whose writes bump per-project revisions. The
// suite writes through the Workspace store, whose every committed write
// bumps the project's Workspace revision.
type RevisionBackend interface {
	workspace.Store
	rampart.RevisionStore
	rampart.RevisionLister
}

// RunRevisions checks the change counters: a committed write bumps its
// project's counter, other projects keep theirs, and Revisions lists every
// counter with the value Revision reports.
func RunRevisions(t *testing.T, newStore func(t *testing.T) RevisionBackend) {
	ctx := context.Background()
	t.Run("CountersPerProject", func(t *testing.T) {
		s := newStore(t)
		all, err := s.Revisions(ctx)
		must(t, err)
		if len(all) != 0 {
			t.Fatalf("fresh store lists revisions %+v", all)
		}
		a, b := newID(t), newID(t)
		for i := range 3 {
			p := &workspace.AccessPolicy{ID: newID(t), ProjectID: a, Name: workspace.NamePrivateAccess,
				BlacklistType: workspace.BlacklistInternet, AccessControlType: workspace.ControlAccessType,
				CreatedAt: time.Unix(1_700_000_000+int64(i), 0)}
			must(t, s.CreateAccessPolicy(ctx, p))
			must(t, s.DeleteAccessPolicies(ctx, a, []string{p.ID}))
		}
		rev, err := s.Revision(ctx, a, rampart.FamilyWorkspace)
		must(t, err)
		if rev != 6 {
			t.Fatalf("revision after 6 writes = %d, want 6", rev)
		}
		for _, f := range []rampart.Family{rampart.FamilySecMaster, rampart.FamilyWAF} {
			if r, err := s.Revision(ctx, a, f); err != nil || r != 0 {
				t.Fatalf("%s revision = %d, %v; want 0", f, r, err)
			}
		}
		if r, err := s.Revision(ctx, b, rampart.FamilyWorkspace); err != nil || r != 0 {
			t.Fatalf("other project's revision = %d, %v; want 0", r, err)
		}
		all, err = s.Revisions(ctx)
		must(t, err)
		if len(all) != 1 || all[0] != (rampart.Revision{ProjectID: a, Family: rampart.FamilyWorkspace, Revision: 6}) {
			t.Fatalf("Revisions = %+v, want the one workspace counter of project a at 6", all)
		}
	})
}
