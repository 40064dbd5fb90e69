package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/httpapi"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// csEnv serves the bouncer API over the registry, on the fake clock.
type csEnv struct {
	*testEnv
	t    testing.TB
	ws   map[string]string // default workspace by project
	logs *lockedBuffer
}

func mustServeCrowdSec(t testing.TB) *csEnv {
	t.Helper()
	logs := &lockedBuffer{}
	e := &csEnv{testEnv: MustServe(t, httpapi.Config{RateLimit: 0}, withStoreClock(), withDecisionAPI(), withLog(logs)), t: t, logs: logs}
	grantTargets(t, e.IAM)
	e.ws = map[string]string{}
	return e
}

// workspace returns the project's default workspace.
func (e *csEnv) workspace(project string) string {
	e.t.Helper()
	if id := e.ws[project]; id != "" {
		return id
	}
	ctx := context.Background()
	if err := e.SecMaster.EnsureDefaultWorkspace(ctx, project); err != nil {
		e.t.Fatal(err)
	}
	wss, _, err := e.SecMaster.ListWorkspaces(ctx, secmaster.WorkspaceFilter{ProjectID: project})
	if err != nil || len(wss) == 0 {
		e.t.Fatalf("workspaces: %v %v", wss, err)
	}
	e.ws[project] = wss[0].ID
	return wss[0].ID
}

// policy creates (in the target project) and delivers an emergency policy
// for target's layer (ageing zero: none) and refreshes the engines.
func (e *csEnv) policy(category, layer, target, object string, ageing time.Time) {
	e.t.Helper()
	ctx := context.Background()
	typ := secmaster.TypeSourceIP
	on := !ageing.IsZero()
	age := &secmaster.BlockAge{IsBlockAgeing: &on}
	if on {
		age.BlockAgeing = strconv.FormatInt(ageing.UnixMilli(), 10)
	}
	in := &secmaster.PolicyInput{BlockAge: age, BlockTarget: object, Category: category, PolicyType: &typ, RegionID: "r",
		Defenses: []secmaster.DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
			DefenseType: layer, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: target, TargetProjectName: "p"}}}
	if _, err := e.SecMaster.CreatePolicy(ctx, target, e.workspace(target), in); err != nil {
		e.t.Fatal(err)
	}
	e.deliverAndRefresh()
}

func (e *csEnv) deliverAndRefresh() {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.SecMaster.DeliverPending(ctx); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.Decisions.Refresh(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *csEnv) key(name, project, layer string) string {
	e.t.Helper()
	_, secret, err := e.Bouncers.AddKey(context.Background(), name, project, layer)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// csDecision is CrowdSec's models.Decision as bouncers decode it.
type csDecision struct {
	Duration *string `json:"duration"`
	ID       int64   `json:"id"`
	Origin   *string `json:"origin"`
	Scenario *string `json:"scenario"`
	Scope    *string `json:"scope"`
	Type     *string `json:"type"`
	Until    string  `json:"until"`
	Value    *string `json:"value"`
}

type csStream struct {
	New     []csDecision `json:"new"`
	Deleted []csDecision `json:"deleted"`
}

// get calls the bouncer API with key (empty: no X-Api-Key header).
func (e *csEnv) get(key, pathQuery string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.URL+pathQuery, nil)
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	res := fetch(e.t, req)
	return res.Status, res.Raw
}

func (e *csEnv) pull(key, query string) csStream {
	e.t.Helper()
	st, raw := e.get(key, "/v1/decisions/stream?"+query)
	if st != 200 {
		e.t.Fatalf("pull %s: %d %s", query, st, raw)
	}
	var s csStream
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		e.t.Fatalf("pull %s: %v: %s", query, err, raw)
	}
	return s
}

func values(ds []csDecision) []string {
	var out []string
	for _, d := range ds {
		out = append(out, *d.Value)
	}
	return out
}

