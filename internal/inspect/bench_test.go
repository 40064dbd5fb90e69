package inspect_test

import (
	"testing"
	"time"

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
	cpu := startCPU()
	for b.Loop() {
		in.Inspect(r)
	}
	cpu.report(b)
}

// cpuMeter measures the CPU time a benchmark loop used, reported as
// cpu-ns/op beside the wall-clock ns/op: on a machine shared with other
// work the wall clock counts the time the loop waited for a core, the CPU
// time does not.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := processCPU()
	return cpuMeter{start: t, ok: ok}
}

func (m cpuMeter) report(b *testing.B) {
	if t, ok := processCPU(); ok && m.ok && b.N > 0 {
		b.ReportMetric(float64(t-m.start)/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkInspectCleanGET(b *testing.B)      { benchmarkInspect(b, cleanGET()) }
func BenchmarkInspectCleanFormPOST(b *testing.B) { benchmarkInspect(b, cleanFormPOST()) }
func BenchmarkInspectCleanProfileFormPOST(b *testing.B) {
	benchmarkInspect(b, body("application/x-www-form-urlencoded", inspecttest.CleanProfileFormBody()))
}

// BenchmarkInspectBrowsingForms is the mean cost of the form bodies of
// the generated browsing traffic (logins, contact and comment forms,
// checkouts), one form per operation: forms whose values differ from one
// another, unlike the repeated field of the 1 KB profile form.
func BenchmarkInspectBrowsingForms(b *testing.B) {
	var forms []*inspect.Request
	for _, it := range inspecttest.BrowsingTraffic() {
		if it.Where == "form" {
			forms = append(forms, body("application/x-www-form-urlencoded", it.Payload))
		}
	}
	if len(forms) == 0 {
		b.Fatal("no form in the browsing traffic")
	}
	in := mustCompile(b, levelConfig(2))
	b.ReportAllocs()
	cpu := startCPU()
	i := 0
	for b.Loop() {
		in.Inspect(forms[i])
		if i++; i == len(forms) {
			i = 0
		}
	}
	cpu.report(b)
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
