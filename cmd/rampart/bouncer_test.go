package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// adminRunner runs `rampart admin` on dir and returns its output.
func adminRunner(t *testing.T, dir string) func(args ...string) (string, error) {
	return func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"admin", "--data-dir", dir}, args...), env(nil), &out, &out)
		return out.String(), err
	}
}

// lastLine returns the last line of out.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestAdminBouncerCommands(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startServe(t, dir, nil)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	admin := adminRunner(t, dir)
	out, err := admin("bouncer", "add", "edge-fw", "--project", "local", "--layer", "cfw")
	if err != nil {
		t.Fatalf("bouncer add: %v %s", err, out)
	}
	key := lastLine(out)
	if len(key) != 64 || strings.ContainsAny(key, " \t") || !strings.Contains(out, "layer") {
		t.Fatalf("the key is not alone on the last line: %q", out)
	}
	for _, bad := range [][]string{
		{"bouncer", "add", "edge-fw", "--project", "local", "--layer", "cfw"},    // name taken
		{"bouncer", "add", "other", "--project", "local", "--layer", "iam"},      // not a bouncer layer
		{"bouncer", "add", "other", "--project", "nosuch", "--layer", "waf"},     // no such project
		{"bouncer", "add", "other", "--layer", "waf"},                            // no project
		{"bouncer", "add", "with space", "--project", "local", "--layer", "waf"}, // bad name
	} {
		if out, err := admin(bad...); err == nil {
			t.Errorf("%v accepted: %s", bad, out)
		}
	}
	out, err = admin("bouncer", "list")
	if err != nil || !strings.Contains(out, "edge-fw") || !strings.Contains(out, "cfw") || !strings.Contains(out, "never") ||
		strings.Contains(out, key) || strings.Contains(out, "other") {
		t.Fatalf("bouncer list: %v %s", err, out)
	}
	if out, err := admin("bouncer", "delete", "edge-fw"); err != nil {
		t.Fatalf("bouncer delete: %v %s", err, out)
	}
	if out, err := admin("bouncer", "delete", "edge-fw"); err == nil {
		t.Fatalf("deleting twice succeeded: %s", out)
	}
	if out, _ := admin("bouncer", "list"); strings.Contains(out, "edge-fw") {
		t.Fatalf("deleted key still listed: %s", out)
	}
}

// bouncerServe is a running `rampart serve` with a bouncer key for its
// project's CFW layer, and a way to add SecMaster policies through the API.
type bouncerServe struct {
	url, dir, pid, ws, key string
	call                   func(method, path, body string) (int, map[string]any)
}

// extra are more flags of rampart serve.
func startBouncerServe(t *testing.T, extra ...string) *bouncerServe {
	t.Helper()
	dir := t.TempDir()
	url, _, stop := startServe(t, dir, map[string]string{"RAMPART_ACCOUNT": "acme", "RAMPART_ADMIN_PASSWORD": "first-password"}, extra...)
	t.Cleanup(func() { _ = stop() })
	pid, call := apiClient(t, url, dir, "acme", "first-password")
	s := &bouncerServe{url: url, dir: dir, pid: pid, call: call}
	st, out := call("GET", "/v1/"+pid+"/workspaces", "")
	if st != 200 {
		t.Fatalf("workspaces: %d %v", st, out)
	}
	s.ws = out["workspaces"].([]any)[0].(map[string]any)["id"].(string)
	res, err := adminRunner(t, dir)("--account", "acme", "bouncer", "add", "edge", "--project", pid, "--layer", "cfw")
	if err != nil {
		t.Fatalf("bouncer add: %v %s", err, res)
	}
	s.key = lastLine(res)
	return s
}