func TestCrowdSecStreamStartupAndDelta(t *testing.T) {
	e := mustServeCrowdSec(t)
	key := e.key("edge", tp1, "cfw")

	if st, raw := e.get(key, "/v1/decisions/stream?startup=true"); st != 200 || strings.TrimSpace(raw) != `{"new":null,"deleted":null}` {
		t.Fatalf("empty startup: %d %s", st, raw)
	}
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.7", time.Time{})
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "198.51.100.0/24", time.Time{})

	// Scope ip only.
	s := e.pull(key, "startup=true&scopes=ip")
	if len(s.New) != 1 || s.Deleted != nil {
		t.Fatalf("startup, default scopes: %+v", s)
	}
	d := s.New[0]
	if *d.Value != "203.0.113.7" || *d.Scope != "Ip" || *d.Type != "ban" || *d.Origin != "rampart" || *d.Duration != "87600h0m0s" ||
		d.ID <= 0 || !strings.HasPrefix(*d.Scenario, "secmaster/emergency-block:") || d.Until != "" {
		t.Fatalf("decision: %+v", d)
	}
	for _, q := range []string{"startup=true&scopes=Ip,RANGE", "startup=true"} { // ip and range: the default
		s = e.pull(key, q)
		if got := values(s.New); len(got) != 2 || !strings.Contains(strings.Join(got, " "), "198.51.100.0/24") {
			t.Fatalf("%s: %v", q, got)
		}
	}
	// HEAD checks the key and pulls nothing: the next pull still has the
	// change made before it.
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.99", time.Time{})
	req, _ := http.NewRequest("HEAD", e.URL+"/v1/decisions/stream", nil)
	req.Header.Set("X-Api-Key", key)
	if res := fetch(t, req); res.Status != 200 {
		t.Fatalf("HEAD: %d", res.Status)
	}
	if s := e.pull(key, ""); len(s.New) != 1 || *s.New[0].Value != "203.0.113.99" {
		t.Fatalf("pull after HEAD: %+v", s)
	}
	if s := e.pull(key, "startup=false&scopes=ip,range"); s.New != nil || s.Deleted != nil {
		t.Fatalf("nothing changed, yet: %+v", s)
	}

	// A ban with an expiry is sent with the time left; its expiry is a
	// delete.
	expires := e.clock.Now().Add(time.Hour)
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "192.0.2.44", expires)
	s = e.pull(key, "scopes=ip,range")
	if len(s.New) != 1 || *s.New[0].Value != "192.0.2.44" || s.Deleted != nil {
		t.Fatalf("delta: %+v", s)
	}
	left, err := time.ParseDuration(*s.New[0].Duration)
	if err != nil || left <= 59*time.Minute || left > time.Hour || s.New[0].Until != expires.UTC().Truncate(time.Second).Format(time.RFC3339) {
		t.Fatalf("duration %q (%v), until %q", *s.New[0].Duration, err, s.New[0].Until)
	}
	e.clock.Add(61 * time.Minute)
	s = e.pull(key, "scopes=ip,range")
	if s.New != nil || len(s.Deleted) != 1 || *s.Deleted[0].Value != "192.0.2.44" {
		t.Fatalf("after expiry: %+v", s)
	}
	if s := e.pull(key, "scopes=ip,range"); s.New != nil || s.Deleted != nil {
		t.Fatalf("expiry sent twice: %+v", s)
	}

	// Deleting the policy is a delete too.
	var id string
	for _, d := range e.pull(key, "startup=true").New {
		if *d.Value == "203.0.113.7" {
			id = strings.TrimPrefix(*d.Scenario, "secmaster/emergency-block:")
		}
	}
	if _, err := e.SecMaster.DeletePolicies(context.Background(), tp1, e.workspace(tp1), []string{id}); err != nil {
		t.Fatal(err)
	}
	e.deliverAndRefresh()
	s = e.pull(key, "")
	if s.New != nil || len(s.Deleted) != 1 || *s.Deleted[0].Value != "203.0.113.7" {
		t.Fatalf("after delete: %+v", s)
	}
}

func TestCrowdSecStreamFilters(t *testing.T) {
	e := mustServeCrowdSec(t)
	key := e.key("edge", tp1, "cfw")
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.7", time.Time{})
	for _, c := range []struct {
		query string
		n     int
	}{
		{"startup=true&origins=rampart", 1},
		{"startup=true&origins=crowdsec,cscli", 0},
		{"startup=true&scenarios_containing=emergency-block", 1},
		{"startup=true&scenarios_containing=ssh-bf", 0},
		{"startup=true&scenarios_not_containing=emergency", 0},
		{"startup=true&scenarios_not_containing=ssh-bf", 1},
		{"startup=true&scopes=range", 0},
		{"startup=true&scopes=ip", 1},
		{"startup=true&scopes=country", 0},
	} {
		if s := e.pull(key, c.query); len(s.New) != c.n {
			t.Errorf("%s: %d decisions, want %d", c.query, len(s.New), c.n)
		}
	}
}

