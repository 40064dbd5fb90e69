package decision_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/decision"
)

func TestPrintableName(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{
		{"alice", true}, {"grp-ops_1", true}, {"用户", true}, {"", true},
		{"a b", false}, {" a", false}, {"a\tb", false}, {"a\x7fb", false}, {"a\x00", false}, {"a\xffb", false}, {"a\uFFFDb", false},
	} {
		if got := decision.PrintableName(c.name); got != c.ok {
			t.Errorf("PrintableName(%q) = %v, want %v", c.name, got, c.ok)
		}
	}
}
