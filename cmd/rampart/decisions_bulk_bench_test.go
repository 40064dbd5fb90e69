package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writeBlocklist writes n plain lines: distinct IPv4 addresses of 10/8,
// every 100th a /30 network of 172.16/16 instead.
func writeBlocklist(tb testing.TB, path string, n int) (last string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		if i%100 == 99 {
			j := i / 100
			last = fmt.Sprintf("172.16.%d.%d", j>>6, (j&63)<<2)
			fmt.Fprintf(w, "%s/30\n", last)
			continue
		}
		last = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		fmt.Fprintln(w, last)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return last
}

// BenchmarkImport1M imports a file of 1,000,000 lines into a running
// serve's data dir through `rampart admin decisions import` (in-process,
// on its own store connection, as the command runs beside a server), then
// waits until the server's decision API blocks the last line's address.
// Metrics: import-s (the command, from start to return: reading, checking
// and storing), enforced-after-s (from its return to the first block
// answer for the last line; the decision API is polled every 5 ms), and
// the CPU time of the process (the command and the server following it)
// over each: cpu-import-s, cpu-after-s.
func BenchmarkImport1M(b *testing.B) {
	const n = 1_000_000
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		url, _, stop := startServe(b, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"})
		pid, call := apiClient(b, url, dir, "acme", "first-password")
		file := filepath.Join(b.TempDir(), "list.txt")
		last := writeBlocklist(b, file, n)
		decide := func(ip string) string {
			st, out := call("GET", "/v1/"+pid+"/rampart/decisions?layer=cfw&ip="+ip, "")
			if st != 200 {
				b.Fatalf("decision: %d %v", st, out)
			}
			return out["action"].(string)
		}
		if decide(last) != "allow" {
			b.Fatal("blocked before the import")
		}
		runtime.GC()
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		var out strings.Builder
		err := run(b.Context(), []string{"admin", "--data-dir", dir, "--account", "acme", "decisions", "import", file,
			"--project", pid, "--layer", "cfw", "--duration", "24h", "--reason", "bench"}, env(nil), &out, &out)
		imported, cpu1 := time.Now(), processCPU()
		if err != nil || !strings.Contains(out.String(), fmt.Sprintf("%d entries", n)) {
			b.Fatalf("import: %v %s", err, out.String())
		}
		for decide(last) != "block" {
			if time.Since(imported) > time.Minute {
				b.Fatal("not enforced after a minute")
			}
			time.Sleep(5 * time.Millisecond)
		}
		enforced, cpu2 := time.Now(), processCPU()
		b.StopTimer()
		b.ReportMetric(imported.Sub(start).Seconds(), "import-s")
		b.ReportMetric(enforced.Sub(imported).Seconds(), "enforced-after-s")
		b.ReportMetric((cpu1 - cpu0).Seconds(), "cpu-import-s")
		b.ReportMetric((cpu2 - cpu1).Seconds(), "cpu-after-s")
		if decide("10.0.0.0") != "block" {
			b.Fatal("the first line is not enforced")
		}
		if err := stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
