package sdktest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
	wmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2/model"
)

// crashLedger records what the server acknowledged during a crash round,
// and what was in flight when it died.
type crashLedger struct {
	mu        sync.Mutex
	policies  map[string]string // WAF policy id -> name
	rules     map[string]string // black/white IP rule id -> address
	blocks    []string          // SecMaster block targets (CFW layer)
	objects   []string          // the access policy's objects, last acknowledged
	inFlight  []string          // the access policy's objects of the update in flight, if any
	writerErr []string          // errors other than the crash's refused connections
}

// TestCrashUnderMixedLoad kills the server with SIGKILL at random moments of
// a mixed write load (WAF policies and black/white IP rules, SecMaster
// emergency blocks delivered to the CFW layer, replacements of a Workspace
// access policy's objects), restarts it each time, and checks that every
// acknowledged write is present with its content and that every
// acknowledged SecMaster block is delivered and enforced after the restart.
// RAMPART_CRASH_ROUNDS sets the number of kills (default 3).
func TestCrashUnderMixedLoad(t *testing.T) {
	t.Parallel()
	rounds := 3
	if v := os.Getenv("RAMPART_CRASH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("RAMPART_CRASH_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	s := StartServer(t)
	ledger := &crashLedger{policies: map[string]string{}, rules: map[string]string{}}
	rulePolicy := wafPolicy(t, wafClient(t, s), "crash-rules")
	ws := smDefaultWorkspace(t, smClient(t, s))
	wc := wksClient(t, s)
	if _, err := wc.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{Body: &wmodel.CreateAccessPolicyReq{
		Policy:            &wmodel.AccessPolicyInfo{PolicyName: ptr("PRIVATE_ACCESS"), BlacklistType: ptr(wmodel.GetAccessPolicyInfoBlacklistTypeEnum().INTERNET)},
		PolicyObjectsList: ptr(wksUsers("start", 1)),
	}}); err != nil {
		t.Fatal(err)
	}
	lres, err := wc.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{})
	if err != nil || len(*lres.Policies) != 1 {
		t.Fatalf("ListAccessPolicies: %v %v", err, lres)
	}
	accessID := *(*lres.Policies)[0].PolicyId
	ledger.objects = []string{"start00"}

	for round := 1; round <= rounds; round++ {
		crashRound(t, s, ledger, round, rulePolicy, ws, accessID)
		s.Restart(t)
		ledger.mu.Lock()
		errs := ledger.writerErr
		ledger.mu.Unlock()
		if len(errs) > 0 {
			t.Fatalf("round %d: writes refused before the kill: %v", round, errs)
		}
		verifyLedger(t, s, ledger, rulePolicy, accessID)
	}
	t.Logf("%d kills: %d WAF policies, %d black/white IP rules, %d SecMaster blocks acknowledged and found",
		rounds, len(ledger.policies), len(ledger.rules), len(ledger.blocks))
}

