package sdktest

import (
	"testing"
	"time"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFEvents drives ListEvent and ShowEvent through the official SDK:
// the query parameters as the SDK encodes them (repeated list values,
// enums), an empty result, validation errors and an unknown event.
func TestWAFEvents(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	recent := wm.GetListEventRequestRecentEnum().E_3DAYS
	attacks := []wm.ListEventRequestAttacks{wm.GetListEventRequestAttacksEnum().CUSTOM_GEOIP, wm.GetListEventRequestAttacksEnum().CUSTOM_WHITEBLACKIP}
	actions := []wm.ListEventRequestActions{wm.GetListEventRequestActionsEnum().BLOCK}
	asc := wm.GetListEventRequestSortDirectionEnum().ASC
	res, err := c.ListEvent(&wm.ListEventRequest{Recent: &recent, Attacks: &attacks, Actions: &actions,
		Hosts: &[]string{wafUnknownID}, Sips: &[]string{"192.0.2.1", "2001:db8::1"}, Page: ptr(int32(1)),
		Pagesize: ptr(int32(50)), SortDirection: &asc, EnterpriseProjectId: ptr("0")})
	if err != nil {
		t.Fatalf("ListEvent: %v", err)
	}
	if res.Total == nil || *res.Total != 0 || res.Items == nil || len(*res.Items) != 0 {
		t.Fatalf("ListEvent: %+v", res)
	}
	now := time.Now().UnixMilli()
	res, err = c.ListEvent(&wm.ListEventRequest{From: ptr(now - 3600_000), To: ptr(now)})
	if err != nil || *res.Total != 0 {
		t.Fatalf("ListEvent from/to: %+v, %v", res, err)
	}

	// Neither recent nor from/to; from after to; a window over 30 days.
	_, err = c.ListEvent(&wm.ListEventRequest{})
	WantServiceError(t, err, 400, "WAF.00021002")
	_, err = c.ListEvent(&wm.ListEventRequest{From: ptr(now), To: ptr(now - 1)})
	WantServiceError(t, err, 400, "WAF.00021002")
	_, err = c.ListEvent(&wm.ListEventRequest{From: ptr(now - 31*24*3600_000), To: ptr(now)})
	WantServiceError(t, err, 400, "WAF.00021002")
	_, err = c.ListEvent(&wm.ListEventRequest{Recent: &recent, Pagesize: ptr(int32(100000))})
	WantServiceError(t, err, 400, "WAF.00021020")

	_, err = c.ShowEvent(&wm.ShowEventRequest{Eventid: wafUnknownID})
	WantServiceError(t, err, 404, "WAF.00022001")

	// ListEventLog is not offered: an unknown API, never ShowEvent of an
	// event named "dump". ListUrl is served (waf_dashboard_test.go): without
	// a window it is refused as ListUrl, not read as ShowEvent of "url".
	_, err = c.ListEventLog(&wm.ListEventLogRequest{})
	WantServiceError(t, err, 404, "APIGW.0101")
	_, err = c.ListUrl(&wm.ListUrlRequest{})
	WantServiceError(t, err, 400, "WAF.00021002")
}
