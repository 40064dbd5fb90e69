package sqlite_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/storetest"
	"github.com/rampartsec/rampart/internal/workspace"
)

func TestWorkspaceConformance(t *testing.T) {
	storetest.RunWorkspace(t, func(t *testing.T) workspace.Store { return MustOpen(t) })
}