// A WHITE address inside a BLOCK range is carved out of it: the bouncer
// gets the CIDRs around it, and the whole range again when the WHITE entry
// goes.
func TestCrowdSecWhiteCarveOut(t *testing.T) {
	e := mustServeCrowdSec(t)
	key := e.key("edge", tp1, "cfw")
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "192.0.2.0/24", time.Time{})
	e.pull(key, "startup=true&scopes=ip,range")
	expires := e.clock.Now().Add(time.Hour)
	e.policy(secmaster.CategoryWhite, secmaster.LayerCFW, tp1, "192.0.2.7", expires)
	s := e.pull(key, "scopes=ip,range")
	if len(s.Deleted) != 1 || *s.Deleted[0].Value != "192.0.2.0/24" || len(s.New) != 8 {
		t.Fatalf("carve-out: new %v deleted %v", values(s.New), values(s.Deleted))
	}
	want := map[string]bool{"192.0.2.0/30": true, "192.0.2.4/31": true, "192.0.2.6": true, "192.0.2.8/29": true,
		"192.0.2.16/28": true, "192.0.2.32/27": true, "192.0.2.64/26": true, "192.0.2.128/25": true}
	for _, d := range s.New {
		if !want[*d.Value] {
			t.Errorf("unexpected piece %s", *d.Value)
		}
	}
	if st, raw := e.get(key, "/v1/decisions?ip=192.0.2.7"); st != 200 || strings.TrimSpace(raw) != "null" {
		t.Fatalf("the WHITE address is banned: %d %s", st, raw)
	}
	e.clock.Add(2 * time.Hour) // the WHITE entry expires
	s = e.pull(key, "scopes=ip,range")
	if len(s.Deleted) != 8 || len(s.New) != 1 || *s.New[0].Value != "192.0.2.0/24" {
		t.Fatalf("WHITE expired: new %v deleted %v", values(s.New), values(s.Deleted))
	}
}

func TestCrowdSecDecisionsQuery(t *testing.T) {
	e := mustServeCrowdSec(t)
	key := e.key("edge", tp1, "cfw")
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.7", time.Time{})
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "198.51.100.0/24", time.Time{})
	for _, c := range []struct {
		query string
		want  []string // nil: the answer is null
	}{
		{"ip=203.0.113.7", []string{"203.0.113.7"}},
		{"ip=203.0.113.8", nil},
		{"ip=198.51.100.200", []string{"198.51.100.0/24"}},
		{"range=198.51.100.0/25", []string{"198.51.100.0/24"}},
		{"range=198.51.0.0/16", nil},
		{"range=198.51.0.0/16&contains=false", []string{"198.51.100.0/24"}},
		{"scope=ip&value=203.0.113.7", []string{"203.0.113.7"}},
		{"scope=Range&value=198.51.100.0/24", []string{"198.51.100.0/24"}},
		{"scope=country&value=FR", nil},
		{"ip=203.0.113.7&type=captcha", nil},
		{"ip=::ffff:203.0.113.7", []string{"203.0.113.7"}},
	} {
		st, raw := e.get(key, "/v1/decisions?"+c.query)
		if st != 200 {
			t.Errorf("%s: %d %s", c.query, st, raw)
			continue
		}
		var ds []csDecision
		if err := json.Unmarshal([]byte(raw), &ds); err != nil {
			t.Errorf("%s: %v %s", c.query, err, raw)
			continue
		}
		if c.want == nil && strings.TrimSpace(raw) != "null" || strings.Join(values(ds), " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: %s, want %v", c.query, raw, c.want)
		}
	}
	for _, q := range []string{"ip=203.0.113", "range=10.0.0.0/33", "ip=1.2.3.4&range=10.0.0.0/8", "scope=ip"} {
		st, raw := e.get(key, "/v1/decisions?"+q)
		var body map[string]string
		if st != 400 || json.Unmarshal([]byte(raw), &body) != nil || body["message"] == "" {
			t.Errorf("%s: %d %s, want 400 with a message", q, st, raw)
		}
	}
}

