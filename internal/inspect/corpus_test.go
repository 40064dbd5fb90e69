package inspect_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/inspect/inspecttest"
)

// corpusItem is one line of testdata/attacks.txt or testdata/benign.txt.
type corpusItem struct {
	attack  string // empty in the benign corpus
	where   string
	payload string
}

func loadCorpus(tb testing.TB, name string, withAttack bool) []corpusItem {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var items []corpusItem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, "\t", 3)
		var it corpusItem
		if withAttack && len(fields) == 3 {
			it = corpusItem{attack: fields[0], where: fields[1], payload: fields[2]}
		} else if !withAttack && len(fields) == 2 {
			it = corpusItem{where: fields[0], payload: fields[1]}
		} else {
			tb.Fatalf("%s:%d: malformed line %q", name, n, line)
		}
		if rest, ok := strings.CutPrefix(it.payload, "q:"); ok {
			if it.payload, err = strconv.Unquote(rest); err != nil {
				tb.Fatalf("%s:%d: %v", name, n, err)
			}
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return items
}

const browserUA = inspecttest.BrowserUA

// requestFor builds the request view that carries a corpus item. Attack
// payloads in json and form are values and get wrapped in a body; benign
// json and form items are whole bodies.
func requestFor(it corpusItem) *inspect.Request {
	r := &inspect.Request{Method: "GET", Path: "/search", Headers: []inspect.Pair{{Name: "User-Agent", Value: browserUA}}}
	switch it.where {
	case "path":
		r.Path = it.payload
	case "param":
		r.Params = []inspect.Pair{{Name: "q", Value: it.payload}}
	case "cookie":
		r.Cookies = []inspect.Pair{{Name: "sid", Value: it.payload}}
	case "ua":
		r.Headers = []inspect.Pair{{Name: "User-Agent", Value: it.payload}}
	case "header":
		name, value, _ := strings.Cut(it.payload, ": ")
		r.Headers = append(r.Headers, inspect.Pair{Name: name, Value: value})
	case "json":
		r.Method, r.BodyType, r.Body = "POST", "application/json", []byte(it.payload)
		if it.attack != "" {
			r.Body = []byte(`{"q":"` + it.payload + `"}`)
		}
	case "form":
		r.Method, r.BodyType, r.Body = "POST", "application/x-www-form-urlencoded", []byte(it.payload)
		if it.attack != "" {
			r.Body = []byte("q=" + it.payload)
		}
	case "xml":
		r.Method, r.BodyType, r.Body = "POST", "application/xml", []byte(it.payload)
	default:
		panic("unknown location " + it.where)
	}
	return r
}

func mustCompile(tb testing.TB, cfg inspect.Config) *inspect.Inspector {
	tb.Helper()
	in, err := inspect.Compile(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return in
}

func levelConfig(level int) inspect.Config {
	return inspect.Config{Enabled: true, Common: true, Webshell: true, Level: level}
}

// TestCorpusRates prints the detection rate on the attack corpus and the
// false-alarm rate on the benign corpus at each level, and holds level 2 to
// the bar: at least 90% detected, at most 0.5% of benign requests flagged.
// Level 1 must flag no more than level 2, and level 3 detect no less.
func TestCorpusRates(t *testing.T) {
	attacks := loadCorpus(t, "attacks.txt", true)
	benign := loadCorpus(t, "benign.txt", false)
	detected := map[int]float64{}
	falseAlarms := map[int]float64{}
	for level := 1; level <= 3; level++ {
		in := mustCompile(t, levelConfig(level))
		hits, fps := 0, 0
		for _, it := range attacks {
			if in.Inspect(requestFor(it)).Detected() {
				hits++
			} else if testing.Verbose() {
				t.Logf("level %d missed %s %s %q", level, it.attack, it.where, it.payload)
			}
		}
		for _, it := range benign {
			if v := in.Inspect(requestFor(it)); v.Detected() {
				fps++
				t.Logf("level %d false alarm %s %s on %s %q", level, v.Attack, v.RuleID, it.where, it.payload)
			}
		}
		detected[level] = 100 * float64(hits) / float64(len(attacks))
		falseAlarms[level] = 100 * float64(fps) / float64(len(benign))
		t.Logf("level %d: detected %d/%d attacks (%.1f%%), flagged %d/%d benign requests (%.2f%%)",
			level, hits, len(attacks), detected[level], fps, len(benign), falseAlarms[level])
	}
	if detected[2] < 90 {
		t.Errorf("level 2 detects %.1f%% of the attack corpus, want at least 90%%", detected[2])
	}
	if falseAlarms[2] > 0.5 {
		t.Errorf("level 2 flags %.2f%% of the benign corpus, want at most 0.5%%", falseAlarms[2])
	}
	if falseAlarms[1] > falseAlarms[2] || detected[3] < detected[2] {
		t.Errorf("levels are not ordered: false alarms %v, detection %v", falseAlarms, detected)
	}
}
