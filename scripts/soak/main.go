// Command soak runs `rampart serve` under a steady mixed load of API writes
// and reads and reports whether its resident memory and open file
// descriptors stay flat once warmed up.
//
// It starts the server itself (a fresh data directory, fixed bootstrap
// credentials) so that it can read the process's memory and descriptors
// from /proc, then, at a fixed rate, issues tokens, creates and deletes WAF
// policies and black/white IP rules, SecMaster emergency policies (delivered
// to the CFW layer) and Workspace access policies, asks the decision API and
// lists collections, signed by token and by AK/SK. The stored data stays
// about the same size: every create is matched by a delete. It samples the
// server every -sample and, at the end, compares the samples taken after
// -warmup with the first of them.
//
//	go build -o /tmp/rampart ./cmd/rampart
//	go run ./scripts/soak -bin /tmp/rampart -duration 30m -warmup 5m -rate 80
//
// With -pprof ADDR the server serves net/http/pprof there (serve's
// --pprof-listen), and the soak writes heap profiles at the end of the
// warm-up and of the run (heap-warm.pprof, heap-end.pprof in -out) for
// `go tool pprof -base heap-warm.pprof heap-end.pprof`.
//
// The exit status is 1 when resident memory after warm-up leaves
// ±tolerance of its first post-warm-up sample, when open descriptors grow by
// more than -fd-slack, or when more than 1% of the requests failed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
)

const (
	projectID = "50a4c0a1e6d94b1e8f3c2d7a9b6e5f40"
	password  = "Soak-password-7f3a"
	accessKey = "SOAKACCESSKEY0000001"
	secretKey = "soak-secret-key-0123456789abcdefghijklmn"
)

func main() {
	bin := flag.String("bin", "", "rampart binary to run (required)")
	duration := flag.Duration("duration", 30*time.Minute, "length of the run")
	warmup := flag.Duration("warmup", 5*time.Minute, "samples before this are not judged")
	sample := flag.Duration("sample", 10*time.Second, "sampling interval")
	rate := flag.Float64("rate", 80, "requests per second")
	tolerance := flag.Float64("tolerance", 0.10, "allowed relative change of resident memory after warm-up")
	fdSlack := flag.Int("fd-slack", 8, "allowed growth of open file descriptors after warm-up")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address and write heap profiles")
	out := flag.String("out", ".", "directory for heap profiles")
	serverArgs := flag.String("server-args", "", "more arguments for rampart serve, space-separated (e.g. \"--sqlite-cache-mib 4\")")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "soak: -bin is required")
		os.Exit(2)
	}
	ok, err := run(config{bin: *bin, duration: *duration, warmup: *warmup, sample: *sample, rate: *rate,
		tolerance: *tolerance, fdSlack: *fdSlack, pprof: *pprofAddr, out: *out, serverArgs: strings.Fields(*serverArgs)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

type config struct {
	bin                      string
	duration, warmup, sample time.Duration
	rate, tolerance          float64
	fdSlack                  int
	pprof, out               string
	serverArgs               []string
}

func run(cfg config) (bool, error) {
	dir, err := os.MkdirTemp("", "rampart-soak-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	port, err := freePort()
	if err != nil {
		return false, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	args := []string{"serve", "--listen", "127.0.0.1:" + strconv.Itoa(port), "--data-dir", filepath.Join(dir, "data"),
		"--rate-limit", "0", "--metrics-listen", ""}
	args = append(args, cfg.serverArgs...)
	if cfg.pprof != "" {
		args = append(args, "--pprof-listen", cfg.pprof)
	}
	cmd := exec.Command(cfg.bin, args...)
	cmd.Env = append(os.Environ(), "RAMPART_ADMIN_PASSWORD="+password, "RAMPART_PROJECT_ID="+projectID,
		"RAMPART_ACCESS_KEY="+accessKey, "RAMPART_SECRET_KEY="+secretKey)
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return false, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return false, err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	if err := waitReady(base); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		return false, fmt.Errorf("%w\n%s", err, log)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()

	l := &load{base: base, client: &http.Client{Timeout: 30 * time.Second}}
	if err := l.setup(); err != nil {
		return false, err
	}
	fmt.Printf("soak: %s for %s at %.0f requests/s (warm-up %s), server pid %d\n", base, cfg.duration, cfg.rate, cfg.warmup, cmd.Process.Pid)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); l.drive(ctx, cfg.rate) }()

	start := time.Now()
	var samples []procSample
	tick := time.NewTicker(cfg.sample)
	defer tick.Stop()
	warmProfiled := false
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tick.C:
		}
		s, err := readProc(cmd.Process.Pid)
		if err != nil {
			return false, err
		}
		s.at = time.Since(start)
		samples = append(samples, s)
		fmt.Printf("%8s rss %7.1f MiB  fds %4d  requests %7d  failed %5d\n", s.at.Round(time.Second), float64(s.rssKiB)/1024, s.fds, l.sent.Load(), l.failed.Load())
		if cfg.pprof != "" && !warmProfiled && s.at >= cfg.warmup {
			warmProfiled = true
			if err := writeHeap(cfg.pprof, filepath.Join(cfg.out, "heap-warm.pprof")); err != nil {
				fmt.Println("soak: heap profile:", err)
			}
		}
	}
	wg.Wait()
	if cfg.pprof != "" {
		if err := writeHeap(cfg.pprof, filepath.Join(cfg.out, "heap-end.pprof")); err != nil {
			fmt.Println("soak: heap profile:", err)
		}
	}
	return judge(cfg, samples, l.sent.Load(), l.failed.Load(), l.firstErr()), nil
}

