package inspect

import "testing"

// TestMatchBareIsMatchAll: for values of no byte class, looking only at
// the rules without a class prefilter gives the verdict all the rules
// give, at every level and target.
func TestMatchBareIsMatchAll(t *testing.T) {
	values := []string{"running shoes", "42", "union select password from users", "sqlmap 1 2", "information schema",
		"exec xp cmdshell", "waitfor delay 0 0 5", "if exist c windows echo x", "nikto scan", "hello world", "union all select 1 2 3",
		"mozilla 5 0 sqlmap", "time ifconfig", "visudo", "python urllib 3 11", "varchar", "1 or 1 1", "x xor y"}
	for level := 1; level <= 3; level++ {
		in, err := Compile(Config{Enabled: true, Common: true, Webshell: true, Level: level, CheckAllHeaders: true})
		if err != nil {
			t.Fatal(err)
		}
		for bit := 0; bit < numTargets; bit++ {
			for _, v := range values {
				if classesOf(v) != 0 {
					t.Fatalf("%q has a class", v)
				}
				if got, want := in.matchBare(v, bit, "x"), in.matchAll(v, 0, bit, "x"); got != want {
					t.Errorf("level %d target %d %q: bare %+v, all %+v", level, bit, v, got, want)
				}
			}
		}
	}
}
