package sdktest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	waf "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1"
	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

func wafClient(t testing.TB, s *Server) *waf.WafClient {
	t.Helper()
	return waf.NewWafClient(s.Client(t, waf.WafClientBuilder(), s.Credentials(t)))
}

func wafPolicy(t *testing.T, c *waf.WafClient, name string) string {
	t.Helper()
	res, err := c.CreatePolicy(&wm.CreatePolicyRequest{Body: &wm.CreatePolicyRequestBody{Name: name}})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	return *res.Id
}

const wafUnknownID = "0123456789abcdef0123456789abcdef"

// TestWAFPolicies drives the protection-policy operations the way the
// Terraform provider does (create, then PATCH every switch, then read).
func TestWAFPolicies(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	cres, err := c.CreatePolicy(&wm.CreatePolicyRequest{EnterpriseProjectId: ptr("0"),
		Body: &wm.CreatePolicyRequestBody{Name: "tf_policy", LogActionReplaced: ptr(true)}})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK || cres.Id == nil || *cres.Name != "tf_policy" || *cres.Level != 2 ||
		cres.Options == nil || !*cres.Options.Geoip || cres.Hosts == nil || cres.Timestamp == nil {
		t.Fatalf("CreatePolicy response: %+v", cres)
	}
	id := *cres.Id
	off, on := ptr(false), ptr(true)
	category := wm.GetPolicyActionCategoryEnum().BLOCK
	ures, err := c.UpdatePolicy(&wm.UpdatePolicyRequest{PolicyId: id, Body: &wm.UpdatePolicyRequestBody{
		Name: ptr("tf_policy"), Level: ptr(int32(1)), FullDetection: on,
		Action:      &wm.PolicyAction{Category: &category},
		RobotAction: &wm.Action{Category: ptr("block")},
		Options: &wm.PolicyOption{Webattack: on, Common: on, Crawler: on, CrawlerEngine: off, CrawlerScanner: on,
			CrawlerScript: off, CrawlerOther: off, Webshell: on, Cc: on, Custom: on, Precise: off, Whiteblackip: off,
			Geoip: off, Ignore: on, Privacy: on, Antitamper: on, Antileakage: off, BotEnable: on, ModulexEnabled: off,
			FollowedAction: off, Anticrawler: off},
		Extend: map[string]string{"extend": `{"deep_decode":true,"check_all_headers":true,"shiro_rememberMe_enable":false}`},
	}})
	if err != nil {
		t.Fatalf("UpdatePolicy: %v", err)
	}
	if *ures.Level != 1 || !*ures.FullDetection || *ures.Options.Geoip || !*ures.Options.Webshell || ures.Action.Category.Value() != "block" {
		t.Fatalf("UpdatePolicy response: %+v", ures)
	}
	sres, err := c.ShowPolicy(&wm.ShowPolicyRequest{PolicyId: id})
	if err != nil {
		t.Fatalf("ShowPolicy: %v", err)
	}
	if *sres.Options.Whiteblackip || *sres.RobotAction.Category != "block" || sres.Extend["extend"] == "" {
		t.Fatalf("ShowPolicy: %+v", sres)
	}
	cp, err := c.CopyPolicyById(&wm.CopyPolicyByIdRequest{SrcPolicyId: id, DestPolicyName: "tf_policy_copy"})
	if err != nil {
		t.Fatalf("CopyPolicyById: %v", err)
	}
	if *cp.Name != "tf_policy_copy" || *cp.Level != 1 {
		t.Fatalf("CopyPolicyById: %+v", cp)
	}
	lres, err := c.ListPolicy(&wm.ListPolicyRequest{Page: ptr(int32(1)), Pagesize: ptr(int32(1))})
	if err != nil {
		t.Fatalf("ListPolicy: %v", err)
	}
	if *lres.Total != 2 || len(*lres.Items) != 1 {
		t.Fatalf("ListPolicy: total %d, %d items", *lres.Total, len(*lres.Items))
	}
	lres, err = c.ListPolicy(&wm.ListPolicyRequest{Name: ptr("copy")})
	if err != nil || *lres.Total != 1 {
		t.Fatalf("ListPolicy by name: %v %+v", err, lres)
	}
	bd, err := c.BatchDeletePolicies(&wm.BatchDeletePoliciesRequest{Body: &wm.BatchDeletePoliciesRequestBody{PolicyIds: &[]string{*cp.Id}}})
	if err != nil || len(*bd.PolicyIds) != 1 {
		t.Fatalf("BatchDeletePolicies: %v %+v", err, bd)
	}
	if _, err := c.DeletePolicy(&wm.DeletePolicyRequest{PolicyId: id}); err != nil {
		t.Fatalf("DeletePolicy: %v", err)
	}
	_, err = c.ShowPolicy(&wm.ShowPolicyRequest{PolicyId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	_, err = c.CreatePolicy(&wm.CreatePolicyRequest{Body: &wm.CreatePolicyRequestBody{Name: "bad name"}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021005")
}

// TestWAFGeoIPRules covers every geolocation operation, including the
// reference page's example.
func TestWAFGeoIPRules(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "geo")
	p2 := wafPolicy(t, c, "geo2")
	cres, err := c.CreateGeoipRule(&wm.CreateGeoipRuleRequest{PolicyId: pid, EnterpriseProjectId: ptr("0"),
		Body: &wm.CreateGeoIpRuleRequestBody{White: 0, Description: ptr("demo"), Name: ptr("demo"), Geoip: "SH|Afghanistan"}})
	if err != nil {
		t.Fatalf("CreateGeoipRule: %v", err)
	}
	if *cres.Policyid != pid || *cres.Name != "demo" || *cres.Status != 1 || *cres.Geoip != "SH|Afghanistan" || *cres.White != 0 ||
		*cres.Timestamp == 0 || len(*cres.GeoTagList) != 2 {
		t.Fatalf("CreateGeoipRule: %+v", cres)
	}
	id := *cres.Id
	_, err = c.CreateGeoipRule(&wm.CreateGeoipRuleRequest{PolicyId: pid, Body: &wm.CreateGeoIpRuleRequestBody{White: 1, Geoip: "SH"}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022004")
	_, err = c.CreateGeoipRule(&wm.CreateGeoipRuleRequest{PolicyId: pid, Body: &wm.CreateGeoIpRuleRequestBody{White: 1, Geoip: "Atlantis"}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")
	_, err = c.CreateGeoipRule(&wm.CreateGeoipRuleRequest{PolicyId: pid, Body: &wm.CreateGeoIpRuleRequestBody{White: 3, Geoip: "US"}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021014")

	show, err := c.ShowGeoipRule(&wm.ShowGeoipRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Geoip != "SH|Afghanistan" {
		t.Fatalf("ShowGeoipRule: %v %+v", err, show)
	}
	up, err := c.UpdateGeoipRule(&wm.UpdateGeoipRuleRequest{PolicyId: pid, RuleId: id,
		Body: &wm.UpdateGeoipRuleRequestBody{Name: ptr("demo2"), Geoip: "SH|GD", White: 2}})
	if err != nil || *up.Geoip != "SH|GD" || *up.White != 2 || *up.Name != "demo2" {
		t.Fatalf("UpdateGeoipRule: %v %+v", err, up)
	}
	st, err := c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: pid, RuleId: id,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().GEOIP, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}})
	if err != nil || *st.Status != 0 || *st.Id != id {
		t.Fatalf("UpdatePolicyRuleStatus: %v %+v", err, st)
	}
	bc, err := c.BatchCreateGeoIpRule(&wm.BatchCreateGeoIpRuleRequest{Body: &wm.BatchCreateGeoIpRuleRequestBody{
		Name: ptr("bulk"), Geoip: "US|JP", White: 1, PolicyIds: []string{pid, p2}}})
	if err != nil || *bc.Geoip != "US|JP" {
		t.Fatalf("BatchCreateGeoIpRule: %v %+v", err, bc)
	}
	lres, err := c.ListGeoipRule(&wm.ListGeoipRuleRequest{PolicyId: pid, Page: ptr(int32(1)), Pagesize: ptr(int32(10))})
	if err != nil || *lres.Total != 2 || len(*lres.Items) != 2 {
		t.Fatalf("ListGeoipRule: %v %+v", err, lres)
	}
	// Terraform's page/pagesize pager ends on an empty page.
	empty, err := c.ListGeoipRule(&wm.ListGeoipRuleRequest{PolicyId: pid, Page: ptr(int32(2)), Pagesize: ptr(int32(10))})
	if err != nil || *empty.Total != 2 || empty.Items == nil || len(*empty.Items) != 0 {
		t.Fatalf("ListGeoipRule past the end: %v %+v", err, empty)
	}
	all, err := c.ListGeoIpPolicyRules(&wm.ListGeoIpPolicyRulesRequest{Policyids: &[]string{pid, p2}, Page: ptr(int32(1)), Pagesize: ptr(int32(1000))})
	if err != nil || *all.Total != 3 {
		t.Fatalf("ListGeoIpPolicyRules: %v %+v", err, all)
	}
	var ids []wm.PolicyRuleIdRequestBodyPolicyRuleIds
	for _, it := range *all.Items {
		if *it.Name == "bulk" {
			ids = append(ids, wm.PolicyRuleIdRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
		}
	}
	bu, err := c.BatchUpdateGeoipRules(&wm.BatchUpdateGeoipRulesRequest{Body: &wm.BatchUpdateGeoipRulesRequestBody{
		PolicyRuleIds: ids, Geoip: ptr("FR|DE"), White: ptr(int32(2)), Status: ptr(int32(0))}})
	if err != nil || len(*bu.PolicyRuleIds) != 2 {
		t.Fatalf("BatchUpdateGeoipRules: %v %+v", err, bu)
	}
	m, err := c.ShowPolicyGeoipMap(&wm.ShowPolicyGeoipMapRequest{Lang: ptr(wm.GetShowPolicyGeoipMapRequestLangEnum().EN)})
	if err != nil || m.Geomap == nil || m.Locale == nil {
		t.Fatalf("ShowPolicyGeoipMap: %v %+v", err, m)
	}
	bd, err := c.BatchDeleteRules(&wm.BatchDeleteRulesRequest{RuleType: wm.GetBatchDeleteRulesRequestRuleTypeEnum().GEOIP,
		Body: &wm.PolicyRuleIdRequestBody{PolicyRuleIds: ids}})
	if err != nil || len(*bd.PolicyRuleIds) != 2 {
		t.Fatalf("BatchDeleteRules: %v %+v", err, bd)
	}
	del, err := c.DeleteGeoipRule(&wm.DeleteGeoipRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *del.Id != id {
		t.Fatalf("DeleteGeoipRule: %v %+v", err, del)
	}
	_, err = c.ShowGeoipRule(&wm.ShowGeoipRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
}

// TestWAFIPReputationRules covers every IP-reputation operation, including
// the reference page's update and Terraform's update body.
func TestWAFIPReputationRules(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "policy_name")
	p2 := wafPolicy(t, c, "other")
	cres, err := c.CreateIpReputationRule(&wm.CreateIpReputationRuleRequest{PolicyId: pid, Body: &wm.CreateIpReputationRuleRequestBody{
		Name: "name", Type: "idc", Tags: []string{"HW", "Tencent"},
		Action: &wm.CreateIpReputationRuleRequestBodyAction{Category: wm.GetCreateIpReputationRuleRequestBodyActionCategoryEnum().LOG}}})
	if err != nil || *cres.Type != "idc" || *cres.Status != 1 || *cres.Policyname != "policy_name" {
		t.Fatalf("CreateIpReputationRule: %v %+v", err, cres)
	}
	id := *cres.Id
	up, err := c.UpdateIpReputationRule(&wm.UpdateIpReputationRuleRequest{PolicyId: pid, RuleId: id, EnterpriseProjectId: ptr("0"),
		Body: &wm.UpdateIpReputationRuleRequestBody{Name: "name", Description: ptr("description"),
			Action: &wm.UpdateIpReputationRuleRequestBodyAction{Category: "block"}, Type: "idc", Tags: []string{"AliCloud"}}})
	if err != nil || *up.Id != id || *up.Description != "description" || !slices.Equal(*up.Tags, []string{"AliCloud"}) ||
		*up.Action.Category != "block" || *up.Status != 1 {
		t.Fatalf("UpdateIpReputationRule: %v %+v", err, up)
	}
	// Terraform's update: action may be null.
	res := s.DoSigned(t, RawRequest{Method: "PUT", Path: "/v1/" + s.ProjectID + "/waf/policy/" + pid + "/ip-reputation/" + id,
		Body: `{"name":"name","type":"idc","tags":["AliCloud","VNET"],"description":"","action":null}`})
	if res.Status != http.StatusOK {
		t.Fatalf("update with action null: %d %s", res.Status, res.Body)
	}
	show, err := c.ConfirmIpReputationRule(&wm.ConfirmIpReputationRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Action.Category != "block" || len(*show.Tags) != 2 || *show.Description != "" {
		t.Fatalf("ConfirmIpReputationRule: %v %+v", err, show)
	}
	_, err = c.CreateIpReputationRule(&wm.CreateIpReputationRuleRequest{PolicyId: pid, Body: &wm.CreateIpReputationRuleRequestBody{
		Name: "dup", Type: "idc", Tags: []string{"VNET"},
		Action: &wm.CreateIpReputationRuleRequestBodyAction{Category: wm.GetCreateIpReputationRuleRequestBodyActionCategoryEnum().PASS}}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022004")
	_, err = c.CreateIpReputationRule(&wm.CreateIpReputationRuleRequest{PolicyId: pid, Body: &wm.CreateIpReputationRuleRequestBody{
		Name: "bad", Type: "idc", Tags: []string{"Yahoo"},
		Action: &wm.CreateIpReputationRuleRequestBodyAction{Category: wm.GetCreateIpReputationRuleRequestBodyActionCategoryEnum().PASS}}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")

	bc, err := c.BatchCreateIpReputationRule(&wm.BatchCreateIpReputationRuleRequest{Policyids: ptr(pid + "," + p2),
		Body: &wm.BatchCreateIpReputationRuleRequestBody{Name: "bulk", Type: wm.GetBatchCreateIpReputationRuleRequestBodyTypeEnum().IDC,
			Tags: []string{"Google"}, PolicyIds: []string{pid, p2},
			Action: &wm.CreateIpReputationRuleRequestBodyAction{Category: wm.GetCreateIpReputationRuleRequestBodyActionCategoryEnum().BLOCK}}})
	if err != nil || *bc.Name != "bulk" {
		t.Fatalf("BatchCreateIpReputationRule: %v %+v", err, bc)
	}
	// Terraform's limit/offset pager: limit=200, offset advances until items is empty.
	var seen int
	for offset := int32(0); ; offset += 1 {
		l, err := c.ListIpReputationRules(&wm.ListIpReputationRulesRequest{PolicyId: pid, Limit: ptr(int32(1)), Offset: ptr(offset)})
		if err != nil {
			t.Fatalf("ListIpReputationRules: %v", err)
		}
		if len(*l.Items) == 0 {
			break
		}
		if *l.Total != 2 {
			t.Fatalf("total %d", *l.Total)
		}
		seen += len(*l.Items)
		if offset > 5 {
			t.Fatal("pager does not end")
		}
	}
	if seen != 2 {
		t.Fatalf("paged %d rules", seen)
	}
	all, err := c.ListIpReputationPolicyRules(&wm.ListIpReputationPolicyRulesRequest{Policyids: ptr(pid + "," + p2),
		Page: ptr(int32(1)), Pagesize: ptr(int32(1000))})
	if err != nil || *all.Total != 3 {
		t.Fatalf("ListIpReputationPolicyRules: %v %+v", err, all)
	}
	var ids []wm.BatchUpdateIpReputationRuleRequestBodyPolicyRuleIds
	var dids []wm.PolicyRuleIdRequestBodyPolicyRuleIds
	for _, it := range *all.Items {
		if *it.Name == "bulk" {
			ids = append(ids, wm.BatchUpdateIpReputationRuleRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
			dids = append(dids, wm.PolicyRuleIdRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
		}
	}
	bu, err := c.BatchUpdateIpReputationRules(&wm.BatchUpdateIpReputationRulesRequest{Body: &wm.BatchUpdateIpReputationRuleRequestBody{
		Name: "bulk2", Type: wm.GetBatchUpdateIpReputationRuleRequestBodyTypeEnum().IDC, Tags: []string{"Amazon"}, PolicyRuleIds: ids,
		Action: &wm.CreateIpReputationRuleRequestBodyAction{Category: wm.GetCreateIpReputationRuleRequestBodyActionCategoryEnum().LOG}}})
	if err != nil || len(*bu.PolicyRuleIds) != 2 {
		t.Fatalf("BatchUpdateIpReputationRules: %v %+v", err, bu)
	}
	m, err := c.ConfirmPolicyIpReputationMap(&wm.ConfirmPolicyIpReputationMapRequest{
		Lang: ptr(wm.GetConfirmPolicyIpReputationMapRequestLangEnum().EN), Type: wm.GetConfirmPolicyIpReputationMapRequestTypeEnum().IDC})
	if err != nil || len(*m.IpReputationMap.Idc) != 9 || *m.Locale.Hw == "" {
		t.Fatalf("ConfirmPolicyIpReputationMap: %v %+v", err, m)
	}
	st, err := c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: pid, RuleId: id,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().IP_REPUTATION, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}})
	if err != nil || *st.Status != 0 {
		t.Fatalf("UpdatePolicyRuleStatus: %v %+v", err, st)
	}
	if _, err := c.BatchDeleteRules(&wm.BatchDeleteRulesRequest{RuleType: wm.GetBatchDeleteRulesRequestRuleTypeEnum().IP_REPUTATION,
		Body: &wm.PolicyRuleIdRequestBody{PolicyRuleIds: dids}}); err != nil {
		t.Fatalf("BatchDeleteRules: %v", err)
	}
	del, err := c.DeleteIpReputationRule(&wm.DeleteIpReputationRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *del.Id != id || *del.Status != 0 {
		t.Fatalf("DeleteIpReputationRule: %v %+v", err, del)
	}
	_, err = c.ConfirmIpReputationRule(&wm.ConfirmIpReputationRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
}

// TestWAFWhiteBlackIPRulesAndGroups covers black/white IP rules and IP groups.
func TestWAFWhiteBlackIPRulesAndGroups(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "wb")
	p2 := wafPolicy(t, c, "wb2")
	g, err := c.CreateIpGroup(&wm.CreateIpGroupRequest{Body: &wm.CreateIpGroupRequestBody{Name: "partners",
		Ips: "10.0.0.0/8,192.0.2.7", IpRemarks: map[string]string{"192.0.2.7": "vpn"}, Description: ptr("d")}})
	if err != nil || *g.Size != 2 || *g.Ips != "10.0.0.0/8,192.0.2.7" || g.Rules == nil {
		t.Fatalf("CreateIpGroup: %v %+v", err, g)
	}
	gid := *g.Id
	cres, err := c.CreateWhiteblackipRule(&wm.CreateWhiteblackipRuleRequest{PolicyId: pid, Body: &wm.CreateWhiteBlackIpRuleRequestBody{
		Name: "office", Addr: ptr("42.123.120.0/16"), White: 1}})
	if err != nil || *cres.Addr != "42.123.120.0/16" || *cres.White != 1 || *cres.TimeMode != "permanent" || *cres.Status != 1 {
		t.Fatalf("CreateWhiteblackipRule: %v %+v", err, cres)
	}
	id := *cres.Id
	mode := wm.GetCreateWhiteBlackIpRuleRequestBodyTimeModeEnum().CUSTOMIZE
	gr, err := c.CreateWhiteblackipRule(&wm.CreateWhiteblackipRuleRequest{PolicyId: pid, Body: &wm.CreateWhiteBlackIpRuleRequestBody{
		Name: "partners", IpGroupId: ptr(gid), White: 0, TimeMode: &mode, Start: ptr(int32(1700000000)), Terminal: ptr(int32(1800000000))}})
	if err != nil || *gr.IpGroup.Id != gid || *gr.IpGroup.Size != 2 || *gr.Start != 1700000000 {
		t.Fatalf("CreateWhiteblackipRule with a group: %v %+v", err, gr)
	}
	_, err = c.CreateWhiteblackipRule(&wm.CreateWhiteblackipRuleRequest{PolicyId: pid, Body: &wm.CreateWhiteBlackIpRuleRequestBody{
		Name: "all", Addr: ptr("0.0.0.0/0"), White: 0}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021009")
	_, err = c.CreateWhiteblackipRule(&wm.CreateWhiteblackipRuleRequest{PolicyId: pid, Body: &wm.CreateWhiteBlackIpRuleRequestBody{
		Name: "both", Addr: ptr("192.0.2.1"), IpGroupId: ptr(gid), White: 0}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")

	show, err := c.ShowWhiteBlackIpRule(&wm.ShowWhiteBlackIpRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Name != "office" {
		t.Fatalf("ShowWhiteBlackIpRule: %v %+v", err, show)
	}
	up, err := c.UpdateWhiteblackipRule(&wm.UpdateWhiteblackipRuleRequest{PolicyId: pid, RuleId: id, Body: &wm.UpdateWhiteBlackIpRuleRequestBody{
		Name: "office2", Addr: ptr("2001:db8::/32"), White: 2, Description: ptr("v6")}})
	if err != nil || *up.Addr != "2001:db8::/32" || *up.White != 2 {
		t.Fatalf("UpdateWhiteblackipRule: %v %+v", err, up)
	}
	if _, err := c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: pid, RuleId: id,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().WHITEBLACKIP, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}}); err != nil {
		t.Fatalf("UpdatePolicyRuleStatus: %v", err)
	}
	bc, err := c.BatchCreateWhiteblackipRule(&wm.BatchCreateWhiteblackipRuleRequest{Policyids: ptr(pid + "," + p2),
		Body: &wm.BacthCreateWhiteBlackIpRuleRequestBody{Name: "bulk", Addr: ptr("203.0.113.0/24"), White: 0, PolicyIds: []string{pid, p2}}})
	if err != nil || *bc.Addr != "203.0.113.0/24" {
		t.Fatalf("BatchCreateWhiteblackipRule: %v %+v", err, bc)
	}
	l, err := c.ListWhiteblackipRule(&wm.ListWhiteblackipRuleRequest{PolicyId: pid, Page: ptr(int32(1)), Pagesize: ptr(int32(2))})
	if err != nil || *l.Total != 3 || len(*l.Items) != 2 {
		t.Fatalf("ListWhiteblackipRule: %v %+v", err, l)
	}
	all, err := c.ListWhiteblackipPolicyRules(&wm.ListWhiteblackipPolicyRulesRequest{Policyids: ptr(pid + "," + p2)})
	if err != nil || *all.Total != 4 {
		t.Fatalf("ListWhiteblackipPolicyRules: %v %+v", err, all)
	}
	var ids []wm.BatchUpdateWhiteBlackIpRuleRequestBodyPolicyRuleIds
	var dids []wm.PolicyRuleIdRequestBodyPolicyRuleIds
	for _, it := range *all.Items {
		if *it.Name == "bulk" {
			ids = append(ids, wm.BatchUpdateWhiteBlackIpRuleRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
			dids = append(dids, wm.PolicyRuleIdRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
		}
	}
	if _, err := c.BatchUpdateWhiteblackipRules(&wm.BatchUpdateWhiteblackipRulesRequest{Body: &wm.BatchUpdateWhiteBlackIpRuleRequestBody{
		Name: "bulk", Addr: ptr("198.51.100.0/24"), White: 1, PolicyRuleIds: ids}}); err != nil {
		t.Fatalf("BatchUpdateWhiteblackipRules: %v", err)
	}
	sg, err := c.ShowIpGroup(&wm.ShowIpGroupRequest{Id: gid})
	if err != nil || len(*sg.Rules) != 1 || *(*sg.Rules)[0].RuleId != *gr.Id {
		t.Fatalf("ShowIpGroup: %v %+v", err, sg)
	}
	lg, err := c.ListIpGroup(&wm.ListIpGroupRequest{Ip: ptr("10.1.2.3")})
	if err != nil || *lg.Total != 1 {
		t.Fatalf("ListIpGroup: %v %+v", err, lg)
	}
	_, err = c.DeleteIpGroup(&wm.DeleteIpGroupRequest{Id: gid})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022003")
	add := wm.GetUpdateIpGroupRequestActionEnum().ADD
	ug, err := c.UpdateIpGroup(&wm.UpdateIpGroupRequest{Id: gid, Action: &add, Body: &wm.UpdateIpGroupRequestBody{Ips: "203.0.113.5"}})
	if err != nil || *ug.Size != 3 {
		t.Fatalf("UpdateIpGroup: %v %+v", err, ug)
	}
	if _, err := c.BatchDeleteRules(&wm.BatchDeleteRulesRequest{RuleType: wm.GetBatchDeleteRulesRequestRuleTypeEnum().WHITEBLACKIP,
		Body: &wm.PolicyRuleIdRequestBody{PolicyRuleIds: dids}}); err != nil {
		t.Fatalf("BatchDeleteRules: %v", err)
	}
	if _, err := c.DeleteWhiteBlackIpRule(&wm.DeleteWhiteBlackIpRuleRequest{PolicyId: pid, RuleId: *gr.Id}); err != nil {
		t.Fatalf("DeleteWhiteBlackIpRule: %v", err)
	}
	if _, err := c.DeleteIpGroup(&wm.DeleteIpGroupRequest{Id: gid}); err != nil {
		t.Fatalf("DeleteIpGroup: %v", err)
	}
	_, err = c.ShowWhiteBlackIpRule(&wm.ShowWhiteBlackIpRuleRequest{PolicyId: pid, RuleId: *gr.Id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
}

// TestWAFHosts covers the cloud-mode host operations and the policy binding.
func TestWAFHosts(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	http1 := wm.GetCloudWafServerFrontProtocolEnum().HTTP
	back := wm.GetCloudWafServerBackProtocolEnum().HTTP
	v4 := wm.GetCloudWafServerTypeEnum().IPV4
	lb := wm.GetCreateHostRequestBodyLbAlgorithmEnum().ROUND_ROBIN
	h, err := c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: "www.example.com", Proxy: false,
		LbAlgorithm: &lb, Server: []wm.CloudWafServer{{FrontProtocol: http1, BackProtocol: back, Address: "192.0.2.10", Port: 8080, Type: v4, Weight: ptr(int32(2))}}}})
	if err != nil || *h.Hostname != "www.example.com" || *h.Policyid == "" || *h.ProtectStatus != 1 || len(*h.Server) != 1 ||
		h.LbAlgorithm.Value() != "round_robin" || h.Flag.Cname.Value() == "" {
		t.Fatalf("CreateHost: %v %+v", err, h)
	}
	id, auto := *h.Id, *h.Policyid
	_, err = c.DeletePolicy(&wm.DeletePolicyRequest{PolicyId: auto})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022003")
	pid := wafPolicy(t, c, "shared")
	bound, err := c.UpdatePolicyProtectHost(&wm.UpdatePolicyProtectHostRequest{PolicyId: pid, Hosts: id})
	if err != nil || len(*bound.Hosts) != 1 || (*bound.BindHost)[0].Hostname == nil || *(*bound.BindHost)[0].Hostname != "www.example.com" {
		t.Fatalf("UpdatePolicyProtectHost: %v %+v", err, bound)
	}
	if _, err := c.DeletePolicy(&wm.DeletePolicyRequest{PolicyId: auto}); err != nil {
		t.Fatalf("DeletePolicy of the freed policy: %v", err)
	}
	tls := wm.GetUpdateHostRequestBodyTlsEnum().TLS_V1_2
	up, err := c.UpdateHost(&wm.UpdateHostRequest{InstanceId: id, Body: &wm.UpdateHostRequestBody{Proxy: ptr(true), Tls: &tls,
		Server: &[]wm.CloudWafServer{{FrontProtocol: http1, BackProtocol: back, Address: "192.0.2.11", Port: 80, Type: v4}},
		Extend: map[string]string{"k": "v"}}})
	if err != nil || !*up.Proxy || *up.Policyid != pid || (*up.Server)[0].Address != "192.0.2.11" || up.Extend["k"] != "v" {
		t.Fatalf("UpdateHost: %v %+v", err, up)
	}
	ps, err := c.UpdateHostProtectStatus(&wm.UpdateHostProtectStatusRequest{InstanceId: id, Body: &wm.UpdateHostProtectStatusRequestBody{ProtectStatus: 0}})
	if err != nil || *ps.ProtectStatus != 0 {
		t.Fatalf("UpdateHostProtectStatus: %v %+v", err, ps)
	}
	as, err := c.UpdateHostAccessStatusOfUnderline(&wm.UpdateHostAccessStatusOfUnderlineRequest{InstanceId: id,
		Body: &wm.AccessStatusBody{AccessStatus: ptr(int32(1))}})
	if err != nil || *as.AccessStatus != 1 {
		t.Fatalf("UpdateHostAccessStatusOfUnderline: %v %+v", err, as)
	}
	show, err := c.ShowHost(&wm.ShowHostRequest{InstanceId: id})
	if err != nil || *show.ProtectStatus != 0 || *show.AccessStatus != 1 || show.Tls.Value() == "" {
		t.Fatalf("ShowHost: %v %+v", err, show)
	}
	for i := range 3 {
		if _, err := c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: fmt.Sprintf("h%d.example.org", i),
			Policyid: ptr(pid), Server: []wm.CloudWafServer{{FrontProtocol: http1, BackProtocol: back, Address: "192.0.2.20", Port: 80, Type: v4}}}}); err != nil {
			t.Fatalf("CreateHost %d: %v", i, err)
		}
	}
	l, err := c.ListHost(&wm.ListHostRequest{Page: ptr(int32(2)), Pagesize: ptr(int32(3))})
	if err != nil || *l.Total != 4 || len(*l.Items) != 1 || *(*l.Items)[0].Hostid == "" {
		t.Fatalf("ListHost: %v %+v", err, l)
	}
	l, err = c.ListHost(&wm.ListHostRequest{Hostname: ptr("example.org"), Policyname: ptr("shared")})
	if err != nil || *l.Total != 3 {
		t.Fatalf("ListHost filters: %v %+v", err, l)
	}
	del, err := c.DeleteHost(&wm.DeleteHostRequest{InstanceId: id})
	if err != nil || *del.Id != id {
		t.Fatalf("DeleteHost: %v %+v", err, del)
	}
	_, err = c.ShowHost(&wm.ShowHostRequest{InstanceId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	_, err = c.CreateHost(&wm.CreateHostRequest{Body: &wm.CreateHostRequestBody{Hostname: "h0.example.org",
		Server: []wm.CloudWafServer{{FrontProtocol: http1, BackProtocol: back, Address: "192.0.2.20", Port: 80, Type: v4}}}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00014007")
}
