package sdktest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	waf "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1"
	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFMaskingThroughTheDataPlane: a policy in block mode blocks attacks
// on real traffic through a real rampart process; an ignore rule created
// through the official SDK masks them by attack type and by rule ID under a
// URL condition (forwarded, not recorded) while the same attack elsewhere
// stays blocked, and the masked hits are counted in hit_num.
func TestWAFMaskingThroughTheDataPlane(t *testing.T) {
	t.Parallel()
	c, proxyAddr, oport := serverWithDataPlane(t)

	pid := wafPolicy(t, c, "masking")
	block := wm.GetPolicyActionCategoryEnum().BLOCK
	if _, err := c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: pid, Body: &wm.UpdatePolicyRequestBody{
		Action: &wm.PolicyAction{Category: &block}}}); err != nil {
		t.Fatalf("UpdatePolicy: %v", err)
	}
	_, err := c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: "app.example.com", Policyid: &pid,
		Server: []wm.CloudWafServer{{FrontProtocol: wm.GetCloudWafServerFrontProtocolEnum().HTTP, BackProtocol: wm.GetCloudWafServerBackProtocolEnum().HTTP,
			Address: "127.0.0.1", Port: int32(oport), Type: wm.GetCloudWafServerTypeEnum().IPV4}}}})
	if err != nil {
		t.Fatalf("CreateHost: %v", err)
	}
	get := func(uri string) int {
		req, _ := http.NewRequest("GET", "http://"+proxyAddr+uri, nil)
		req.Host = "app.example.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", uri, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// waitFor sends uri until it answers want (the data plane reloads
	// within tens of milliseconds of a write).
	waitFor := func(uri string, want int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			got := get(uri)
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %d, want %d", uri, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	const sqliSearch, sqliOther = "/search?q=1'+OR+1=1--", "/account?q=1'+OR+1=1--"
	const xssSearch = "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"
	waitFor(sqliSearch, http.StatusTeapot)
	if got := get(xssSearch); got != http.StatusTeapot {
		t.Fatalf("XSS before masking: %d, want 418", got)
	}

	cat, logic := wm.GetCreateConditionCategoryEnum(), wm.GetCreateConditionLogicOperationEnum()
	underSearch := []wm.CreateCondition{{Category: cat.URL, LogicOperation: logic.PREFIX, Contents: &[]string{"/search"}}}
	byType, err := c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: pid,
		Body: &wm.CreateIgnoreRuleRequestBody{Domain: []string{"app.example.com"}, Conditions: underSearch, Mode: 1, Rule: "sqli"}})
	if err != nil {
		t.Fatalf("CreateIgnoreRule by type: %v", err)
	}
	waitFor(sqliSearch, http.StatusOK)
	if got := get(sqliOther); got != http.StatusTeapot {
		t.Fatalf("SQLi outside the masked URL: %d, want 418", got)
	}
	if got := get(xssSearch); got != http.StatusTeapot {
		t.Fatalf("XSS under a rule that masks sqli: %d, want 418", got)
	}

	// Mask the XSS detection by the rule ID its event names.
	xssRule := blockedRule(t, c, "xss")
	if _, err := c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: pid,
		Body: &wm.CreateIgnoreRuleRequestBody{Conditions: underSearch, Mode: 1, Rule: xssRule}}); err != nil {
		t.Fatalf("CreateIgnoreRule by rule %s: %v", xssRule, err)
	}
	waitFor(xssSearch, http.StatusOK)

	// Masked hits are counted, and never recorded as attacks.
	deadline := time.Now().Add(30 * time.Second)
	for {
		show, err := c.ShowIgnoreRule(&wm.ShowIgnoreRuleRequest{PolicyId: pid, RuleId: *byType.Id})
		if err != nil {
			t.Fatalf("ShowIgnoreRule: %v", err)
		}
		if show.HitNum != nil && *show.HitNum >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hit_num still %v after 30 s", show.HitNum)
		}
		time.Sleep(250 * time.Millisecond)
	}
	recent := wm.GetListEventRequestRecentEnum().TODAY
	res, err := c.ListEvent(&wm.ListEventRequest{Recent: &recent, Pagesize: ptr(int32(100))})
	if err != nil {
		t.Fatalf("ListEvent: %v", err)
	}
	blocked := map[string]int{}
	for _, it := range *res.Items {
		blocked[*it.Url]++
	}
	before := blocked[sqliSearch]
	for range 3 {
		if got := get(sqliSearch); got != http.StatusOK {
			t.Fatalf("masked SQLi: %d", got)
		}
	}
	time.Sleep(500 * time.Millisecond) // longer than the recorder's flush
	res, err = c.ListEvent(&wm.ListEventRequest{Recent: &recent, Pagesize: ptr(int32(100))})
	if err != nil {
		t.Fatalf("ListEvent: %v", err)
	}
	after := 0
	for _, it := range *res.Items {
		if *it.Url == sqliSearch {
			after++
		}
	}
	if after != before || blocked[sqliOther] == 0 {
		t.Fatalf("events of the masked URL: %d before, %d after three masked requests; of the other URL: %d", before, after, blocked[sqliOther])
	}
}

// blockedRule returns the rule ID of a recorded event of an attack type.
func blockedRule(t *testing.T, c *waf.WafClient, attack string) string {
	t.Helper()
	recent := wm.GetListEventRequestRecentEnum().TODAY
	attacks := []wm.ListEventRequestAttacks{wm.ListEventRequestAttacks{}}
	if err := attacks[0].UnmarshalJSON([]byte(strconv.Quote(attack))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := c.ListEvent(&wm.ListEventRequest{Recent: &recent, Attacks: &attacks})
		if err != nil {
			t.Fatalf("ListEvent: %v", err)
		}
		if len(*res.Items) > 0 {
			return *(*res.Items)[0].Rule
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s event within 20 s", attack)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serverWithDataPlane starts rampart serve with a data-plane listener and an
// origin answering "ok"; it returns the WAF client, the data plane's
// address and the origin's port.
func serverWithDataPlane(t *testing.T) (*waf.WafClient, string, int) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	proxyAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// No metrics listener: tests running in parallel would all want its
	// default port.
	s := StartServer(t, WithArgs("--proxy-listen", proxyAddr, "--metrics-listen", ""))
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(origin.Close)
	return wafClient(t, s), proxyAddr, origin.Listener.Addr().(*net.TCPAddr).Port
}