// judge prints the verdict over the samples taken after the warm-up.
func judge(cfg config, samples []procSample, sent, failed int64, firstErr string) bool {
	var after []procSample
	for _, s := range samples {
		if s.at >= cfg.warmup {
			after = append(after, s)
		}
	}
	if len(after) < 2 {
		fmt.Println("soak: FAIL: fewer than two samples after the warm-up")
		return false
	}
	ref := after[0]
	lo, hi := ref.rssKiB, ref.rssKiB
	maxFD := ref.fds
	for _, s := range after {
		lo, hi = min(lo, s.rssKiB), max(hi, s.rssKiB)
		maxFD = max(maxFD, s.fds)
	}
	last := after[len(after)-1]
	loRel, hiRel := float64(lo)/float64(ref.rssKiB)-1, float64(hi)/float64(ref.rssKiB)-1
	fmt.Printf("soak: after warm-up: rss %.1f MiB at first, %.1f MiB at last, range %+.1f%% .. %+.1f%%; fds %d at first, %d at most, %d at last\n",
		float64(ref.rssKiB)/1024, float64(last.rssKiB)/1024, 100*loRel, 100*hiRel, ref.fds, maxFD, last.fds)
	fmt.Printf("soak: %d requests, %d failed\n", sent, failed)
	if firstErr != "" {
		fmt.Println("soak: first failure:", firstErr)
	}
	ok := true
	if loRel < -cfg.tolerance || hiRel > cfg.tolerance {
		fmt.Printf("soak: FAIL: resident memory left ±%.0f%%\n", 100*cfg.tolerance)
		ok = false
	}
	// Open client connections come and go with the load, so the last
	// sample is compared, not the peak.
	if last.fds > ref.fds+cfg.fdSlack {
		fmt.Printf("soak: FAIL: open descriptors grew from %d to %d\n", ref.fds, last.fds)
		ok = false
	}
	if sent == 0 || float64(failed) > 0.01*float64(sent) {
		fmt.Printf("soak: FAIL: %d of %d requests failed\n", failed, sent)
		ok = false
	}
	if ok {
		fmt.Println("soak: PASS")
	}
	return ok
}

type procSample struct {
	at     time.Duration
	rssKiB int64
	fds    int
}

func readProc(pid int) (procSample, error) {
	var s procSample
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			s.rssKiB, _ = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, err
	}
	s.fds = len(fds)
	return s, nil
}

func writeHeap(addr, path string) error {
	res, err := http.Get("http://" + addr + "/debug/pprof/heap?gc=1")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET heap: %s", res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	fmt.Println("soak: wrote", path)
	return f.Close()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not become ready in 30 s")
}