// crashRound runs the writers until a random moment, then kills the server.
func crashRound(t *testing.T, s *Server, l *crashLedger, round int, rulePolicy, ws, accessID string) {
	t.Helper()
	wc, sc, kc := wafClient(t, s), smClient(t, s), wksClient(t, s)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	writer := func(name string, write func(i int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := write(i); err != nil {
					return // the server is gone (or refused: recorded by write)
				}
			}
		}()
	}
	var killing atomic.Bool
	alive := func() bool { return !killing.Load() }
	refused := func(what string, err error) error {
		if alive() {
			l.mu.Lock()
			l.writerErr = append(l.writerErr, fmt.Sprintf("%s: %v", what, err))
			l.mu.Unlock()
		}
		return err
	}
	writer("waf policy", func(i int) error {
		name := fmt.Sprintf("crash-%d-%d", round, i)
		res, err := wc.CreatePolicy(&wm.CreatePolicyRequest{Body: &wm.CreatePolicyRequestBody{Name: name}})
		if err != nil {
			return refused("CreatePolicy", err)
		}
		l.mu.Lock()
		l.policies[*res.Id] = name
		l.mu.Unlock()
		return nil
	})
	writer("whiteblackip", func(i int) error {
		addr := fmt.Sprintf("10.%d.%d.%d", round, i/250, 1+i%250)
		res, err := wc.CreateWhiteblackipRule(&wm.CreateWhiteblackipRuleRequest{PolicyId: rulePolicy,
			Body: &wm.CreateWhiteBlackIpRuleRequestBody{Name: "crash", Addr: ptr(addr), White: 0}})
		if err != nil {
			return refused("CreateWhiteblackipRule", err)
		}
		l.mu.Lock()
		l.rules[*res.Id] = addr
		l.mu.Unlock()
		return nil
	})
	writer("secmaster", func(i int) error {
		target := fmt.Sprintf("172.16.%d.%d", round, 1+i%250)
		if i >= 250 {
			return nil
		}
		if _, err := sc.CreateRetryPolicy(smCreateRequest(ws, target, time.Time{}, smDefense("CFW", s.ProjectID))); err != nil {
			return refused("CreateRetryPolicy", err)
		}
		l.mu.Lock()
		l.blocks = append(l.blocks, target)
		l.mu.Unlock()
		return nil
	})
	writer("workspace", func(i int) error {
		id := fmt.Sprintf("r%d-%d-", round, i)
		l.mu.Lock()
		l.inFlight = []string{id + "00", id + "01"}
		l.mu.Unlock()
		_, err := kc.UpdateAccessPolicyObjects(&wmodel.UpdateAccessPolicyObjectsRequest{AccessPolicyId: accessID,
			Body: &wmodel.UpdateAccessPolicyObjectsReq{PolicyObjectsList: ptr(wksUsers(id, 2))}})
		if err != nil {
			return refused("UpdateAccessPolicyObjects", err)
		}
		l.mu.Lock()
		l.objects, l.inFlight = l.inFlight, nil
		l.mu.Unlock()
		return nil
	})
	time.Sleep(time.Duration(200+rand.IntN(1300)) * time.Millisecond)
	killing.Store(true)
	s.Kill()
	close(stop)
	wg.Wait()
}

// verifyLedger checks every acknowledged write against the restarted server.
func verifyLedger(t *testing.T, s *Server, l *crashLedger, rulePolicy, accessID string) {
	t.Helper()
	wc := wafClient(t, s)
	got := map[string]string{}
	for page := int32(1); ; page++ {
		res, err := wc.ListPolicy(&wm.ListPolicyRequest{Page: ptr(page), Pagesize: ptr(int32(100))})
		if err != nil {
			t.Fatalf("ListPolicy: %v", err)
		}
		for _, p := range *res.Items {
			got[*p.Id] = *p.Name
		}
		if len(*res.Items) < 100 {
			break
		}
	}
	for id, name := range l.policies {
		if got[id] != name {
			t.Errorf("acknowledged WAF policy %s %q: after the restart %q", id, name, got[id])
		}
	}
	rules := map[string]string{}
	for page := int32(1); ; page++ {
		res, err := wc.ListWhiteblackipRule(&wm.ListWhiteblackipRuleRequest{PolicyId: rulePolicy, Page: ptr(page), Pagesize: ptr(int32(100))})
		if err != nil {
			t.Fatalf("ListWhiteblackipRule: %v", err)
		}
		for _, r := range *res.Items {
			rules[*r.Id] = *r.Addr
		}
		if len(*res.Items) < 100 {
			break
		}
	}
	for id, addr := range l.rules {
		if rules[id] != addr {
			t.Errorf("acknowledged black/white IP rule %s %s: after the restart %q", id, addr, rules[id])
		}
	}
	objs := wksAllObjects(t, wksClient(t, s), accessID, 0)
	var ids []string
	for _, o := range objs {
		ids = append(ids, *o.ObjectId)
	}
	if fmt.Sprint(ids) != fmt.Sprint(l.objects) && (l.inFlight == nil || fmt.Sprint(ids) != fmt.Sprint(l.inFlight)) {
		t.Errorf("access policy objects after the restart %v, acknowledged %v (in flight %v)", ids, l.objects, l.inFlight)
	}
	l.inFlight = nil
	l.objects = ids
	// Every acknowledged block is delivered (its task resumed after the
	// crash) and enforced on the CFW layer.
	deadline := time.Now().Add(30 * time.Second)
	for _, target := range l.blocks {
		for {
			res := s.DoSigned(t, RawRequest{Method: "GET", Path: "/v1/" + s.ProjectID + "/rampart/decisions",
				Query: map[string]any{"layer": "cfw", "ip": target}})
			var d struct {
				Action string `json:"action"`
			}
			if res.Status != 200 || json.Unmarshal(res.Body, &d) != nil {
				t.Fatalf("decision for %s: %d %s", target, res.Status, res.Body)
			}
			if d.Action == "block" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("acknowledged SecMaster block of %s is not enforced 30 s after the restart: %s", target, res.Body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
