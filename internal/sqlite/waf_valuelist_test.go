package sqlite_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/storetest"
	"github.com/rampartsec/rampart/internal/waf"
)

func TestWAFValueListConformance(t *testing.T) {
	storetest.RunWAFValueList(t, func(t *testing.T) waf.Store { return MustOpen(t) })
}
