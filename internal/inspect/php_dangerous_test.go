package inspect_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestPHPDangerousCallAtLevel1: level 1 flags the PHP calls that run code
// or commands, touch files or decode payloads (130028), and leaves the
// other PHP function names (printf, filemtime, gethostbyname) and text in
// parentheses to the levels above.
func TestPHPDangerousCallAtLevel1(t *testing.T) {
	in := mustCompile(t, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 1})
	for _, s := range []string{
		"system(whoami)", "exec  (blah)", "exec/*comment*/()", "FILE\r\n()", "Shell_exec=(bla)",
		"assert_OptionS (\n\n)", "get_defined_functions()[0]", "curl_iNit()",
		"phpinfo(foo)", "unserialize(foo)", "fopen  (blah)", "printf(foo); system(id)",
	} {
		if v := in.Inspect(param(s)); v.RuleID != "130028" || v.Attack != inspect.AttackVuln {
			t.Errorf("%q at level 1: rule %q %q, want 130028 vuln", s, v.RuleID, v.Attack)
		}
	}
	for _, s := range []string{
		"printf(foo)", "filemtime($foo)", "gethostbynamE(", "sodium_add_to_recipe(foo)", "strrev( )",
		"The solar system (which has 8 planets)", "file(s) attached", "file(2).jpg", "System (optional)",
		"an eval (evaluation) form", "my profile (2024)",
	} {
		if v := in.Inspect(param(s)); v.Detected() {
			t.Errorf("%q at level 1: rule %s %q, want nothing", s, v.RuleID, v.Excerpt)
		}
	}
	level2 := mustCompile(t, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 2})
	if v := level2.Inspect(param("printf(foo)")); v.RuleID != "130022" {
		t.Errorf("printf(foo) at level 2: rule %q, want 130022", v.RuleID)
	}
}
