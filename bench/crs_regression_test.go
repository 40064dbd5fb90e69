package bench_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	crstests "github.com/corazawaf/coraza-coreruleset/v4/tests"
	"github.com/goccy/go-yaml"
	"github.com/rampartsec/rampart/internal/inspect"
)

// crsFile is one go-ftw regression file of the Core Rule Set: the tests of
// one rule.
type crsFile struct {
	RuleID int `yaml:"rule_id"`
	Tests  []struct {
		TestID int `yaml:"test_id"`
		Stages []struct {
			Input struct {
				Method         string            `yaml:"method"`
				URI            string            `yaml:"uri"`
				Headers        map[string]string `yaml:"headers"`
				Data           string            `yaml:"data"`
				EncodedRequest string            `yaml:"encoded_request"`
			} `yaml:"input"`
			Output struct {
				Log struct {
					ExpectIDs   []int `yaml:"expect_ids"`
					NoExpectIDs []int `yaml:"no_expect_ids"`
				} `yaml:"log"`
			} `yaml:"output"`
		} `yaml:"stages"`
	} `yaml:"tests"`
}

// crsCase is one stage of a regression test: a request the rule must
// (positive) or must not (negative) match.
type crsCase struct {
	family   string // the rule file's number: 930, 942, ...
	name     string // rule_id/test_id
	paranoia int    // the paranoia level of the rule under test
	positive bool
	req      rawRequest
}

// crsFamilies are the families measured: the attack families (the bar of
// basic web protection), then protocol and scanner detection.
var crsFamilies = []struct{ prefix, name string }{
	{"930", "930 LFI"}, {"931", "931 RFI"}, {"932", "932 RCE"}, {"933", "933 PHP"},
	{"934", "934 generic"}, {"941", "941 XSS"}, {"942", "942 SQLi"}, {"944", "944 Java"},
	{"920", "920 protocol"}, {"921", "921 protocol attack"}, {"913", "913 scanners"},
}

// attackFamilies are the families whose sum is the overall figure.
var attackFamilies = map[string]bool{"930": true, "931": true, "932": true, "933": true, "934": true, "941": true, "942": true, "944": true}

var (
	ruleIDPattern   = regexp.MustCompile(`\bid:(\d{6})`)
	paranoiaPattern = regexp.MustCompile(`paranoia-level/(\d)`)
)

// crsParanoia reads the paranoia level of every rule from the rule files
// of the Core Rule Set (its tag paranoia-level/N).
func crsParanoia(tb testing.TB) map[int]int {
	tb.Helper()
	levels := map[int]int{}
	files, err := fs.Glob(coreruleset.FS, "@owasp_crs/REQUEST-9*.conf")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no rule files in the Core Rule Set module: %v", err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(coreruleset.FS, name)
		if err != nil {
			tb.Fatal(err)
		}
		for _, block := range regexp.MustCompile(`(?m)^Sec(?:Rule|Action)\b`).Split(string(b), -1) {
			id := ruleIDPattern.FindStringSubmatch(block)
			pl := paranoiaPattern.FindStringSubmatch(block)
			if id == nil || pl == nil {
				continue
			}
			n, _ := strconv.Atoi(id[1])
			levels[n], _ = strconv.Atoi(pl[1])
		}
	}
	return levels
}

