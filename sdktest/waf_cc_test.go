package sdktest

import (
	"net/http"
	"testing"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFCCRules covers every CC rule operation of the SDK,
// UpdatePolicyRuleStatus and BatchDeleteRules with rule_type cc, and the
// errors of bad input.
func TestWAFCCRules(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "cc")
	p2 := wafPolicy(t, c, "cc2")
	cat, act := wm.GetCcConditionCategoryEnum(), wm.GetCreateCcRuleRequestBodyActionCategoryEnum()
	tag := wm.GetCreateCcRuleRequestBodyTagTypeEnum()
	ctype := wm.GetCreateCcRuleRequestBodyActionDetailResponseContentTypeEnum()
	conds := []wm.CcCondition{
		{Category: cat.URL, LogicOperation: "prefix", Contents: &[]string{"/login"}},
		{Category: cat.HEADER, Index: ptr("x-client"), LogicOperation: "exist"},
	}
	body := wm.CreateCcRuleRequestBody{Name: ptr("login"), Description: ptr("slow down logins"), Mode: 1, Conditions: conds,
		Action: &wm.CreateCcRuleRequestBodyAction{Category: act.BLOCK, Detail: &wm.CreateCcRuleRequestBodyActionDetail{
			Response: &wm.CreateCcRuleRequestBodyActionDetailResponse{ContentType: &ctype.APPLICATION_JSON, Content: ptr(`{"e":1}`)}}},
		TagType: tag.COOKIE, TagIndex: ptr("sid"), LimitNum: 10, LimitPeriod: 60, LockTime: ptr(int32(120)),
		DomainAggregation: ptr(true), RegionAggregation: ptr(true), Priority: ptr(int32(5)), CcPriority: ptr(int32(100))}
	cres, err := c.CreateCcRule(&wm.CreateCcRuleRequest{PolicyId: pid, EnterpriseProjectId: ptr("0"), Body: &body})
	if err != nil {
		t.Fatalf("CreateCcRule: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK || *cres.Policyid != pid || *cres.Name != "login" || *cres.Status != 1 || *cres.Mode != 1 ||
		len(*cres.Conditions) != 2 || cres.Action.Category.Value() != "block" || cres.Action.Detail.Response.ContentType.Value() != "application/json" ||
		*cres.Action.Detail.Response.Content != `{"e":1}` || cres.TagType.Value() != "cookie" || *cres.TagIndex != "sid" ||
		*cres.LimitNum != 10 || *cres.LimitPeriod != 60 || *cres.LockTime != 120 || !*cres.DomainAggregation || !*cres.RegionAggregation ||
		*cres.Priority != 5 || *cres.CcPriority != 100 || *cres.Timestamp == 0 {
		t.Fatalf("CreateCcRule: %+v", cres)
	}
	id := *cres.Id
	for _, bad := range []struct {
		change func(b *wm.CreateCcRuleRequestBody)
		code   string
	}{
		{func(b *wm.CreateCcRuleRequestBody) { b.Action = nil }, "WAF.00021014"},
		{func(b *wm.CreateCcRuleRequestBody) { b.Conditions = nil }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) { b.LimitPeriod = 3601 }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) { b.LimitNum = 0 }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) { b.TagIndex = nil }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) { b.TagType = tag.OTHER; b.TagIndex = nil }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) { b.UnlockNum = ptr(int32(3)) }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) { b.Priority = ptr(int32(101)) }, "WAF.00021003"},
		{func(b *wm.CreateCcRuleRequestBody) {
			b.Conditions = []wm.CcCondition{{Category: cat.ASN, LogicOperation: "equal", Contents: &[]string{"1"}}}
		}, "WAF.00013002"},
		{func(b *wm.CreateCcRuleRequestBody) {
			b.Conditions = []wm.CcCondition{{Category: cat.URL, LogicOperation: "prefix_any", ValueListId: ptr(wafUnknownID)}}
		}, "WAF.00021003"},
	} {
		b := body
		bad.change(&b)
		_, err = c.CreateCcRule(&wm.CreateCcRuleRequest{PolicyId: pid, Body: &b})
		WantServiceError(t, err, http.StatusBadRequest, bad.code)
	}
	_, err = c.CreateCcRule(&wm.CreateCcRuleRequest{PolicyId: wafUnknownID, Body: &body})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")

	show, err := c.ShowCcRule(&wm.ShowCcRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Name != "login" || *show.Description != "slow down logins" || len(*show.Conditions) != 2 ||
		*(*show.Conditions)[1].Index != "x-client" || (*show.Conditions)[0].Category.Value() != "url" {
		t.Fatalf("ShowCcRule: %v %+v", err, show)
	}
	utag := wm.GetUpdateCcRuleRequestBodyTagTypeEnum()
	up, err := c.UpdateCcRule(&wm.UpdateCcRuleRequest{PolicyId: pid, RuleId: id, Body: &wm.UpdateCcRuleRequestBody{
		Name: ptr("api"), Mode: 0, Url: ptr("/api"), Action: &wm.CreateCcRuleRequestBodyAction{Category: act.CAPTCHA},
		TagType: utag.OTHER, TagCondition: &wm.CcrulesListInfoTagCondition{Category: ptr("referer"), Contents: &[]string{"https://a.example"}},
		LimitNum: 3, LimitPeriod: 1}})
	if err != nil || *up.Id != id || *up.Name != "api" || *up.Mode != 0 || *up.Url != "/api" || up.Conditions != nil ||
		up.Action.Category.Value() != "captcha" || up.TagType.Value() != "other" || (*up.TagCondition.Contents)[0] != "https://a.example" ||
		up.Priority != nil || *up.LockTime != 0 {
		t.Fatalf("UpdateCcRule: %v %+v", err, up)
	}
	_, err = c.UpdateCcRule(&wm.UpdateCcRuleRequest{PolicyId: pid, RuleId: wafUnknownID, Body: &wm.UpdateCcRuleRequestBody{
		Mode: 0, Url: ptr("/api"), Action: &wm.CreateCcRuleRequestBodyAction{Category: act.LOG}, TagType: utag.IP, LimitNum: 1, LimitPeriod: 1}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	st, err := c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: pid, RuleId: id,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().CC, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}})
	if err != nil || *st.Status != 0 || *st.Id != id {
		t.Fatalf("UpdatePolicyRuleStatus: %v %+v", err, st)
	}
	bact, btag := wm.GetBatchCreateCcRuleRequestBodyActionCategoryEnum(), wm.GetBatchCreateCcRuleRequestBodyTagTypeEnum()
	bc, err := c.BatchCreateCcRule(&wm.BatchCreateCcRuleRequest{Body: &wm.BatchCreateCcRuleRequestBody{
		Name: ptr("bulk"), Mode: 1, Conditions: conds[:1], Action: &wm.BatchCreateCcRuleRequestBodyAction{Category: bact.DYNAMIC_BLOCK},
		TagType: btag.IP, LimitNum: 100, LimitPeriod: 10, UnlockNum: ptr(int32(20)), PolicyIds: []string{pid, p2}}})
	if err != nil || *bc.Name != "bulk" || *bc.Policyid != pid || *bc.UnlockNum != 20 || bc.Action.Category.Value() != "dynamic_block" {
		t.Fatalf("BatchCreateCcRule: %v %+v", err, bc)
	}
	_, err = c.BatchCreateCcRule(&wm.BatchCreateCcRuleRequest{Body: &wm.BatchCreateCcRuleRequestBody{
		Name: ptr("bulk"), Mode: 1, Conditions: conds[:1], Action: &wm.BatchCreateCcRuleRequestBodyAction{Category: bact.LOG},
		TagType: btag.IP, LimitNum: 100, LimitPeriod: 10, PolicyIds: []string{pid, wafUnknownID}}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	lres, err := c.ListCcRules(&wm.ListCcRulesRequest{PolicyId: pid, Page: ptr(int32(1)), Pagesize: ptr(int32(10))})
	if err != nil || *lres.Total != 2 || len(*lres.Items) != 2 || *(*lres.Items)[0].Status != 0 || *(*lres.Items)[1].Name != "bulk" {
		t.Fatalf("ListCcRules: %v %+v", err, lres)
	}
	if off, err := c.ListCcRules(&wm.ListCcRulesRequest{PolicyId: pid, Offset: ptr(int32(1)), Limit: ptr(int32(10))}); err != nil ||
		*off.Total != 2 || len(*off.Items) != 1 || *(*off.Items)[0].Name != "bulk" {
		t.Fatalf("ListCcRules by offset: %v %+v", err, off)
	}
	if named, err := c.ListCcRules(&wm.ListCcRulesRequest{PolicyId: pid, Name: ptr("bul")}); err != nil || *named.Total != 1 {
		t.Fatalf("ListCcRules by name: %v %+v", err, named)
	}
	all, err := c.ListCcPolicyRules(&wm.ListCcPolicyRulesRequest{Policyids: ptr(pid + "," + p2), Page: ptr(int32(1)), Pagesize: ptr(int32(1000))})
	if err != nil || *all.Total != 3 {
		t.Fatalf("ListCcPolicyRules: %v %+v", err, all)
	}
	var ids []wm.BatchUpdateCcRulesRequestBodyPolicyRuleIds
	var delIDs []wm.PolicyRuleIdRequestBodyPolicyRuleIds
	for _, it := range *all.Items {
		if *it.Name == "bulk" {
			ids = append(ids, wm.BatchUpdateCcRulesRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
			delIDs = append(delIDs, wm.PolicyRuleIdRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
		}
	}
	bu, err := c.BatchUpdateCcRules(&wm.BatchUpdateCcRulesRequest{Body: &wm.BatchUpdateCcRulesRequestBody{
		Name: ptr("bulk2"), Mode: 1, Conditions: conds, Action: &wm.CreateCcRuleRequestBodyAction{Category: act.LOG},
		TagType: wm.GetBatchUpdateCcRulesRequestBodyTagTypeEnum().DOMAIN, LimitNum: 7, LimitPeriod: 7, PolicyRuleIds: ids}})
	if err != nil || len(*bu.PolicyRuleIds) != 2 {
		t.Fatalf("BatchUpdateCcRules: %v %+v", err, bu)
	}
	if show, _ := c.ShowCcRule(&wm.ShowCcRuleRequest{PolicyId: ids[1].PolicyId, RuleId: ids[1].RuleIds[0]}); *show.Name != "bulk2" ||
		*show.LimitNum != 7 || show.TagType.Value() != "domain" || len(*show.Conditions) != 2 || *show.Status != 1 || *show.UnlockNum != 0 {
		t.Fatalf("after BatchUpdateCcRules: %+v", show)
	}
	_, err = c.BatchUpdateCcRules(&wm.BatchUpdateCcRulesRequest{Body: &wm.BatchUpdateCcRulesRequestBody{
		Mode: 1, Conditions: conds, Action: &wm.CreateCcRuleRequestBodyAction{Category: act.LOG}, LimitNum: 7, LimitPeriod: 7, PolicyRuleIds: ids}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003") // no tag_type
	bd, err := c.BatchDeleteRules(&wm.BatchDeleteRulesRequest{RuleType: wm.GetBatchDeleteRulesRequestRuleTypeEnum().CC,
		Body: &wm.PolicyRuleIdRequestBody{PolicyRuleIds: delIDs}})
	if err != nil || len(*bd.PolicyRuleIds) != 2 {
		t.Fatalf("BatchDeleteRules: %v %+v", err, bd)
	}
	del, err := c.DeleteCcRule(&wm.DeleteCcRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *del.Id != id {
		t.Fatalf("DeleteCcRule: %v %+v", err, del)
	}
	_, err = c.ShowCcRule(&wm.ShowCcRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	if all, _ := c.ListCcPolicyRules(&wm.ListCcPolicyRulesRequest{}); *all.Total != 0 {
		t.Fatalf("ListCcPolicyRules after the deletes: %+v", all)
	}
}

// TestWAFPunishmentRules covers every known-attack-source rule operation
// of the SDK, and a precise-protection rule that follows one.
func TestWAFPunishmentRules(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "punish")
	cat, unit := wm.GetCreatePunishmentRuleRequestBodyCategoryEnum(), wm.GetCreatePunishmentRuleRequestBodyTimeUnitEnum()
	cres, err := c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: pid, EnterpriseProjectId: ptr("0"),
		Body: &wm.CreatePunishmentRuleRequestBody{Category: cat.LONG_IP_BLOCK, TimeUnit: &unit.HOUR, BlockTime: 12, Description: ptr("scanners")}})
	if err != nil {
		t.Fatalf("CreatePunishmentRule: %v", err)
	}
	if *cres.Policyid != pid || *cres.Category != "long_ip_block" || *cres.TimeUnit != "HOUR" || *cres.BlockTime != 12 ||
		*cres.Description != "scanners" || *cres.Timestamp == 0 {
		t.Fatalf("CreatePunishmentRule: %+v", cres)
	}
	id := *cres.Id
	_, err = c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: pid,
		Body: &wm.CreatePunishmentRuleRequestBody{Category: cat.LONG_IP_BLOCK, BlockTime: 400}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022004")
	_, err = c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: pid,
		Body: &wm.CreatePunishmentRuleRequestBody{Category: cat.SHORT_IP_BLOCK, BlockTime: 301}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")
	_, err = c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: wafUnknownID,
		Body: &wm.CreatePunishmentRuleRequestBody{Category: cat.SHORT_IP_BLOCK, BlockTime: 30}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	short, err := c.CreatePunishmentRule(&wm.CreatePunishmentRuleRequest{PolicyId: pid,
		Body: &wm.CreatePunishmentRuleRequestBody{Category: cat.SHORT_HEADER_BLOCK, BlockTime: 30}})
	if err != nil || *short.TimeUnit != "SECOND" {
		t.Fatalf("CreatePunishmentRule short: %v %+v", err, short)
	}
	show, err := c.ShowPunishmentRule(&wm.ShowPunishmentRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Category != "long_ip_block" || *show.BlockTime != 12 {
		t.Fatalf("ShowPunishmentRule: %v %+v", err, show)
	}
	ucat, uunit := wm.GetUpdatePunishmentRuleRequestBodyCategoryEnum(), wm.GetUpdatePunishmentRuleRequestBodyTimeUnitEnum()
	up, err := c.UpdatePunishmentRule(&wm.UpdatePunishmentRuleRequest{PolicyId: pid, RuleId: id,
		Body: &wm.UpdatePunishmentRuleRequestBody{Category: ucat.LONG_IP_BLOCK, TimeUnit: &uunit.DAY, BlockTime: 90}})
	if err != nil || *up.Id != id || *up.TimeUnit != "DAY" || *up.BlockTime != 90 || *up.Description != "" {
		t.Fatalf("UpdatePunishmentRule: %v %+v", err, up)
	}
	_, err = c.UpdatePunishmentRule(&wm.UpdatePunishmentRuleRequest{PolicyId: pid, RuleId: id,
		Body: &wm.UpdatePunishmentRuleRequestBody{Category: ucat.SHORT_IP_BLOCK, BlockTime: 30}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003") // the category cannot change
	list, err := c.ListPunishmentRules(&wm.ListPunishmentRulesRequest{PolicyId: pid})
	if err != nil || *list.Total != 2 || len(*list.Items) != 2 || *(*list.Items)[0].Id != id {
		t.Fatalf("ListPunishmentRules: %v %+v", err, list)
	}
	// A precise-protection rule that follows the rule keeps it from deletion.
	cact, ccat := wm.GetCustomActionCategoryEnum(), wm.GetCustomConditionsCategoryEnum()
	custom, err := c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: pid, Body: &wm.CreateCustomRuleRequestBody{
		Name: "follow", Priority: 1, Action: &wm.CustomAction{Category: cact.BLOCK, FollowedActionId: ptr(id)},
		Conditions: []wm.CustomConditions{{Category: &ccat.URL, LogicOperation: ptr("prefix"), Contents: &[]string{"/"}}}}})
	if err != nil || *custom.Action.FollowedActionId != id {
		t.Fatalf("CreateCustomRule following %s: %v %+v", id, err, custom)
	}
	_, err = c.DeletePunishmentRule(&wm.DeletePunishmentRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022003")
	if _, err := c.DeleteCustomRule(&wm.DeleteCustomRuleRequest{PolicyId: pid, RuleId: *custom.Id}); err != nil {
		t.Fatalf("DeleteCustomRule: %v", err)
	}
	del, err := c.DeletePunishmentRule(&wm.DeletePunishmentRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *del.Id != id || *del.Category != "long_ip_block" {
		t.Fatalf("DeletePunishmentRule: %v %+v", err, del)
	}
	_, err = c.ShowPunishmentRule(&wm.ShowPunishmentRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
}
