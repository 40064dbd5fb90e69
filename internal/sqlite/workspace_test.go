package sqlite_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/storetest"
	"github.com/rampartsec/rampart/internal/workspace"
)

func TestWorkspaceConformance(t *testing.T) {
	storetest.RunWorkspace(t, func(t *testing.T) workspace.Store { return MustOpen(t) })
}

func TestRevisionsConformance(t *testing.T) {
	storetest.RunRevisions(t, func(t *testing.T) storetest.RevisionBackend { return MustOpen(t) })
}