// loadCRSCases parses the regression tests of the measured families.
// skipped counts the stages that could not be turned into a request.
func loadCRSCases(tb testing.TB) (cases []crsCase, skipped int) {
	tb.Helper()
	levels := crsParanoia(tb)
	dirs, err := fs.ReadDir(crstests.FS, ".")
	if err != nil {
		tb.Fatal(err)
	}
	for _, dir := range dirs {
		family, ok := strings.CutPrefix(dir.Name(), "REQUEST-")
		if !ok || !dir.IsDir() {
			continue
		}
		family = family[:3]
		if !measuredFamily(family) {
			continue
		}
		files, err := fs.Glob(crstests.FS, dir.Name()+"/*.yaml")
		if err != nil {
			tb.Fatal(err)
		}
		for _, name := range files {
			b, err := fs.ReadFile(crstests.FS, name)
			if err != nil {
				tb.Fatal(err)
			}
			var f crsFile
			if err := yaml.Unmarshal(b, &f); err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			pl, ok := levels[f.RuleID]
			if !ok {
				pl = 1
			}
			for _, test := range f.Tests {
				for _, stage := range test.Stages {
					positive := slicesContain(stage.Output.Log.ExpectIDs, f.RuleID)
					if !positive && !slicesContain(stage.Output.Log.NoExpectIDs, f.RuleID) {
						continue
					}
					in := stage.Input
					req, err := crsRequest(in.Method, in.URI, in.Headers, in.Data, in.EncodedRequest)
					if err != nil {
						skipped++
						continue
					}
					cases = append(cases, crsCase{family: family, name: fmt.Sprintf("%d/%d", f.RuleID, test.TestID),
						paranoia: pl, positive: positive, req: req})
				}
			}
		}
	}
	return cases, skipped
}

func measuredFamily(prefix string) bool {
	for _, f := range crsFamilies {
		if f.prefix == prefix {
			return true
		}
	}
	return false
}

func slicesContain(ids []int, id int) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// crsRequest builds the raw request of a test stage. A body without a
// Content-Type is sent as a URL-encoded form, as the tests expect its
// fields to be parsed as arguments. An encoded_request is a whole request
// in base64, parsed as HTTP/1.1.
func crsRequest(method, uri string, headers map[string]string, data, encoded string) (rawRequest, error) {
	if encoded != "" {
		raw, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			return rawRequest{}, err
		}
		hr, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return rawRequest{}, err
		}
		body, _ := io.ReadAll(hr.Body)
		hs := map[string]string{}
		for name, values := range hr.Header {
			hs[name] = strings.Join(values, ", ")
		}
		if hr.Host != "" {
			hs["Host"] = hr.Host
		}
		method, uri, headers, data = hr.Method, hr.RequestURI, hs, string(body)
	}
	if method == "" {
		method = "GET"
	}
	if uri == "" {
		uri = "/"
	}
	if scheme, rest, ok := strings.Cut(uri, "://"); ok && !strings.Contains(scheme, "/") {
		// An absolute URI: keep its path and query.
		uri = "/"
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			uri = rest[i:]
		}
	}
	r := rawRequest{method: method}
	r.path, r.query, _ = strings.Cut(uri, "?")
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		r.headers = append(r.headers, [2]string{name, headers[name]})
		if strings.EqualFold(name, "Content-Type") {
			r.contentType = headers[name]
		}
	}
	r.body = data
	if data != "" && r.contentType == "" {
		r.contentType = "application/x-www-form-urlencoded"
		r.headers = append(r.headers, [2]string{"Content-Type", r.contentType})
	}
	return r, nil
}

// crsView is the detector's view of a regression request. The query is
// left for the detector to split and decode (Params nil), since many
// tests carry malformed escapes that a strict parser would drop.
func crsView(r rawRequest) *inspect.Request {
	v := r.view()
	v.Params, v.RawQuery = nil, r.query
	return v
}

// crsTally counts, for one family, the positive cases up to each paranoia
// level that an engine caught and the negative cases it flagged.
type crsTally struct {
	caught, cases [4]int // index: paranoia level 1..3 (cumulative)
	flagged, negs int
}

func (t *crsTally) pct(level int) string {
	if t.cases[level] == 0 {
		return "     -      "
	}
	return fmt.Sprintf("%4d/%-4d %3.0f%%", t.caught[level], t.cases[level], 100*float64(t.caught[level])/float64(t.cases[level]))
}

