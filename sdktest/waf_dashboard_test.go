package sdktest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// dashboardPlane is a rulesPlane whose data plane flushes its counters
// every 100 ms.
func dashboardPlane(t *testing.T) *rulesPlane {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	proxyAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s := StartServer(t, WithArgs("--proxy-listen", proxyAddr, "--metrics-listen", "", "--traffic-flush-interval", "100ms"))
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(origin.Close)
	p := &rulesPlane{t: t, c: wafClient(t, s), proxyAddr: proxyAddr, oport: origin.Listener.Addr().(*net.TCPAddr).Port}
	p.addHost("dash")
	return p
}

// TestWAFDashboardThroughSDK sends known traffic through a real data
// plane (origin answers, then whiteblackip blocks) and reads it back
// through every dashboard operation of the official SDK.
func TestWAFDashboardThroughSDK(t *testing.T) {
	t.Parallel()
	p := dashboardPlane(t)
	c := p.c
	from := time.Now().Add(-10 * time.Minute).UnixMilli()

	answered, blocks := 1, 0 // the origin's answer that told addHost the host was routed
	for range 5 {
		if p.status("/", nil) != 200 {
			t.Fatal("origin answer expected")
		}
		answered++
	}
	if _, err := c.CreateWhiteblackipRule(&wm.CreateWhiteblackipRuleRequest{PolicyId: p.policyID,
		Body: &wm.CreateWhiteBlackIpRuleRequestBody{Name: "me", Addr: ptr("127.0.0.1"), White: 0}}); err != nil {
		t.Fatalf("CreateWhiteblackipRule: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for blocks < 4 {
		switch st := p.status("/shop?x=1", nil); st {
		case 200:
			answered++
		case 418:
			blocks++
		default:
			t.Fatalf("status %d", st)
		}
		if time.Now().After(deadline) {
			t.Fatal("the block rule was not applied within 10 s")
		}
	}
	to := time.Now().Add(10 * time.Minute).UnixMilli()
	hosts := &[]string{p.hostID}
	requests := answered + blocks

	// ListStatistics, once the counters are flushed.
	stats := map[string]int64{}
	deadline = time.Now().Add(10 * time.Second)
	for stats["ACCESS"] != int64(requests) || stats["ATTACK"] != int64(blocks) {
		if time.Now().After(deadline) {
			t.Fatalf("ListStatistics: %v, want ACCESS %d, ATTACK %d", stats, requests, blocks)
		}
		time.Sleep(50 * time.Millisecond)
		res, err := c.ListStatistics(&wm.ListStatisticsRequest{From: from, To: to, Hosts: hosts})
		if err != nil || res.Body == nil {
			t.Fatalf("ListStatistics: %v", err)
		}
		for _, it := range *res.Body {
			stats[*it.Key] = *it.Num
		}
	}
	if len(stats) != 6 || stats["CC"] != 0 || stats["PRECISE"] != 0 || stats["WEB_ATTACK"] != 0 || stats["CRAWLER"] != 0 {
		t.Errorf("ListStatistics keys: %v", stats)
	}

	sum := func(items *[]wm.StatisticsTimelineItem, key string) int64 {
		t.Helper()
		if items == nil {
			t.Fatal("no timeline")
		}
		var n int64
		for _, it := range *items {
			if it.Key.Value() == key {
				for _, p := range *it.Timeline {
					n += int64(*p.Num)
				}
			}
		}
		return n
	}
	rt, err := c.ListRequestTimeline(&wm.ListRequestTimelineRequest{From: from, To: to, Hosts: hosts})
	if err != nil || sum(rt.Body, "ACCESS") != int64(requests) || sum(rt.Body, "ATTACK") != int64(blocks) {
		t.Errorf("ListRequestTimeline: %v %v", rt, err)
	}
	day := "DAY"
	if rt, err = c.ListRequestTimeline(&wm.ListRequestTimelineRequest{From: from, To: to, GroupBy: &day}); err != nil ||
		sum(rt.Body, "ACCESS") != int64(requests) {
		t.Errorf("ListRequestTimeline by day: %v %v", rt, err)
	}
	if qps, err := c.ListQpsTimeline(&wm.ListQpsTimelineRequest{From: from, To: to, Hosts: hosts}); err != nil || qps.Body == nil || len(*qps.Body) != 6 {
		t.Errorf("ListQpsTimeline: %v %v", qps, err)
	}
	sources := wm.GetListResponseCodeTimelineRequestResponseSourceEnum()
	rc, err := c.ListResponseCodeTimeline(&wm.ListResponseCodeTimelineRequest{From: from, To: to, ResponseSource: &sources.WAF})
	if err != nil || sum(rc.Body, "4XX") != int64(blocks) || sum(rc.Body, "2XX") != 0 {
		t.Errorf("ListResponseCodeTimeline WAF: %v %v", rc, err)
	}
	if rc, err = c.ListResponseCodeTimeline(&wm.ListResponseCodeTimelineRequest{From: from, To: to, ResponseSource: &sources.UPSTREAM}); err != nil ||
		sum(rc.Body, "2XX") != int64(answered) {
		t.Errorf("ListResponseCodeTimeline UPSTREAM: %v %v", rc, err)
	}

	// The top lists read the protection events, written within 50 ms.
	deadline = time.Now().Add(10 * time.Second)
	for {
		res, err := c.ListTopIp(&wm.ListTopIpRequest{From: from, To: to, Hosts: hosts})
		if err != nil {
			t.Fatalf("ListTopIp: %v", err)
		}
		if *res.Total == 1 && *(*res.Items)[0].Num == int64(blocks) && *(*res.Items)[0].Key == "127.0.0.1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ListTopIp: %v", res)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if res, err := c.ListTopUrl(&wm.ListTopUrlRequest{From: from, To: to, Top: ptr(int32(10))}); err != nil || *res.Total != 1 ||
		*(*res.Items)[0].Key != "/shop" || *(*res.Items)[0].Host != p.host || *(*res.Items)[0].Num != int32(blocks) {
		t.Errorf("ListTopUrl: %v %v", res, err)
	}
	if res, err := c.ListTopDomains(&wm.ListTopDomainsRequest{From: from, To: to}); err != nil || *res.Total != 1 ||
		*(*res.Items)[0].Key != p.hostID || *(*res.Items)[0].Num != int64(blocks) {
		t.Errorf("ListTopDomains: %v %v", res, err)
	}
	code := wm.GetListTopAbnormalRequestCodeEnum().E_404
	if res, err := c.ListTopAbnormal(&wm.ListTopAbnormalRequest{From: from, To: to, Code: &code}); err != nil || *res.Total != 0 {
		t.Errorf("ListTopAbnormal 404: %v %v", res, err)
	}
	if res, err := c.ListAttackActionTypes(&wm.ListAttackActionTypesRequest{From: from, To: to}); err != nil || *res.Total != 1 ||
		*(*res.Items)[0].Key != "block" || *(*res.Items)[0].Num != int64(blocks) {
		t.Errorf("ListAttackActionTypes: %v %v", res, err)
	}
	cls, err := c.ListOverviewsClassification(&wm.ListOverviewsClassificationRequest{From: from, To: to, Hosts: hosts})
	if err != nil || *cls.Domain.Total != 1 || *(*cls.Domain.Items)[0].Key != p.host || *(*cls.Ip.Items)[0].Key != "127.0.0.1" ||
		*(*cls.AttackType.Items)[0].Key != "custom_whiteblackip" || *(*cls.Url.Items)[0].Key != "/shop" || *cls.Geo.Total != 1 {
		t.Errorf("ListOverviewsClassification: %v %v", cls, err)
	}

	// The event/attack operations: their from/to are int32 in the SDK, too
	// small for milliseconds, so the SDK's callers use recent.
	days := wm.GetListSourceIpTop5RequestRecentEnum().E_3DAYS
	if res, err := c.ListSourceIpTop5(&wm.ListSourceIpTop5Request{Recent: &days, Hosts: hosts}); err != nil || *res.Total != 1 ||
		*(*res.Items)[0].Ip != "127.0.0.1" || *(*res.Items)[0].Num != int32(blocks) {
		t.Errorf("ListSourceIpTop5: %v %v", res, err)
	}
	threatDays := wm.GetListThreatsRequestRecentEnum().E_3DAYS
	if res, err := c.ListThreats(&wm.ListThreatsRequest{Recent: &threatDays, Hosts: hosts}); err != nil || *res.Whiteblackip != int32(blocks) ||
		*res.Sqli != 0 {
		t.Errorf("ListThreats: %v %v", res, err)
	}
	urlDays := wm.GetListUrlRequestRecentEnum().E_3DAYS
	if res, err := c.ListUrl(&wm.ListUrlRequest{Recent: &urlDays}); err != nil || res.Qps == nil {
		t.Errorf("ListUrl: %v %v", res, err)
	}

	// Bad parameters: WAF's error, as the SDK reports it.
	_, err = c.ListTopIp(&wm.ListTopIpRequest{From: from, To: to, Top: ptr(int32(11))})
	WantServiceError(t, err, 400, "WAF.00021002")
	_, err = c.ListStatistics(&wm.ListStatisticsRequest{From: to, To: from})
	WantServiceError(t, err, 400, "WAF.00021002")
}