// block adds a CFW BLOCK policy for object through the SecMaster API
// (expires zero: no ageing) and returns its ID.
func (s *bouncerServe) block(t *testing.T, object string, expires time.Time) string {
	t.Helper()
	age := `{"is_block_ageing":false,"block_ageing":null}`
	if !expires.IsZero() {
		age = fmt.Sprintf(`{"is_block_ageing":true,"block_ageing":"%d"}`, expires.UnixMilli())
	}
	body := `{"data_object":{"region_id":"local","block_target":"` + object + `","policy_category":"BLOCK","description":"","labels":"",
		"block_age":` + age + `,"policy_type":{"policy_type":"Source Ip"},"defense_policy_list":[{"defense_connection_id":"c-cfw",
		"defense_connection_name":"CFW","defense_type":"CFW","target_enterprise_id":"0","target_enterprise_name":"default",
		"target_project_id":"` + s.pid + `","target_project_name":"local","defense_connection_region_id":"local",
		"defense_connection_region_name":"local"}]}}`
	st, out := s.call("POST", "/v1/"+s.pid+"/workspaces/"+s.ws+"/soc/policys?action_type=create", body)
	if st != 200 {
		t.Fatalf("create policy: %d %v", st, out)
	}
	st, out = s.call("POST", "/v1/"+s.pid+"/workspaces/"+s.ws+"/soc/policys/search", `{}`)
	if st != 200 {
		t.Fatalf("search policies: %d %v", st, out)
	}
	data, _ := out["data"].([]any)
	for _, p := range data {
		if do := p.(map[string]any)["data_object"].(map[string]any); do["block_target"] == object {
			return do["id"].(string)
		}
	}
	t.Fatalf("policy %s not found: %v", object, out)
	return ""
}

func (s *bouncerServe) unblock(t *testing.T, id string) {
	t.Helper()
	if st, out := s.call("POST", "/v1/"+s.pid+"/workspaces/"+s.ws+"/soc/policys/batch-delete", `{"batch_ids":["`+id+`"]}`); st != 200 {
		t.Fatalf("delete policy: %d %v", st, out)
	}
}

