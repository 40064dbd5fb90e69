package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// bulkServe is a running serve with two projects of account acme: the
// bootstrapped one (p) and another (q), and an admin runner.
type bulkServe struct {
	dir, p, q   string
	url         string
	callP       func(method, path, body string) (int, map[string]any)
	admin       func(args ...string) (string, error)
	workspaceOf map[string]string
	callerOf    map[string]func(method, path, body string) (int, map[string]any)
}

// startBulkServe starts it on the store named (empty: SQLite in the data
// directory).
func startBulkServe(t *testing.T, store string) *bulkServe {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"}
	adminArgs := []string{"--account", "acme"}
	if store != "" {
		vars["RAMPART_STORE"] = store
		adminArgs = append(adminArgs, "--store", store)
	}
	url, _, stop := startServe(t, dir, vars)
	t.Cleanup(func() { _ = stop() })
	s := &bulkServe{dir: dir, url: url, workspaceOf: map[string]string{}, callerOf: map[string]func(string, string, string) (int, map[string]any){}}
	s.p, s.callP = apiClient(t, url, dir, "acme", "first-password")
	run := adminRunner(t, dir)
	s.admin = func(args ...string) (string, error) { return run(append(slices.Clone(adminArgs), args...)...) }
	out, err := s.admin("project", "create", "other")
	if err != nil {
		t.Fatalf("project create: %v %s", err, out)
	}
	s.q = regexp.MustCompile(`project_id\s+(\S+)`).FindStringSubmatch(out)[1]
	if out, err := s.admin("grant", "admin", s.q); err != nil {
		t.Fatalf("grant: %v %s", err, out)
	}
	callQ := projectClient(t, url, "acme", "first-password", s.q)
	for pid, call := range map[string]func(string, string, string) (int, map[string]any){s.p: s.callP, s.q: callQ} {
		st, out := call("GET", "/v1/"+pid+"/workspaces", "")
		if st != 200 {
			t.Fatalf("workspaces of %s: %d %v", pid, st, out)
		}
		s.workspaceOf[pid] = out["workspaces"].([]any)[0].(map[string]any)["id"].(string)
		s.callerOf[pid] = call
	}
	return s
}

// decide returns the CFW layer's action for ip in project pid.
func (s *bulkServe) decide(t *testing.T, pid, ip string) string {
	t.Helper()
	st, out := s.callerOf[pid]("GET", "/v1/"+pid+"/rampart/decisions?layer=cfw&ip="+ip, "")
	if st != 200 {
		t.Fatalf("decision %s in %s: %d %v", ip, pid, st, out)
	}
	return out["action"].(string)
}

