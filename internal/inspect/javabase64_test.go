package inspect_test

import (
	"encoding/base64"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
)

// TestJavaBase64Keyword: level 3 flags a Java gadget or command class
// name encoded in base64 at any byte offset (130029), in parameters,
// cookies and raw bodies; levels 1 and 2 do not run the rule, and base64
// tokens without those names pass.
func TestJavaBase64Keyword(t *testing.T) {
	level3 := mustCompile(t, levelConfig(3))
	level2 := mustCompile(t, levelConfig(2))
	var values []string
	for _, prefix := range []string{"", "x", "xy"} {
		for _, word := range []string{"runtime", "java.lang.Runtime.getRuntime().exec(cmd)", "new ProcessBuilder(args)", "org.apache.commons.collections.functors.InvokerTransformer"} {
			values = append(values, base64.StdEncoding.EncodeToString([]byte(prefix+word)))
		}
	}
	values = append(values, "cnVudGltZQ", "HJ1bnRpbWU", "BydW50aW1l")
	for _, s := range values {
		if v := level3.Inspect(param(s)); v.RuleID != "130029" || v.Attack != inspect.AttackVuln {
			t.Errorf("%q at level 3: rule %q %q, want 130029 vuln", s, v.RuleID, v.Attack)
		}
		if v := level2.Inspect(param(s)); v.RuleID == "130029" {
			t.Errorf("%q at level 2: rule 130029 runs", s)
		}
	}
	if v := level3.Inspect(&inspect.Request{Method: "GET", Path: "/", Cookies: []inspect.Pair{{Name: "BydW50aW1l", Value: "test"}}}); v.RuleID != "130029" {
		t.Errorf("cookie name: rule %q, want 130029", v.RuleID)
	}
	if v := level3.Inspect(body("text/plain", "test=HJ1bnRpbWU")); v.RuleID != "130029" {
		t.Errorf("text body: rule %q, want 130029", v.RuleID)
	}
	for _, s := range []string{
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"dGhlIHF1aWNrIGJyb3duIGZveA==", "CNVUDGLTZQ", "cnvudgltzq",
	} {
		if v := level3.Inspect(param(s)); v.Detected() {
			t.Errorf("%q at level 3: rule %s, want nothing", s, v.RuleID)
		}
	}
}
