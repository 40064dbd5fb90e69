package bench_test

import (
	"net/url"
	"strings"
	"testing"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/inspect/inspecttest"
)

// rawRequest is one request as it reaches the data plane.
type rawRequest struct {
	method, path, query, contentType, body string
	headers                                [][2]string
}

func cleanGET() rawRequest {
	return rawRequest{method: "GET", path: "/api/v1/products/search", query: "q=running+shoes&size=42&sort=price",
		headers: [][2]string{
			{"Host", "shop.example.com"},
			{"User-Agent", inspecttest.BrowserUA},
			{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
			{"Accept-Language", "en-US,en;q=0.9"},
			{"Cookie", "session=4a8f2c9e1b7d3a6f0e5c2b9a8d7f6e1c"},
		}}
}

func cleanFormPOST() rawRequest {
	r := cleanGET()
	r.method, r.path, r.query = "POST", "/contact", ""
	r.contentType, r.body = "application/x-www-form-urlencoded", inspecttest.CleanFormBody()
	r.headers = append(r.headers, [2]string{"Content-Type", r.contentType})
	return r
}

// view builds the detector's request view the way the data plane will.
func (r rawRequest) view() *inspect.Request {
	v := &inspect.Request{Method: r.method, Path: r.path, RawQuery: r.query, BodyType: r.contentType, Body: []byte(r.body)}
	q, _ := url.ParseQuery(r.query)
	for name, values := range q {
		for _, value := range values {
			v.Params = append(v.Params, inspect.Pair{Name: name, Value: value})
		}
	}
	for _, h := range r.headers {
		if h[0] == "Cookie" {
			for _, c := range strings.Split(h[1], ";") {
				name, value, _ := strings.Cut(strings.TrimSpace(c), "=")
				v.Cookies = append(v.Cookies, inspect.Pair{Name: name, Value: value})
			}
			continue
		}
		v.Headers = append(v.Headers, inspect.Pair{Name: h[0], Value: h[1]})
	}
	return v
}

func newCoraza(tb testing.TB, paranoia string) coraza.WAF {
	tb.Helper()
	waf, err := coraza.NewWAF(coraza.NewWAFConfig().
		WithRootFS(coreruleset.FS).
		WithDirectives("Include @coraza.conf-recommended").
		WithDirectives("SecRuleEngine On").
		WithDirectives("Include @crs-setup.conf.example").
		WithDirectives(`SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=` + paranoia + `"`).
		WithDirectives("Include @owasp_crs/*.conf"))
	if err != nil {
		tb.Fatal(err)
	}
	return waf
}

// corazaBlocks runs one request through Coraza and reports whether it
// was interrupted.
func corazaBlocks(waf coraza.WAF, r rawRequest) *types.Interruption {
	tx := waf.NewTransaction()
	defer tx.Close()
	tx.ProcessConnection("203.0.113.7", 40000, "10.0.0.1", 443)
	uri := r.path
	if r.query != "" {
		uri += "?" + r.query
	}
	tx.ProcessURI(uri, r.method, "HTTP/1.1")
	for _, h := range r.headers {
		tx.AddRequestHeader(h[0], h[1])
	}
	if it := tx.ProcessRequestHeaders(); it != nil {
		return it
	}
	if r.body != "" {
		if it, _, err := tx.WriteRequestBody([]byte(r.body)); it != nil || err != nil {
			return it
		}
	}
	it, _ := tx.ProcessRequestBody()
	tx.ProcessLogging()
	return it
}

func benchmarkBoth(b *testing.B, r rawRequest) {
	b.Run("rampart-level2", func(b *testing.B) {
		in, err := inspect.Compile(inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 2})
		if err != nil {
			b.Fatal(err)
		}
		if v := in.Inspect(r.view()); v.Detected() {
			b.Fatalf("clean request flagged: %+v", v)
		}
		b.ReportAllocs()
		for b.Loop() {
			in.Inspect(r.view())
		}
	})
	b.Run("coraza-crs-pl2", func(b *testing.B) {
		waf := newCoraza(b, "2")
		if it := corazaBlocks(waf, r); it != nil {
			b.Logf("coraza interrupts the clean request: rule %d", it.RuleID)
		}
		b.ReportAllocs()
		for b.Loop() {
			corazaBlocks(waf, r)
		}
	})
}

// The Rampart side includes building the request view (query and cookie
// parsing), which the data plane will do.
func BenchmarkCleanGET(b *testing.B)      { benchmarkBoth(b, cleanGET()) }
func BenchmarkCleanFormPOST(b *testing.B) { benchmarkBoth(b, cleanFormPOST()) }