// await waits until ip's CFW action in pid is want.
func (s *bulkServe) await(t *testing.T, pid, ip, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // asserts the effect, not the latency
	for s.decide(t, pid, ip) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s in project %s: not %s", ip, pid, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// policies returns the project's policies through the SecMaster search API
// (data_object of each).
func (s *bulkServe) policies(t *testing.T, pid string) []map[string]any {
	t.Helper()
	st, out := s.callerOf[pid]("POST", "/v1/"+pid+"/workspaces/"+s.workspaceOf[pid]+"/soc/policys/search", `{"limit":1000}`)
	if st != 200 {
		t.Fatalf("search policies: %d %v", st, out)
	}
	var ps []map[string]any
	for _, p := range out["data"].([]any) {
		ps = append(ps, p.(map[string]any)["data_object"].(map[string]any))
	}
	return ps
}

// exportValues exports pid and returns the sorted value,reason,scope rows
// (durations are remaining times, so they are checked apart).
func exportValues(t *testing.T, s *bulkServe, pid string) ([]string, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "export.csv")
	if out, err := s.admin("decisions", "export", file, "--project", pid); err != nil || !strings.Contains(out, "exported") {
		t.Fatalf("export: %v %s", err, out)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if lines[0] != "duration,reason,scope,type,value" {
		t.Fatalf("export header: %q", lines[0])
	}
	var rows []string
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		rows = append(rows, f[4]+" "+f[1]+" "+f[2]+" "+f[3]+" expires="+boolWord(f[0] != ""))
	}
	slices.Sort(rows)
	return rows, file
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// An import into a running serve is enforced, listed and deletable through
// the API, invisible to another project, and its export imports back.
func TestDecisionsImportIntoRunningServe(t *testing.T) {
	decisionsImportIntoRunningServe(t, "")
}

// decisionsImportIntoRunningServe runs the import test on the store named
// (empty: SQLite in the data directory).
func decisionsImportIntoRunningServe(t *testing.T, store string) {
	s := startBulkServe(t, store)
	file := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(file, []byte("# a blocklist\n203.0.113.7\n\n198.51.100.0/24 2h scanner\n2001:db8::1 30m\n2001:db8:1::/48 7d botnet c2\n203.0.113.7 1h repeated\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{"203.0.113.7", "198.51.100.9", "2001:db8::1", "2001:db8:1::5"} {
		if got := s.decide(t, s.p, ip); got != "allow" {
			t.Fatalf("%s before the import: %s", ip, got)
		}
	}
	out, err := s.admin("decisions", "import", file, "--project", s.p, "--layer", "cfw,waf", "--reason", "feed", "--dry-run")
	if err != nil || !strings.Contains(out, "would import") || !strings.Contains(out, "4 entries") {
		t.Fatalf("dry run: %v %s", err, out)
	}
	if ps := s.policies(t, s.p); len(ps) != 0 {
		t.Fatalf("the dry run stored %d policies", len(ps))
	}
	out, err = s.admin("decisions", "import", file, "--project", "local", "--layer", "cfw,waf", "--reason", "feed")
	if err != nil || !strings.Contains(out, "imported") || !strings.Contains(out, "4 entries") || !regexp.MustCompile(`duplicates skipped\s+1`).MatchString(out) {
		t.Fatalf("import: %v %s", err, out)
	}
	for _, ip := range []string{"203.0.113.7", "198.51.100.9", "2001:db8::1", "2001:db8:1::5"} {
		s.await(t, s.p, ip, "block")
		if got := s.decide(t, s.q, ip); got != "allow" {
			t.Fatalf("%s imported into %s decides %s in %s", ip, s.p, got, s.q)
		}
	}
	if got := s.decide(t, s.p, "203.0.113.8"); got != "allow" {
		t.Fatalf("an address not imported: %s", got)
	}
	// A CrowdSec bouncer of the project's CFW layer gets the imported bans.
	out, err = s.admin("bouncer", "add", "edge", "--project", s.p, "--layer", "cfw")
	if err != nil {
		t.Fatalf("bouncer add: %v %s", err, out)
	}
	req, _ := http.NewRequest("GET", s.url+"/v1/decisions?range=198.51.100.0/24", nil)
	req.Header.Set("X-Api-Key", lastLine(out))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"value":"198.51.100.0/24"`) || !strings.Contains(string(body), `"type":"ban"`) {
		t.Fatalf("bouncer decisions: %d %s", res.StatusCode, body)
	}
	ps := s.policies(t, s.p)
	if len(ps) != 4 {
		t.Fatalf("policies: %d %v", len(ps), ps)
	}
	if qs := s.policies(t, s.q); len(qs) != 0 {
		t.Fatalf("project %s sees %d policies imported into %s", s.q, len(qs), s.p)
	}
	var first string
	for _, p := range ps {
		if !strings.HasPrefix(p["labels"].(string), "import:") {
			t.Errorf("policy without the import label: %v", p)
		}
		if p["block_target"] == "203.0.113.7" {
			first = p["id"].(string)
			if p["description"] != "feed" {
				t.Errorf("whole-file reason not applied: %v", p)
			}
		}
		if p["block_target"] == "2001:db8:1::/48" && p["description"] != "botnet c2" {
			t.Errorf("per-line reason not applied: %v", p)
		}
	}
	if first == "" {
		t.Fatalf("no policy for 203.0.113.7: %v", ps)
	}
	if st, out := s.callP("POST", "/v1/"+s.p+"/workspaces/"+s.workspaceOf[s.p]+"/soc/policys/batch-delete", `{"batch_ids":["`+first+`"]}`); st != 200 {
		t.Fatalf("delete: %d %v", st, out)
	}
	s.await(t, s.p, "203.0.113.7", "allow")

	rows, exported := exportValues(t, s, s.p)
	want := []string{"198.51.100.0/24 scanner Range ban expires=yes", "2001:db8:1::/48 botnet c2 Range ban expires=yes", "2001:db8::1 feed Ip ban expires=yes"}
	if !slices.Equal(rows, want) {
		t.Fatalf("export:\n%q\nwant\n%q", rows, want)
	}
	if out, err := s.admin("decisions", "import", exported, "--project", s.q, "--layer", "cfw"); err != nil || !strings.Contains(out, "3 entries") {
		t.Fatalf("import of the export: %v %s", err, out)
	}
	s.await(t, s.q, "198.51.100.9", "block")
	if back, _ := exportValues(t, s, s.q); !slices.Equal(back, want) {
		t.Fatalf("round trip:\n%q\nwant\n%q", back, want)
	}
}

// A file with bad lines names them and stores nothing.
func TestDecisionsImportBadLines(t *testing.T) {
	s := startBulkServe(t, "")
	file := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(file, []byte("value,duration\n203.0.113.7,1h\n300.1.1.1,1h\n203.0.113.9,soon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := s.admin("decisions", "import", file, "--project", s.p, "--layer", "cfw")
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "nothing imported") {
		t.Fatalf("bad lines: %v %s", err, out)
	}
	if ps := s.policies(t, s.p); len(ps) != 0 {
		t.Fatalf("a bad file stored %d policies", len(ps))
	}
	if got := s.decide(t, s.p, "203.0.113.7"); got != "allow" {
		t.Fatalf("a good line of a bad file is enforced: %s", got)
	}
	good := filepath.Join(t.TempDir(), "good.txt")
	if err := os.WriteFile(good, []byte("203.0.113.7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{
		{"decisions", "import", good}, // no project
		{"decisions", "import", good, "--project", s.p, "--layer", "iam"},
		{"decisions", "import", good, "--project", s.p, "--layer", "waf,waf"},
		{"decisions", "import", good, "--project", s.p, "--duration", "-1h"},
		{"decisions", "import", filepath.Join(t.TempDir(), "missing.txt"), "--project", s.p},
		{"decisions", "import", good, "--project", s.p, "--format", "yaml"},
		{"decisions", "import", good, "--project", "nosuch"},
		{"decisions", "export", "-", "--project", "nosuch"},
		{"decisions", "import", good, "--project", s.p, "--workspace", "nope"},
	} {
		if out, err := s.admin(bad...); err == nil {
			t.Errorf("%v accepted: %s", bad, out)
		}
	}
	if ps := s.policies(t, s.p); len(ps) != 0 {
		t.Fatalf("refused commands stored %d policies", len(ps))
	}
}
