package bench_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/inspect/inspecttest"
)

// rawFor builds the raw request that carries a corpus item, the way a
// client sends it: parameters percent-encoded in the query, cookies in the
// Cookie header.
func rawFor(it inspecttest.CorpusItem) rawRequest {
	r := rawRequest{method: "GET", path: "/search", headers: [][2]string{{"Host", "shop.example.com"}, {"User-Agent", inspecttest.BrowserUA}}}
	switch it.Where {
	case "path":
		r.path = it.Payload
	case "param":
		r.query = "q=" + url.QueryEscape(it.Payload)
	case "cookie":
		r.headers = append(r.headers, [2]string{"Cookie", "sid=" + it.Payload})
	case "ua":
		r.headers[1][1] = it.Payload
	case "header":
		name, value, _ := strings.Cut(it.Payload, ": ")
		r.headers = append(r.headers, [2]string{name, value})
	default:
		r.method = "POST"
		r.contentType, r.body = it.Body()
		r.headers = append(r.headers, [2]string{"Content-Type", r.contentType})
	}
	return r
}

// TestCorpusRatesSideBySide prints, for the detector's own corpora (the
// benign one with the generated browsing traffic), the
// share of attacks each engine blocks and of benign requests it blocks:
// Rampart at levels 1 to 3 and Coraza with the CRS at blocking paranoia
// levels 1 and 2, from the same raw requests. It asserts nothing about
// Coraza; the detector's own bar is TestCorpusRates in internal/inspect.
func TestCorpusRatesSideBySide(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the Core Rule Set")
	}
	attacks, err := inspecttest.LoadCorpus("../internal/inspect/testdata/attacks.txt", true)
	if err != nil {
		t.Fatal(err)
	}
	benign, err := inspecttest.LoadCorpus("../internal/inspect/testdata/benign.txt", false)
	if err != nil {
		t.Fatal(err)
	}
	benign = append(benign, inspecttest.BrowsingTraffic()...)
	rate := func(items []inspecttest.CorpusItem, blocks func(rawRequest) bool) (int, float64) {
		n := 0
		for _, it := range items {
			if blocks(rawFor(it)) {
				n++
			}
		}
		return n, 100 * float64(n) / float64(len(items))
	}
	report := func(name string, blocks func(rawRequest) bool) {
		a, ap := rate(attacks, blocks)
		b, bp := rate(benign, blocks)
		t.Logf("%-22s attacks %3d/%d (%5.1f%%)  benign %3d/%d (%5.2f%%)", name, a, len(attacks), ap, b, len(benign), bp)
	}
	for level := 1; level <= 3; level++ {
		in, err := inspect.Compile(inspect.Config{Enabled: true, Common: true, Webshell: true, Level: level})
		if err != nil {
			t.Fatal(err)
		}
		report("rampart level "+string(rune('0'+level)), func(r rawRequest) bool { return in.Inspect(r.view()).Detected() })
	}
	for _, pl := range []string{"1", "2"} {
		waf := newCoraza(t, pl)
		report("coraza+crs pl"+pl, func(r rawRequest) bool { return corazaBlocks(waf, r) != nil })
	}
}