// load is the mixed request load.
type load struct {
	base   string
	client *http.Client

	sent, failed atomic.Int64
	errMu        sync.Mutex
	err          string

	mu        sync.Mutex
	token     string
	workspace string
	policy    string   // a WAF policy holding the rotating black/white IP rules
	policies  []string // rotating WAF policies
	rules     []string // rotating black/white IP rules
	access    string   // the project's Workspace access policy
	trimMu    sync.Mutex
}

func (l *load) firstErr() string {
	l.errMu.Lock()
	defer l.errMu.Unlock()
	return l.err
}

func (l *load) setup() error {
	if err := l.issueToken(); err != nil {
		return err
	}
	var ws struct {
		Workspaces []struct {
			ID string `json:"id"`
		} `json:"workspaces"`
	}
	if err := l.call("GET", "/v1/"+projectID+"/workspaces", "", true, &ws); err != nil {
		return err
	}
	if len(ws.Workspaces) == 0 {
		return errors.New("no SecMaster workspace")
	}
	l.workspace = ws.Workspaces[0].ID
	var p struct {
		ID string `json:"id"`
	}
	if err := l.call("POST", "/v1/"+projectID+"/waf/policy", `{"name":"soak-rules"}`, true, &p); err != nil {
		return err
	}
	l.policy = p.ID
	body := `{"policy":{"policy_name":"PRIVATE_ACCESS","blacklist_type":"INTERNET"},"policy_object_list":[{"object_id":"u0","object_type":"USER","object_name":"user 0"}]}`
	if err := l.call("POST", "/v2/"+projectID+"/access-policy", body, false, nil); err != nil {
		return err
	}
	var list struct {
		Policies []struct {
			PolicyID string `json:"policy_id"`
		} `json:"policies"`
	}
	if err := l.call("GET", "/v2/"+projectID+"/access-policy", "", true, &list); err != nil {
		return err
	}
	if len(list.Policies) != 1 {
		return fmt.Errorf("access policies: %d, want 1", len(list.Policies))
	}
	l.access = list.Policies[0].PolicyID
	return nil
}

// drive sends requests at rate until ctx is done, each in its own
// goroutine so that a slow answer does not lower the rate.
func (l *load) drive(ctx context.Context, rate float64) {
	interval := time.Duration(float64(time.Second) / rate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := l.step(i)
			l.sent.Add(1)
			if err != nil {
				l.failed.Add(1)
				l.errMu.Lock()
				if l.err == "" {
					l.err = err.Error()
				}
				l.errMu.Unlock()
			}
		}(i)
	}
}

// step runs the i-th request of the mix.
func (l *load) step(i int) error {
	p := "/v1/" + projectID
	switch i % 12 {
	case 0:
		if i%120 == 0 {
			return l.issueToken()
		}
		return l.call("GET", "/v3/projects", "", false, nil)
	case 1:
		var out struct {
			ID string `json:"id"`
		}
		if err := l.call("POST", p+"/waf/policy", fmt.Sprintf(`{"name":"soak-%d"}`, i), true, &out); err != nil {
			return err
		}
		if old := l.rotate(&l.policies, out.ID, 20); old != "" {
			return l.call("DELETE", p+"/waf/policy/"+old, "", false, nil)
		}
		return nil
	case 2, 3:
		var out struct {
			ID string `json:"id"`
		}
		body := fmt.Sprintf(`{"name":"soak-%d","addr":"%s","white":%d,"description":"soak"}`, i, randomAddr(), i%2)
		if err := l.call("POST", p+"/waf/policy/"+l.policy+"/whiteblackip", body, false, &out); err != nil {
			return err
		}
		if old := l.rotate(&l.rules, out.ID, 200); old != "" {
			return l.call("DELETE", p+"/waf/policy/"+l.policy+"/whiteblackip/"+old, "", true, nil)
		}
		return nil
	case 4:
		return l.secmasterCreate()
	case 5:
		return l.secmasterTrim()
	case 6:
		// A project has one access policy: its objects are replaced.
		body := fmt.Sprintf(`{"policy_objects_list":[{"object_id":"u%d","object_type":"USER","object_name":"user %d"},{"object_id":"g%d","object_type":"USERGROUP","object_name":"group"}]}`, i, i, i%7)
		return l.call("PUT", "/v2/"+projectID+"/access-policy/"+l.access+"/objects", body, false, nil)
	case 7, 8:
		return l.call("GET", p+"/rampart/decisions?layer=cfw&ip="+randomAddr(), "", i%2 == 0, nil)
	case 9:
		return l.call("GET", p+"/waf/policy/"+l.policy+"/whiteblackip?page=1&pagesize=50", "", true, nil)
	case 10:
		return l.call("GET", p+"/waf/policy?pagesize=100", "", false, nil)
	default:
		return l.call("POST", p+"/workspaces/"+l.workspace+"/soc/policys/search", `{"limit":10,"offset":0}`, true, nil)
	}
}

