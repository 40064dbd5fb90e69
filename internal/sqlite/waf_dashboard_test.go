package sqlite_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/storetest"
)

func TestWAFDashboardConformance(t *testing.T) {
	storetest.RunWAFDashboard(t, func(t *testing.T) storetest.DashboardStore { return MustOpen(t) })
}
