package sdktest

import (
	"fmt"
	"net/http"
	"testing"

	workspace "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2"
	wmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2/model"
)

func wksClient(t testing.TB, s *Server) *workspace.WorkspaceClient {
	t.Helper()
	return workspace.NewWorkspaceClient(s.Client(t, workspace.WorkspaceClientBuilder(), s.Credentials(t)))
}

func ptr[T any](v T) *T { return &v }

func wksUsers(prefix string, n int) []wmodel.AccessPolicyObjectInfo {
	out := make([]wmodel.AccessPolicyObjectInfo, n)
	for i := range out {
		out[i] = wmodel.AccessPolicyObjectInfo{
			ObjectId:   fmt.Sprintf("%s%02d", prefix, i),
			ObjectType: wmodel.GetAccessPolicyObjectInfoObjectTypeEnum().USER,
			ObjectName: ptr(fmt.Sprintf("user %d", i)),
		}
	}
	return out
}

// wksAllObjects pages a policy's objects through the SDK until an empty page.
func wksAllObjects(t *testing.T, c *workspace.WorkspaceClient, id string, limit int32) []wmodel.AccessPolicyObject {
	t.Helper()
	var out []wmodel.AccessPolicyObject
	req := &wmodel.ListAccessPolicyObjectsRequest{AccessPolicyId: id}
	if limit > 0 {
		req.Limit = ptr(limit)
	}
	for calls := 0; calls < 300; calls++ {
		res, err := c.ListAccessPolicyObjects(req)
		if err != nil {
			t.Fatalf("ListAccessPolicyObjects offset %v: %v", req.Offset, err)
		}
		if res.PolicyObjectsList == nil || res.Total == nil {
			t.Fatalf("response without policy_objects_list or total: %v", res)
		}
		page := *res.PolicyObjectsList
		if len(page) == 0 {
			if int(*res.Total) != len(out) {
				t.Fatalf("total %d, paged %d", *res.Total, len(out))
			}
			return out
		}
		out = append(out, page...)
		req.Offset = ptr(int32(len(out)))
	}
	t.Fatal("paging does not end")
	return nil
}

// TestWorkspaceAccessPolicies drives every Workspace access-policy operation
// through the official SDK, in the order the Terraform provider uses them,
// plus the IP whitelist updates.
func TestWorkspaceAccessPolicies(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wksClient(t, s)

	// Create: 200 with an empty body.
	cres, err := c.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{Body: &wmodel.CreateAccessPolicyReq{
		Policy: &wmodel.AccessPolicyInfo{
			PolicyName:    ptr("PRIVATE_ACCESS"),
			BlacklistType: ptr(wmodel.GetAccessPolicyInfoBlacklistTypeEnum().INTERNET),
		},
		PolicyObjectsList: ptr(wksUsers("u", 23)),
	}})
	if err != nil {
		t.Fatalf("CreateAccessPolicy: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK {
		t.Fatalf("create status %d", cres.HttpStatusCode)
	}

	// List and find the ID by name.
	lres, err := c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{})
	if err != nil {
		t.Fatalf("ListAccessPolicies: %v", err)
	}
	if lres.Total == nil || *lres.Total != 1 || lres.Policies == nil || len(*lres.Policies) != 1 {
		t.Fatalf("list = %v", lres)
	}
	p := (*lres.Policies)[0]
	if p.PolicyId == nil || *p.PolicyName != "PRIVATE_ACCESS" || p.BlacklistType.Value() != "INTERNET" ||
		p.AccessControlType.Value() != "ACCESS_TYPE" || *p.IpTotalCount != 0 || p.CreateTime == nil || *p.CreateTime == "" ||
		p.IpList == nil || *p.IsEnable || *p.IsBlockAll {
		t.Fatalf("policy = %v", p)
	}
	id := *p.PolicyId

	// Objects, paged with the default limit and with an explicit one.
	for _, limit := range []int32{0, 7, 2000} {
		objs := wksAllObjects(t, c, id, limit)
		if len(objs) != 23 || *objs[0].ObjectId != "u00" || *objs[22].ObjectId != "u22" ||
			objs[4].ObjectType.Value() != "USER" || *objs[4].ObjectName != "user 4" {
			t.Fatalf("limit %d: objects = %v", limit, objs)
		}
	}

	// Replace the objects.
	_, err = c.UpdateAccessPolicyObjects(&wmodel.UpdateAccessPolicyObjectsRequest{AccessPolicyId: id,
		Body: &wmodel.UpdateAccessPolicyObjectsReq{PolicyObjectsList: &[]wmodel.AccessPolicyObjectInfo{
			{ObjectId: "g1", ObjectType: wmodel.GetAccessPolicyObjectInfoObjectTypeEnum().USERGROUP},
		}}})
	if err != nil {
		t.Fatalf("UpdateAccessPolicyObjects: %v", err)
	}
	objs := wksAllObjects(t, c, id, 0)
	if len(objs) != 1 || *objs[0].ObjectId != "g1" || objs[0].ObjectType.Value() != "USERGROUP" {
		t.Fatalf("objects after update = %v", objs)
	}

	// A second policy with the same name is a conflict.
	_, err = c.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{Body: &wmodel.CreateAccessPolicyReq{
		Policy: &wmodel.AccessPolicyInfo{PolicyName: ptr("PRIVATE_ACCESS")}}})
	WantServiceError(t, err, 409, "WKS.00081101")

	// Delete by body, then the list is empty and the ID unknown.
	if _, err := c.BatchDeleteAccessPolicies(&wmodel.BatchDeleteAccessPoliciesRequest{
		Body: &wmodel.BatchDeleteAccessPoliciesReq{PolicyIdList: &[]string{id}}}); err != nil {
		t.Fatalf("BatchDeleteAccessPolicies: %v", err)
	}
	lres, err = c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{})
	if err != nil || *lres.Total != 0 || len(*lres.Policies) != 0 {
		t.Fatalf("list after delete = %v, %v", lres, err)
	}
	_, err = c.ListAccessPolicyObjects(&wmodel.ListAccessPolicyObjectsRequest{AccessPolicyId: id})
	WantServiceError(t, err, 404, "WKS.00081104")
	_, err = c.BatchDeleteAccessPolicies(&wmodel.BatchDeleteAccessPoliciesRequest{
		Body: &wmodel.BatchDeleteAccessPoliciesReq{PolicyIdList: &[]string{id}}})
	WantServiceError(t, err, 404, "WKS.00081104")
}

