package inspect_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestParentheticalTextIsClean: a word followed by a parenthetical remark
// is text, not a SQL call, at every level: libinjection reads "Date(s)"
// and "The Day (2021)" as function calls.
func TestParentheticalTextIsClean(t *testing.T) {
	for level := 1; level <= 3; level++ {
		in := mustCompile(t, levelConfig(level))
		for _, q := range []string{"Date(s) of travel", "The Day (2021)", "length (cm)", "Select date (optional)", "Year(s) of experience", "md5(checksum) mismatch", "what is null hypothesis testing"} {
			r := &inspect.Request{Method: "GET", Path: "/search", Params: []inspect.Pair{{Name: "q", Value: q}}}
			if v := in.Inspect(r); v.Detected() {
				t.Errorf("level %d flags %q: rule %s", level, q, v.RuleID)
			}
		}
	}
}
