package sdktest

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFWebAttackEvent sends an SQL injection through the data plane of a
// real rampart process to a host created through the SDK, then reads the
// event back through ListEvent (attacks filter) and ShowEvent: attack
// type, 6-digit rule, payload and its location.
func TestWAFWebAttackEvent(t *testing.T) {
	t.Parallel()
	c, proxyAddr, oport := serverWithDataPlane(t)
	_, err := c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: "shop.example.com", Proxy: false,
		Server: []wm.CloudWafServer{{FrontProtocol: wm.GetCloudWafServerFrontProtocolEnum().HTTP, BackProtocol: wm.GetCloudWafServerBackProtocolEnum().HTTP,
			Address: "127.0.0.1", Port: int32(oport), Type: wm.GetCloudWafServerTypeEnum().IPV4}}}})
	if err != nil {
		t.Fatalf("CreateHost: %v", err)
	}

	// A new policy logs basic web protection hits: forwarded, recorded.
	recent := wm.GetListEventRequestRecentEnum().TODAY
	sqli := []wm.ListEventRequestAttacks{wm.GetListEventRequestAttacksEnum().SQLI}
	deadline := time.Now().Add(20 * time.Second)
	var items []wm.ListEventItems
	for len(items) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no sqli event listed within 20 s")
		}
		req, _ := http.NewRequest("GET", "http://"+proxyAddr+"/search?id=1'+OR+1=1--", nil)
		req.Host = "shop.example.com"
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
		time.Sleep(100 * time.Millisecond)
		res, err := c.ListEvent(&wm.ListEventRequest{Recent: &recent, Attacks: &sqli})
		if err != nil {
			t.Fatalf("ListEvent: %v", err)
		}
		items = *res.Items
	}
	it := items[0]
	if *it.Attack != "sqli" || !regexp.MustCompile(`^[0-9]{6}$`).MatchString(*it.Rule) || *it.Action != "log" ||
		*it.PayloadLocation != "params" || *it.Payload == "" || *it.Url != "/search?id=1'+OR+1=1--" {
		t.Fatalf("ListEvent item: %v", it)
	}
	xss := []wm.ListEventRequestAttacks{wm.GetListEventRequestAttacksEnum().XSS}
	if res, err := c.ListEvent(&wm.ListEventRequest{Recent: &recent, Attacks: &xss}); err != nil || *res.Total != 0 {
		t.Fatalf("ListEvent attacks=xss: %v %v", res, err)
	}
	show, err := c.ShowEvent(&wm.ShowEventRequest{Eventid: *it.Id})
	if err != nil || len(*show.Items) != 1 {
		t.Fatalf("ShowEvent: %v %v", show, err)
	}
	if got := (*show.Items)[0]; *got.Attack != "sqli" || *got.Rule != *it.Rule || *got.Payload != *it.Payload || *got.PayloadLocation != "params" {
		t.Fatalf("ShowEvent item: %v", got)
	}
}