func TestWorkspaceIPWhitelist(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wksClient(t, s)
	_, err := c.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{Body: &wmodel.CreateAccessPolicyReq{
		Policy: &wmodel.AccessPolicyInfo{
			PolicyName:        ptr("PRIVATE_ACCESS"),
			AccessControlType: ptr(wmodel.GetAccessPolicyInfoAccessControlTypeEnum().IP_WHITE_LIST),
			IpList:            &[]wmodel.IpInfo{{IpAddress: "203.0.113.0", SubnetMask: "255.255.255.0"}},
			IpTotalCount:      ptr(int32(7)),
		},
	}})
	if err != nil {
		t.Fatalf("CreateAccessPolicy: %v", err)
	}
	get := func() wmodel.AccessPolicyDetailInfo {
		t.Helper()
		res, err := c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{AccessControlType: ptr("IP_WHITE_LIST"), Limit: ptr(int32(100)), Offset: ptr(int32(0))})
		if err != nil || len(*res.Policies) != 1 {
			t.Fatalf("list: %v %v", res, err)
		}
		return (*res.Policies)[0]
	}
	p := get()
	id := *p.PolicyId
	if *p.IpTotalCount != 1 || (*p.IpList)[0].SubnetMask != "255.255.255.0" {
		t.Fatalf("created = %v", p)
	}
	res, err := c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{AccessControlType: ptr("ACCESS_TYPE")})
	if err != nil || *res.Total != 0 || res.Policies == nil || len(*res.Policies) != 0 {
		t.Fatalf("ACCESS_TYPE filter = %v %v", res, err)
	}

	update := func(req wmodel.UpdateAccessPolicyReq) error {
		_, err := c.UpdateAccessPolicy(&wmodel.UpdateAccessPolicyRequest{AccessPolicyId: id, Body: &req})
		return err
	}
	ops := wmodel.GetUpdateAccessPolicyReqOperationTypeEnum()
	if err := update(wmodel.UpdateAccessPolicyReq{OperationType: &ops.ADD_IP,
		IpWhiteList: &[]wmodel.IpInfo{{IpAddress: "198.51.100.7", SubnetMask: "32"}, {IpAddress: "2001:db8::", SubnetMask: "48"}}}); err != nil {
		t.Fatalf("ADD_IP: %v", err)
	}
	if p = get(); *p.IpTotalCount != 3 {
		t.Fatalf("after ADD_IP: %v", p)
	}
	if err := update(wmodel.UpdateAccessPolicyReq{OperationType: &ops.DELETE_IP,
		IpWhiteList: &[]wmodel.IpInfo{{IpAddress: "203.0.113.0", SubnetMask: "24"}}}); err != nil {
		t.Fatalf("DELETE_IP: %v", err)
	}
	if p = get(); *p.IpTotalCount != 2 || (*p.IpList)[0].IpAddress != "198.51.100.7" {
		t.Fatalf("after DELETE_IP: %v", p)
	}
	WantServiceError(t, update(wmodel.UpdateAccessPolicyReq{IsBlockAll: ptr(true)}), 400, "WKS.00081108")
	if err := update(wmodel.UpdateAccessPolicyReq{IsEnable: ptr(true)}); err != nil {
		t.Fatalf("is_enable: %v", err)
	}
	WantServiceError(t, update(wmodel.UpdateAccessPolicyReq{IsBlockAll: ptr(true), OperationType: &ops.ADD_IP}), 400, "WKS.00081107")
	if err := update(wmodel.UpdateAccessPolicyReq{IsBlockAll: ptr(true)}); err != nil {
		t.Fatalf("is_block_all: %v", err)
	}
	if p = get(); !*p.IsEnable || !*p.IsBlockAll {
		t.Fatalf("after is_block_all: %v", p)
	}

	// Validation answers in the Workspace envelope.
	WantServiceError(t, update(wmodel.UpdateAccessPolicyReq{OperationType: &ops.ADD_IP,
		IpWhiteList: &[]wmodel.IpInfo{{IpAddress: "10.0.0.1", SubnetMask: "255.0.255.0"}}}), 400, "WKS.00081106")
	WantServiceError(t, update(wmodel.UpdateAccessPolicyReq{OperationType: &ops.ADD_IP}), 400, "WKS.00081106")
	_, err = c.UpdateAccessPolicy(&wmodel.UpdateAccessPolicyRequest{AccessPolicyId: "0b5c2d0e-1111-4222-8333-944455556666",
		Body: &wmodel.UpdateAccessPolicyReq{IsEnable: ptr(false)}})
	WantServiceError(t, err, 404, "WKS.00081104")
	_, err = c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{Limit: ptr(int32(101))})
	WantServiceError(t, err, 400, "WKS.00081106")
	_, err = c.ListAccessPolicyObjects(&wmodel.ListAccessPolicyObjectsRequest{AccessPolicyId: id, Offset: ptr(int32(2000))})
	WantServiceError(t, err, 400, "WKS.00081106")
	_, err = c.UpdateAccessPolicyObjects(&wmodel.UpdateAccessPolicyObjectsRequest{AccessPolicyId: id,
		Body: &wmodel.UpdateAccessPolicyObjectsReq{PolicyObjectsList: &[]wmodel.AccessPolicyObjectInfo{{ObjectType: wmodel.GetAccessPolicyObjectInfoObjectTypeEnum().USER}}}})
	WantServiceError(t, err, 400, "WKS.00081106")
	_, err = c.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{})
	WantServiceError(t, err, 400, "WKS.0001")
	_, err = c.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{Body: &wmodel.CreateAccessPolicyReq{
		Policy: &wmodel.AccessPolicyInfo{PolicyName: ptr("CUSTOM")}}})
	WantServiceError(t, err, 400, "WKS.00081106")
}