// A missing, wrong or deleted key gets 403 in CrowdSec's form; keys are
// never logged.
func TestCrowdSecKeyErrors(t *testing.T) {
	e := mustServeCrowdSec(t)
	key := e.key("edge", tp1, "cfw")
	wrong := strings.Repeat("ab", 32)
	for _, path := range []string{"/v1/decisions/stream?startup=true", "/v1/decisions?ip=192.0.2.1"} {
		for _, k := range []string{"", wrong, key[:len(key)-1]} {
			if st, raw := e.get(k, path); st != 403 || strings.TrimSpace(raw) != `{"message":"access forbidden"}` {
				t.Errorf("%s with key %q: %d %s", path, k, st, raw)
			}
		}
		if st, raw := e.get(key, path); st != 200 {
			t.Fatalf("%s with the key: %d %s", path, st, raw)
		}
	}
	if err := e.Bouncers.DeleteKey(context.Background(), "edge"); err != nil {
		t.Fatal(err)
	}
	if st, raw := e.get(key, "/v1/decisions/stream"); st != 403 || strings.TrimSpace(raw) != `{"message":"access forbidden"}` {
		t.Fatalf("deleted key: %d %s", st, raw)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "/v1/decisions") && !strings.Contains(logs, "route=") {
		t.Fatalf("the requests were not logged: %s", logs)
	}
	for _, k := range []string{key, wrong, key[:len(key)-1], bouncer.HashSecret(key)} {
		if strings.Contains(logs, k) {
			t.Fatalf("a key is in the log: %s", logs)
		}
	}
}

// A key sees its own project's layer only.
func TestBouncerIsolation(t *testing.T) {
	e := mustServeCrowdSec(t)
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.7", time.Time{})
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp2, "192.0.2.177", time.Time{})
	e.policy(secmaster.CategoryBlock, secmaster.LayerVPC, tp1, "198.51.100.77", time.Time{})
	for _, c := range []struct {
		project, layer, want string
	}{{tp1, "cfw", "203.0.113.7"}, {tp2, "cfw", "192.0.2.177"}, {tp1, "vpc", "198.51.100.77"}} {
		key := e.key("k-"+c.project[:6]+"-"+c.layer, c.project, c.layer)
		if got := values(e.pull(key, "startup=true").New); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s/%s startup: %v, want [%s]", c.project, c.layer, got, c.want)
		}
		for _, other := range []string{"203.0.113.7", "192.0.2.177", "198.51.100.77"} {
			st, raw := e.get(key, "/v1/decisions?ip="+other)
			if want := other == c.want; st != 200 || (strings.TrimSpace(raw) != "null") == !want {
				t.Errorf("%s/%s asks %s: %d %s", c.project, c.layer, other, st, raw)
			}
		}
	}
	// The intruder's own project's key never sees the victim's bans.
	key := e.key("empty", tp, "cfw")
	if s := e.pull(key, "startup=true&scopes=ip,range"); s.New != nil {
		t.Fatalf("a key of another project got %v", values(s.New))
	}
}

// After a restart (a new Service over the same store and engines), a
// key's next pull answers what changed since what it was sent before.
func TestCrowdSecDeltaAcrossRestart(t *testing.T) {
	e := mustServeCrowdSec(t)
	ctx := context.Background()
	key := e.key("edge", tp1, "cfw")
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.7", time.Time{})
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.8", e.clock.Now().Add(time.Hour))
	e.pull(key, "startup=true")
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.9", time.Time{})
	if s := e.pull(key, ""); len(s.New) != 1 {
		t.Fatalf("delta before the restart: %+v", s)
	}
	// While "down": one ban expires, one is added.
	e.clock.Add(2 * time.Hour)
	e.policy(secmaster.CategoryBlock, secmaster.LayerCFW, tp1, "203.0.113.10", time.Time{})

	restarted := bouncer.New(e.DB, e.Decisions, e.clock.Now)
	if err := restarted.Prepare(ctx); err != nil { // as serve does at start
		t.Fatal(err)
	}
	k, err := restarted.Authenticate(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	added, deleted, err := restarted.Pull(ctx, k, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0].Value.String() != "203.0.113.10/32" || len(deleted) != 1 || deleted[0].Value.String() != "203.0.113.8/32" {
		t.Fatalf("after the restart: added %v deleted %v", added, deleted)
	}
	if added, deleted, _ := restarted.Pull(ctx, k, false); added != nil || deleted != nil {
		t.Fatalf("second pull after the restart: added %v deleted %v", added, deleted)
	}
	keys, err := restarted.Keys(ctx)
	if err != nil || len(keys) != 1 || keys[0].LastPull.IsZero() {
		t.Fatalf("last pull not recorded: %+v %v", keys, err)
	}
}