// TestCRSRegression runs the Core Rule Set's own regression requests
// through Rampart at levels 1 to 3 and through Coraza with the CRS at
// blocking paranoia levels 1 and 2, and prints per family: the share of
// the paranoia-level-1 cases caught at level 1, of the level 1–2 cases at
// level 2, of the level 1–3 cases at level 3, and the negative cases
// (no_expect_ids) flagged. A case counts as caught when the engine flags
// (Rampart) or interrupts (Coraza) the request at all, whatever rule did.
// Rampart runs with check_all_headers on, as the CRS always inspects the
// request headers (User-Agent, Referer, cookies and others).
// It reports only; it fails when the tests cannot be read.
//
// RAMPART_CRS_MISSES=942 (a family prefix) lists Rampart's misses at each
// level for that family. RAMPART_CRS_ONLY=1 leaves Coraza out, for a
// quicker run of Rampart alone.
func TestCRSRegression(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the Core Rule Set")
	}
	cases, skipped := loadCRSCases(t)
	if len(cases) == 0 {
		t.Fatal("no regression case parsed")
	}
	perFamily := map[string]int{}
	for _, c := range cases {
		perFamily[c.family]++
	}
	for _, f := range crsFamilies {
		if f.prefix != "913" && perFamily[f.prefix] == 0 {
			t.Fatalf("no regression case parsed for family %s", f.name)
		}
	}
	t.Logf("%d regression cases parsed, %d stages skipped (unreadable encoded_request)", len(cases), skipped)
	misses := os.Getenv("RAMPART_CRS_MISSES")

	type engine struct {
		name    string
		level   int // the highest paranoia level of the cases it is measured on
		flagged func(crsCase) bool
	}
	var engines []engine
	for level := 1; level <= 3; level++ {
		in, err := inspect.Compile(inspect.Config{Enabled: true, Common: true, Webshell: true, Level: level, CheckAllHeaders: true})
		if err != nil {
			t.Fatal(err)
		}
		engines = append(engines, engine{fmt.Sprintf("rampart level %d", level), level, func(c crsCase) bool {
			v := in.Inspect(crsView(c.req))
			if misses != "" && c.family == misses && c.positive && !v.Detected() && c.paranoia <= level {
				t.Logf("level %d misses %s (PL%d): %s %s?%s body %q headers %q", level, c.name, c.paranoia, c.req.method, c.req.path, c.req.query, c.req.body, c.req.headers)
			}
			if misses != "" && c.family == misses && !c.positive && v.Detected() {
				t.Logf("level %d flags negative %s: rule %s %q", level, c.name, v.RuleID, v.Excerpt)
			}
			return v.Detected()
		}})
	}
	for pl := 1; pl <= 2 && os.Getenv("RAMPART_CRS_ONLY") == ""; pl++ {
		waf := newCoraza(t, strconv.Itoa(pl))
		engines = append(engines, engine{fmt.Sprintf("coraza+crs pl%d", pl), pl, func(c crsCase) bool { return corazaBlocks(waf, c.req) != nil }})
	}

	for _, e := range engines {
		tallies := map[string]*crsTally{}
		overall := &crsTally{}
		for _, f := range crsFamilies {
			tallies[f.prefix] = &crsTally{}
		}
		for _, c := range cases {
			if c.paranoia > e.level && c.positive {
				continue
			}
			hit := e.flagged(c)
			for _, tl := range []*crsTally{tallies[c.family], overall} {
				if tl == overall && !attackFamilies[c.family] {
					continue
				}
				if !c.positive {
					tl.negs++
					if hit {
						tl.flagged++
					}
					continue
				}
				tl.cases[e.level]++
				if hit {
					tl.caught[e.level]++
				}
			}
		}
		t.Logf("%s, on the cases of paranoia levels 1–%d:", e.name, e.level)
		for _, f := range crsFamilies {
			tl := tallies[f.prefix]
			t.Logf("  %-20s caught %s  negatives flagged %d/%d", f.name, tl.pct(e.level), tl.flagged, tl.negs)
		}
		t.Logf("  %-20s caught %s  negatives flagged %d/%d", "attack families", overall.pct(e.level), overall.flagged, overall.negs)
	}
}
