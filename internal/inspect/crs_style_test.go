package inspect_test

import "testing"

// TestCRSStyleAttacks holds level 1 to attacks shaped like the Core Rule
// Set's SQL injection and XSS regression cases: query fragments without a
// full injection context (a function call, a schema name, a statement
// after a quote), which tokenizing alone does not flag.
func TestCRSStyleAttacks(t *testing.T) {
	in := mustCompile(t, levelConfig(1))
	for _, it := range loadCorpus(t, "attacks_level1_crs_style.txt", true) {
		v := in.Inspect(requestFor(it))
		if !v.Detected() {
			t.Errorf("level 1 misses %s %s %q", it.Attack, it.Where, it.Payload)
			continue
		}
		if v.Attack != it.Attack {
			t.Errorf("level 1 flags %s %q as %s (rule %s)", it.Where, it.Payload, v.Attack, v.RuleID)
		}
	}
}