// waitLine waits up to limit for a line of the file at path that starts
// with prefix, and returns when it appeared.
func waitLine(t *testing.T, path, prefix string, limit time.Duration, logs fmt.Stringer) time.Time {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		raw, _ := os.ReadFile(path)
		for _, l := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(l, prefix) {
				return time.Now()
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line %q in %s within %v:\n%s\nbouncer output:\n%s", prefix, path, limit, raw, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The real crowdsec-custom-bouncer pulls from Rampart: a block added
// through the SecMaster API reaches its script within the pull interval
// plus 1 s; the block's expiry and its deletion reach it as deletes.
func TestCrowdSecCustomBouncer(t *testing.T) {
	const bin = "/usr/bin/crowdsec-custom-bouncer"
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("skip: %s is not installed (Debian package crowdsec-custom-bouncer; scripts/install-test-packages.sh installs it)", bin)
	}
	s := startBouncerServe(t)
	work := t.TempDir()
	calls := filepath.Join(work, "calls.txt")
	script := filepath.Join(work, "record.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >> "+calls+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	const interval = time.Second
	cfg := filepath.Join(work, "custom-bouncer.yaml")
	if err := os.WriteFile(cfg, []byte(`bin_path: `+script+`
feed_via_stdin: false
total_retries: 0
scenarios_containing: []
scenarios_not_containing: []
origins: []
piddir: `+work+`
update_frequency: 1s
cache_retention_duration: 1s
daemonize: false
log_mode: stdout
log_level: info
api_url: `+s.url+`/
api_key: `+s.key+`
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 0
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := startBouncer(t, bin, cfg)
	time.Sleep(interval + 500*time.Millisecond) // its startup pull

	limit := interval + time.Second
	start := time.Now()
	permanent := s.block(t, "203.0.113.9", time.Time{})
	got := waitLine(t, calls, "add 203.0.113.9 ", limit, out)
	t.Logf("block reached the bouncer's script %v after the API call (limit %v)", got.Sub(start).Round(time.Millisecond), limit)

	expires := time.Now().Add(3 * time.Second)
	s.block(t, "198.51.100.23", expires)
	waitLine(t, calls, "add 198.51.100.23 ", limit, out)
	time.Sleep(time.Until(expires))
	got = waitLine(t, calls, "del 198.51.100.23 ", limit, out)
	t.Logf("expiry reached the script %v after the expiry", got.Sub(expires).Round(time.Millisecond))

	start = time.Now()
	s.unblock(t, permanent)
	got = waitLine(t, calls, "del 203.0.113.9 ", limit, out)
	t.Logf("deletion reached the script %v after the API call", got.Sub(start).Round(time.Millisecond))
}

// nftSet lists the elements of an nftables set, "" when it cannot.
func nftSet(table, set string) string {
	out, err := exec.Command("nft", "list", "set", "ip", table, set).CombinedOutput()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitSet waits up to limit until the set's listing contains (or, with
// gone, no longer contains) value.
func waitSet(t *testing.T, table, set, value string, gone bool, limit time.Duration, logs fmt.Stringer) time.Time {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		l := nftSet(table, set)
		if l != "" && strings.Contains(l, value) != gone {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("set %s %s: %q present=%v not reached within %v:\n%s\nbouncer output:\n%s", table, set, value, !gone, limit, l, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The real crowdsec-firewall-bouncer in nftables mode pulls from Rampart
// into its own table (a name of this test; IPv4 only; dropped at exit): a
// block added through the SecMaster API is in its set within the pull
// interval plus 1 s, and its deletion takes it out.
func TestCrowdSecFirewallBouncerNftables(t *testing.T) {
	const bin = "/usr/bin/crowdsec-firewall-bouncer"
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("skip: %s is not installed (Debian package crowdsec-firewall-bouncer; scripts/install-test-packages.sh installs it)", bin)
	}
	if _, err := exec.LookPath("nft"); err != nil {
		t.Skip("skip: nft is not installed (Debian package nftables)")
	}
	probe := fmt.Sprintf("rampart_probe_%d", os.Getpid())
	if out, err := exec.Command("nft", "add", "table", "ip", probe).CombinedOutput(); err != nil {
		t.Skipf("skip: this sandbox does not let nft change rules (%v: %s); the nftables export is checked with nft -c instead", err, out)
	}
	_ = exec.Command("nft", "delete", "table", "ip", probe).Run()

	s := startBouncerServe(t)
	work := t.TempDir()
	table := fmt.Sprintf("rampart_fwb_%d", os.Getpid())
	const set = "rampart-blacklist"
	t.Cleanup(func() { _ = exec.Command("nft", "delete", "table", "ip", table).Run() })
	cfg := filepath.Join(work, "firewall-bouncer.yaml")
	if err := os.WriteFile(cfg, []byte(`mode: nftables
pid_dir: `+work+`
update_frequency: 1s
daemonize: false
log_mode: stdout
log_level: info
api_url: `+s.url+`/
api_key: `+s.key+`
insecure_skip_verify: false
disable_ipv6: true
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: `+set+`
blacklists_ipv6: `+set+`6
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: `+table+`
    chain: rampart-chain
  ipv6:
    enabled: false
    set-only: false
    table: `+table+`6
    chain: rampart-chain6
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 0
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := startBouncer(t, bin, cfg)
	limit := 2 * time.Second
	waitSet(t, table, set, "203.0.113.9", true, 10*time.Second, out) // the table exists: startup done

	start := time.Now()
	id := s.block(t, "203.0.113.9", time.Time{})
	got := waitSet(t, table, set, "203.0.113.9", false, limit, out)
	t.Logf("block in the nftables set %v after the API call (limit %v)", got.Sub(start).Round(time.Millisecond), limit)
	start = time.Now()
	s.unblock(t, id)
	got = waitSet(t, table, set, "203.0.113.9", true, limit, out)
	t.Logf("deletion out of the set %v after the API call", got.Sub(start).Round(time.Millisecond))
	// A range (the stream sends ip and range unless scopes says otherwise).
	// Bouncers whose set has no interval flag (0.0.25, Debian 12) store
	// only its first address: docs/compatibility.md says so.
	s.block(t, "198.51.100.0/24", time.Time{})
	waitSet(t, table, set, "198.51.100.0", false, limit, out)
	if l := nftSet(table, set); !strings.Contains(l, "interval") {
		t.Logf("this bouncer's set has no interval flag: the range is stored as its first address:\n%s", l)
	} else if !strings.Contains(l, "198.51.100.0/24") {
		t.Fatalf("the range is not in the interval set:\n%s", l)
	}
}

// startBouncer runs a bouncer binary with the configuration file cfg until
// the test ends (a skip when it cannot start here) and returns its output.
func startBouncer(t *testing.T, bin, cfg string) *bytes.Buffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := new(bytes.Buffer)
	cmd := exec.CommandContext(ctx, bin, "-c", cfg)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Skipf("skip: %s does not start here: %v", bin, err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	return out
}
