package secmaster_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/secmaster"
)

func parseOK(t *testing.T, format, text string, def secmaster.BlocklistDefaults) []secmaster.ImportEntry {
	t.Helper()
	es, err := secmaster.ParseBlocklist(strings.NewReader(text), format, def)
	if err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return es
}

// badLines returns the line numbers a parse refused.
func badLines(t *testing.T, format, text string) []int {
	t.Helper()
	es, err := secmaster.ParseBlocklist(strings.NewReader(text), format, secmaster.BlocklistDefaults{})
	var bad *secmaster.BlocklistError
	if !errors.As(err, &bad) {
		t.Fatalf("%s %q: not refused line by line: %v", format, text, err)
	}
	if es != nil {
		t.Fatalf("entries returned with bad lines: %v", es)
	}
	var lines []int
	for _, l := range bad.Lines {
		lines = append(lines, l.Line)
	}
	return lines
}

func TestParseBlocklistPlain(t *testing.T) {
	def := secmaster.BlocklistDefaults{Duration: time.Hour, Reason: "feed"}
	es := parseOK(t, secmaster.FormatPlain, "\ufeff# list\n203.0.113.7\n\n198.51.100.0/24 2h scanner  bots\n2001:DB8::1\t30m\n::ffff:192.0.2.1\t7d \t tabbed reason\n10.0.0.0/32\n", def)
	want := []secmaster.ImportEntry{
		{Line: 2, Target: "203.0.113.7", Duration: time.Hour, Reason: "feed"},
		{Line: 4, Target: "198.51.100.0/24", Duration: 2 * time.Hour, Reason: "scanner  bots"},
		{Line: 5, Target: "2001:db8::1", Duration: 30 * time.Minute, Reason: "feed"},
		{Line: 6, Target: "192.0.2.1", Duration: 7 * 24 * time.Hour, Reason: "tabbed reason"},
		{Line: 7, Target: "10.0.0.0", Duration: time.Hour, Reason: "feed"},
	}
	if len(es) != len(want) {
		t.Fatalf("got %+v", es)
	}
	for i := range want {
		if es[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, es[i], want[i])
		}
	}
	if es := parseOK(t, secmaster.FormatPlain, "192.0.2.1\n", secmaster.BlocklistDefaults{}); es[0].Duration != 0 || es[0].Reason != "" {
		t.Fatalf("no defaults: %+v", es[0])
	}
	if got := badLines(t, secmaster.FormatPlain, "192.0.2.1\nnot-an-ip\n10.0.0.1/8\n192.0.2.2 forever\n192.0.2.3 0s\nfe80::1%eth0\n"); !equalInts(got, []int{2, 3, 4, 5, 6}) {
		t.Fatalf("bad lines: %v", got)
	}
}

func TestParseBlocklistCSV(t *testing.T) {
	es := parseOK(t, secmaster.FormatCSV, "duration,reason,scope,type,value,origin\n24h,ssh-bf,Ip,ban,192.0.2.1,cscli\n,,range,,2001:db8::/32,\n\n4h,\"a, b\",ip,BAN,192.0.2.2,\n",
		secmaster.BlocklistDefaults{Reason: "manual"})
	if len(es) != 3 || es[0] != (secmaster.ImportEntry{Line: 2, Target: "192.0.2.1", Duration: 24 * time.Hour, Reason: "ssh-bf"}) ||
		es[1] != (secmaster.ImportEntry{Line: 3, Target: "2001:db8::/32", Reason: "manual"}) ||
		es[2] != (secmaster.ImportEntry{Line: 5, Target: "192.0.2.2", Duration: 4 * time.Hour, Reason: "a, b"}) {
		t.Fatalf("got %+v", es)
	}
	if es := parseOK(t, secmaster.FormatCSV, "value\n192.0.2.9\n", secmaster.BlocklistDefaults{}); len(es) != 1 || es[0].Line != 2 {
		t.Fatalf("value only: %+v", es)
	}
	if got := badLines(t, secmaster.FormatCSV, "value,scope,type,duration\n192.0.2.1,ip,ban,1h\n192.0.2.2,username,ban,1h\n192.0.2.3,ip,captcha,1h\n192.0.2.4,ip,ban,1x\n,ip,ban,\n"); !equalInts(got, []int{3, 4, 5, 6}) {
		t.Fatalf("bad lines: %v", got)
	}
	if got := badLines(t, secmaster.FormatCSV, "ip,duration\n192.0.2.1,1h\n"); !equalInts(got, []int{1}) {
		t.Fatalf("unknown column: %v", got)
	}
	if got := badLines(t, secmaster.FormatCSV, "duration\n1h\n"); !equalInts(got, []int{1}) {
		t.Fatalf("no value column: %v", got)
	}
}

