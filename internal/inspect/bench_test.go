package inspect_test

import (
	"testing"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/inspect/inspecttest"
)

// cleanGET is a browser GET with a query string and a cookie.
func cleanGET() *inspect.Request {
	return &inspect.Request{
		Method: "GET", Path: "/api/v1/products/search", RawQuery: "q=running+shoes&size=42&sort=price",
		Params:  []inspect.Pair{{Name: "q", Value: "running shoes"}, {Name: "size", Value: "42"}, {Name: "sort", Value: "price"}},
		Cookies: []inspect.Pair{{Name: "session", Value: "4a8f2c9e1b7d3a6f0e5c2b9a8d7f6e1c"}},
		Headers: []inspect.Pair{
			{Name: "User-Agent", Value: browserUA},
			{Name: "Accept", Value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
			{Name: "Accept-Language", Value: "en-US,en;q=0.9"},
		},
	}
}

// cleanFormPOST is a 1 KB form body of ordinary text fields.
func cleanFormPOST() *inspect.Request {
	r := cleanGET()
	r.Method, r.Path, r.Params = "POST", "/contact", nil
	r.RawQuery = ""
	r.BodyType, r.Body = "application/x-www-form-urlencoded", []byte(inspecttest.CleanFormBody())
	return r
}

func benchmarkInspect(b *testing.B, r *inspect.Request) {
	in := mustCompile(b, levelConfig(2))
	if v := in.Inspect(r); v.Detected() {
		b.Fatalf("clean request flagged: %+v", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		in.Inspect(r)
	}
}

func BenchmarkInspectCleanGET(b *testing.B)      { benchmarkInspect(b, cleanGET()) }
func BenchmarkInspectCleanFormPOST(b *testing.B) { benchmarkInspect(b, cleanFormPOST()) }
func BenchmarkInspectCleanProfileFormPOST(b *testing.B) {
	benchmarkInspect(b, body("application/x-www-form-urlencoded", inspecttest.CleanProfileFormBody()))
}

// BenchmarkInspectAttackParam is the cost of a request that is flagged.
func BenchmarkInspectAttackParam(b *testing.B) {
	in := mustCompile(b, levelConfig(2))
	r := param("1' AND (SELECT 1 FROM (SELECT SLEEP(5))a)--")
	b.ReportAllocs()
	for b.Loop() {
		in.Inspect(r)
	}
}

// BenchmarkCompile reports, as B/op, the memory one distinct configuration
// costs: the rule catalogue and its compiled expressions are shared.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		mustCompile(b, inspect.Config{Enabled: true, Common: true, Webshell: true, Level: 3, CheckAllHeaders: true, DeepDecode: true})
	}
}