// TestWorkspaceTerraformFlow replays the Terraform provider's requests,
// signed by the SDK signer: its spelling "policy_object_list", its
// X-Language header, object paging by offset until an empty page, and an
// empty blacklist sent as {}.
func TestWorkspaceTerraformFlow(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	base := "/v2/" + s.ProjectID + "/access-policy"
	hdr := map[string]string{"X-Language": "en-us"}
	objs := []map[string]string{}
	for i := 0; i < 12; i++ {
		objs = append(objs, map[string]string{"object_id": fmt.Sprintf("u%02d", i), "object_type": "USER"})
	}
	res := s.DoSigned(t, RawRequest{Method: "POST", Path: base, Header: hdr, Body: map[string]any{
		"policy": map[string]string{"policy_name": "PRIVATE_ACCESS", "blacklist_type": "INTERNET"}, "policy_object_list": objs}})
	if res.Status != 200 || len(res.Body) != 0 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	c := wksClient(t, s)
	lres, err := c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, p := range *lres.Policies {
		if *p.PolicyName == "PRIVATE_ACCESS" {
			id = *p.PolicyId
		}
	}
	if id == "" {
		t.Fatal("policy not found by name")
	}
	if got := wksAllObjects(t, c, id, 0); len(got) != 12 {
		t.Fatalf("objects = %d", len(got))
	}
	res = s.DoSigned(t, RawRequest{Method: "PUT", Path: base + "/" + id + "/objects", Header: hdr, Body: "{}"})
	if res.Status != 200 {
		t.Fatalf("clear objects: %d %s", res.Status, res.Body)
	}
	if got := wksAllObjects(t, c, id, 0); len(got) != 0 {
		t.Fatalf("objects after {} = %v", got)
	}
	res = s.DoSigned(t, RawRequest{Method: "DELETE", Path: base, Header: hdr, Body: map[string]any{"policy_id_list": []string{id}}})
	if res.Status != 200 {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	if lres, err = c.ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{}); err != nil || len(*lres.Policies) != 0 {
		t.Fatalf("after delete: %v %v", lres, err)
	}
}