func (l *load) secmasterCreate() error {
	body := fmt.Sprintf(`{"data_object":{"region_id":"local","block_target":"%s","policy_category":"BLOCK","description":"soak","labels":"",
		"block_age":{"is_block_ageing":false,"block_ageing":null},"policy_type":{"policy_type":"Source Ip"},
		"defense_policy_list":[{"defense_connection_id":"c-cfw","defense_connection_name":"CFW","defense_type":"CFW",
		"target_enterprise_id":"0","target_enterprise_name":"default","target_project_id":"%s","target_project_name":"local",
		"defense_connection_region_id":"local","defense_connection_region_name":"local"}]}}`, randomAddr(), projectID)
	return l.call("POST", "/v1/"+projectID+"/workspaces/"+l.workspace+"/soc/policys?action_type=create", body, true, nil)
}

// secmasterTrim deletes the oldest SecMaster policies once more than 50
// exist, so that their number stays about constant.
func (l *load) secmasterTrim() error {
	l.trimMu.Lock() // two trims at once would delete the same policies
	defer l.trimMu.Unlock()
	var out struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		Total int `json:"total"`
	}
	path := "/v1/" + projectID + "/workspaces/" + l.workspace + "/soc/policys"
	if err := l.call("POST", path+"/search", `{"limit":20,"offset":50}`, false, &out); err != nil {
		return err
	}
	if len(out.Data) == 0 {
		return nil
	}
	ids := make([]string, len(out.Data))
	for i, d := range out.Data {
		ids[i] = `"` + d.ID + `"`
	}
	return l.call("POST", path+"/batch-delete", `{"batch_ids":[`+strings.Join(ids, ",")+`]}`, true, nil)
}

// rotate appends id to the ring and returns the oldest entry once the ring
// holds more than n.
func (l *load) rotate(ring *[]string, id string, n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	*ring = append(*ring, id)
	if len(*ring) <= n {
		return ""
	}
	old := (*ring)[0]
	*ring = (*ring)[1:]
	return old
}

func (l *load) issueToken() error {
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"` + password +
		`","domain":{"name":"rampart"}}}},"scope":{"project":{"id":"` + projectID + `"}}}}`
	res, err := l.client.Post(l.base+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /v3/auth/tokens: %s", res.Status)
	}
	l.mu.Lock()
	l.token = res.Header.Get("X-Subject-Token")
	l.mu.Unlock()
	return nil
}

// call sends one request, by token or signed with the access key, and
// decodes a 2xx answer into out when out is not nil.
func (l *load) call(method, path, body string, byToken bool, out any) error {
	req, err := http.NewRequest(method, l.base+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	if byToken {
		l.mu.Lock()
		req.Header.Set("X-Auth-Token", l.token)
		l.mu.Unlock()
	} else {
		req.Header.Set("X-Project-Id", projectID)
		aksk.Sign(req, []byte(body), accessKey, secretKey, time.Now())
	}
	res, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s %s", method, path, res.Status, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

func randomAddr() string {
	return fmt.Sprintf("%d.%d.%d.%d", 11+rand.IntN(180), rand.IntN(256), rand.IntN(256), 1+rand.IntN(254))
}
