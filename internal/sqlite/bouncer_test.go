package sqlite_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/storetest"
)

func TestBouncerConformance(t *testing.T) {
	storetest.RunBouncer(t, func(t *testing.T) bouncer.Store { return MustOpen(t) })
}