func TestParseBlocklistJSON(t *testing.T) {
	es := parseOK(t, secmaster.FormatJSON, `[
  {"duration": "4h", "reason": "my_scenario", "scope": "ip", "type": "ban", "value": "192.0.2.1"},
  {"value": "2001:db8::/48", "scope": "Range", "origin": "lists"}
]`, secmaster.BlocklistDefaults{Reason: "manual"})
	if len(es) != 2 || es[0] != (secmaster.ImportEntry{Line: 2, Target: "192.0.2.1", Duration: 4 * time.Hour, Reason: "my_scenario"}) ||
		es[1] != (secmaster.ImportEntry{Line: 3, Target: "2001:db8::/48", Reason: "manual"}) {
		t.Fatalf("got %+v", es)
	}
	if got := badLines(t, secmaster.FormatJSON, "[\n{\"value\":\"192.0.2.1\"},\n{\"value\":\"nope\"},\n{\"value\":\"192.0.2.3\",\"duration\":\"-4h\"}\n]"); !equalInts(got, []int{3, 4}) {
		t.Fatalf("bad items: %v", got)
	}
	if got := badLines(t, secmaster.FormatJSON, "{\"value\":\"192.0.2.1\"}"); !equalInts(got, []int{1}) {
		t.Fatalf("not an array: %v", got)
	}
	if got := badLines(t, secmaster.FormatJSON, "[\n{\"value\":\"192.0.2.1\"},\n{\"value\": 7}\n]"); !equalInts(got, []int{3}) {
		t.Fatalf("a number: %v", got)
	}
}

func TestParseBlocklistStopsAtMaxBadLines(t *testing.T) {
	_, err := secmaster.ParseBlocklist(strings.NewReader(strings.Repeat("bad\n", 100)), secmaster.FormatPlain, secmaster.BlocklistDefaults{})
	var bad *secmaster.BlocklistError
	if !errors.As(err, &bad) || len(bad.Lines) != secmaster.MaxBadLines || !bad.Truncated || !strings.Contains(err.Error(), "line 20:") {
		t.Fatalf("got %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"4h": 4 * time.Hour, "30m": 30 * time.Minute, "7d": 7 * 24 * time.Hour,
		"1d12h": 36 * time.Hour, "1h30m": 90 * time.Minute, "90s": 90 * time.Second} {
		if got, err := secmaster.ParseDuration(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "0s", "-1h", "d", "1dd", "x1d", "1d-2h", "4", "forever"} {
		if got, err := secmaster.ParseDuration(in); err == nil {
			t.Errorf("%q accepted as %v", in, got)
		}
	}
}

// What the writer writes, the parser reads back.
func TestBlocklistWriterRoundTrip(t *testing.T) {
	in := []secmaster.ImportEntry{
		{Target: "192.0.2.1", Duration: 90 * time.Minute, Reason: `quoted "reason", with comma`},
		{Target: "2001:db8::/32"},
		{Target: "10.0.0.0/8", Duration: 240 * time.Hour, Reason: "x"},
	}
	var buf bytes.Buffer
	w := secmaster.NewBlocklistWriter(&buf)
	for _, e := range in {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := parseOK(t, secmaster.FormatCSV, buf.String(), secmaster.BlocklistDefaults{})
	for i := range in {
		in[i].Line = i + 2
		if out[i] != in[i] {
			t.Errorf("entry %d: %+v, want %+v", i, out[i], in[i])
		}
	}
	var empty bytes.Buffer
	w = secmaster.NewBlocklistWriter(&empty)
	if err := w.Flush(); err != nil || empty.String() != "duration,reason,scope,type,value\n" {
		t.Fatalf("empty export: %q %v", empty.String(), err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzParseBlocklist: any input either parses into valid entries or is
// refused with line numbers inside the input, in every format.
func FuzzParseBlocklist(f *testing.F) {
	f.Add("203.0.113.7 4h reason\n198.51.100.0/24\n")
	f.Add("duration,reason,scope,type,value\n4h,x,ip,ban,192.0.2.1\n")
	f.Add(`[{"value":"192.0.2.1","duration":"1d"}]`)
	f.Add("value\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		for _, format := range []string{secmaster.FormatPlain, secmaster.FormatCSV, secmaster.FormatJSON} {
			es, err := secmaster.ParseBlocklist(strings.NewReader(text), format, secmaster.BlocklistDefaults{})
			var bad *secmaster.BlocklistError
			if errors.As(err, &bad) {
				for _, l := range bad.Lines {
					if l.Line < 1 || l.Line > lines {
						t.Fatalf("%s: line %d of a %d-line input", format, l.Line, lines)
					}
				}
				continue
			}
			if err != nil {
				continue // a read error (a line too long)
			}
			for _, e := range es {
				if _, err := secmaster.ParseIPTarget(e.Target); err != nil || e.Duration < 0 || e.Line < 1 || e.Line > lines {
					t.Fatalf("%s: entry %+v", format, e)
				}
			}
		}
	})
}
