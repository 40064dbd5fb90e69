package inspect_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/inspect/inspecttest"
)

type corpusItem = inspecttest.CorpusItem

func loadCorpus(tb testing.TB, name string, withAttack bool) []corpusItem {
	tb.Helper()
	items, err := inspecttest.LoadCorpus("testdata/"+name, withAttack)
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

const browserUA = inspecttest.BrowserUA

// requestFor builds the request view that carries a corpus item.
func requestFor(it corpusItem) *inspect.Request {
	r := &inspect.Request{Method: "GET", Path: "/search", Headers: []inspect.Pair{{Name: "User-Agent", Value: browserUA}}}
	switch it.Where {
	case "path":
		r.Path = it.Payload
	case "param":
		r.Params = []inspect.Pair{{Name: "q", Value: it.Payload}}
	case "cookie":
		r.Cookies = []inspect.Pair{{Name: "sid", Value: it.Payload}}
	case "ua":
		r.Headers = []inspect.Pair{{Name: "User-Agent", Value: it.Payload}}
	case "header":
		name, value, _ := strings.Cut(it.Payload, ": ")
		r.Headers = append(r.Headers, inspect.Pair{Name: name, Value: value})
	case "json", "form", "xml", "filename", "upload":
		ct, b := it.Body()
		r.Method, r.BodyType, r.Body = "POST", ct, []byte(b)
	default:
		panic("unknown location " + it.Where)
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
// false-alarm rate on the benign corpora (testdata/benign.txt and the
// generated browsing traffic of inspecttest.BrowsingTraffic) at each
// level, per attack type and for the attacks marked for that level, and
// holds the levels to the bar: level 2 detects at least 90% and flags at
// most 0.5% of benign values, level 3 at least 95% and at most 2%, level 1
// flags no more than level 2 and level 3 detects no less.
func TestCorpusRates(t *testing.T) {
	attacks := loadCorpus(t, "attacks.txt", true)
	benign := append(loadCorpus(t, "benign.txt", false), inspecttest.BrowsingTraffic()...)
	detected := map[int]float64{}
	falseAlarms := map[int]float64{}
	for level := 1; level <= 3; level++ {
		in := mustCompile(t, levelConfig(level))
		hits, fps, marked, markedHits := 0, 0, 0, 0
		perType := map[string][2]int{}
		var types []string
		for _, it := range attacks {
			c, seen := perType[it.Attack]
			if !seen {
				types = append(types, it.Attack)
			}
			c[1]++
			if it.Level <= level {
				marked++
			}
			if in.Inspect(requestFor(it)).Detected() {
				hits++
				c[0]++
				if it.Level <= level {
					markedHits++
				}
			} else if testing.Verbose() {
				t.Logf("level %d missed %s:%d %s %q", level, it.Attack, it.Level, it.Where, it.Payload)
			}
			perType[it.Attack] = c
		}
		for _, it := range benign {
			if v := in.Inspect(requestFor(it)); v.Detected() {
				fps++
				t.Logf("level %d false alarm %s %s on %s %q", level, v.Attack, v.RuleID, it.Where, it.Payload)
			}
		}
		detected[level] = 100 * float64(hits) / float64(len(attacks))
		falseAlarms[level] = 100 * float64(fps) / float64(len(benign))
		var byType strings.Builder
		for _, ty := range types {
			c := perType[ty]
			fmt.Fprintf(&byType, " %s %d/%d", ty, c[0], c[1])
		}
		t.Logf("level %d: detected %d/%d attacks (%.1f%%; %d/%d of those marked for level <= %d), flagged %d/%d benign values (%.2f%%); by type:%s",
			level, hits, len(attacks), detected[level], markedHits, marked, level, fps, len(benign), falseAlarms[level], byType.String())
	}
	if detected[2] < 90 {
		t.Errorf("level 2 detects %.1f%% of the attack corpus, want at least 90%%", detected[2])
	}
	if falseAlarms[2] > 0.5 {
		t.Errorf("level 2 flags %.2f%% of the benign corpus, want at most 0.5%%", falseAlarms[2])
	}
	if detected[3] < 95 {
		t.Errorf("level 3 detects %.1f%% of the attack corpus, want at least 95%%", detected[3])
	}
	if falseAlarms[3] > 2 {
		t.Errorf("level 3 flags %.2f%% of the benign corpus, want at most 2%%", falseAlarms[3])
	}
	if falseAlarms[1] > falseAlarms[2] || detected[3] < detected[2] {
		t.Errorf("levels are not ordered: false alarms %v, detection %v", falseAlarms, detected)
	}
}
