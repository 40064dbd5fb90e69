package sdktest

import (
	"net/http"
	"slices"
	"testing"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFValueLists covers every reference table operation of the SDK,
// each with an error case.
func TestWAFValueLists(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	types := wm.GetCreateValueListRequestBodyTypeEnum()
	cres, err := c.CreateValueList(&wm.CreateValueListRequest{EnterpriseProjectId: ptr("0"), Body: &wm.CreateValueListRequestBody{
		Name: "admin_paths", Type: types.URL, Values: []string{"/admin", "/manage"}, Description: ptr("back office")}})
	if err != nil {
		t.Fatalf("CreateValueList: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK || len(*cres.Id) != 32 || *cres.Name != "admin_paths" || cres.Type.Value() != "url" ||
		!slices.Equal(*cres.Values, []string{"/admin", "/manage"}) || *cres.Description != "back office" || *cres.Producer != 1 || *cres.Timestamp == 0 {
		t.Fatalf("CreateValueList: %+v", cres)
	}
	id := *cres.Id
	_, err = c.CreateValueList(&wm.CreateValueListRequest{Body: &wm.CreateValueListRequestBody{
		Name: "bad_ips", Type: types.IP, Values: []string{"192.0.2.300"}}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021009")
	if _, err := c.CreateValueList(&wm.CreateValueListRequest{Body: &wm.CreateValueListRequestBody{
		Name: "codes", Type: types.RESPONSE_CODE, Values: []string{"403", "502"}}}); err != nil {
		t.Fatalf("CreateValueList response_code: %v", err)
	}

	show, err := c.ShowValueList(&wm.ShowValueListRequest{Valuelistid: id})
	if err != nil || *show.Name != "admin_paths" || show.Type.Value() != "url" || len(*show.Values) != 2 || *show.Timestamp != *cres.Timestamp {
		t.Fatalf("ShowValueList: %v %+v", err, show)
	}
	_, err = c.ShowValueList(&wm.ShowValueListRequest{Valuelistid: wafUnknownID})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")

	list, err := c.ListValueList(&wm.ListValueListRequest{Page: ptr(int32(1)), Pagesize: ptr(int32(1))})
	if err != nil || *list.Total != 2 || len(*list.Items) != 1 || *(*list.Items)[0].Id != id || (*list.Items)[0].Type.Value() != "url" {
		t.Fatalf("ListValueList: %v %+v", err, list)
	}
	if all, err := c.ListValueList(&wm.ListValueListRequest{Name: ptr("codes")}); err != nil || *all.Total != 1 ||
		*(*all.Items)[0].Name != "codes" {
		t.Fatalf("ListValueList by name: %v %+v", err, all)
	}
	_, err = c.ListValueList(&wm.ListValueListRequest{Pagesize: ptr(int32(101))})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021020")

	up, err := c.UpdateValueList(&wm.UpdateValueListRequest{Valuelistid: id, Body: &wm.UpdateValueListRequestBody{
		Name: "admin_paths2", Type: wm.GetUpdateValueListRequestBodyTypeEnum().URL, Values: &[]string{"/root"}}})
	if err != nil || *up.Id != id || *up.Name != "admin_paths2" || !slices.Equal(*up.Values, []string{"/root"}) || *up.Description != "back office" {
		t.Fatalf("UpdateValueList: %v %+v", err, up)
	}
	_, err = c.UpdateValueList(&wm.UpdateValueListRequest{Valuelistid: id, Body: &wm.UpdateValueListRequestBody{
		Name: "admin_paths2", Type: wm.GetUpdateValueListRequestBodyTypeEnum().IP}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")

	del, err := c.DeleteValueList(&wm.DeleteValueListRequest{Valuelistid: id})
	if err != nil || *del.Id != id || *del.Name != "admin_paths2" || del.Type.Value() != "url" || *del.Timestamp == 0 {
		t.Fatalf("DeleteValueList: %v %+v", err, del)
	}
	_, err = c.DeleteValueList(&wm.DeleteValueListRequest{Valuelistid: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	if list, _ := c.ListValueList(&wm.ListValueListRequest{}); *list.Total != 1 {
		t.Fatalf("ListValueList after the delete: %+v", list)
	}
}
