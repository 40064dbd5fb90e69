package sdktest

import (
	"net/http"
	"testing"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFCustomRules covers every precise-protection (custom) operation of
// the SDK, UpdatePolicyRuleStatus and BatchDeleteRules with rule_type
// custom, and the errors of bad input.
func TestWAFCustomRules(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "custom")
	p2 := wafPolicy(t, c, "custom2")
	cat, act := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	conds := []wm.CustomConditions{
		{Category: &cat.URL, LogicOperation: ptr("prefix"), Contents: &[]string{"/admin"}},
		{Category: &cat.IP, LogicOperation: ptr("not_equal"), Contents: &[]string{"192.0.2.0/24"}},
		{Category: &cat.HEADER, Index: ptr("x-debug"), LogicOperation: ptr("exist")},
	}
	cres, err := c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: pid, EnterpriseProjectId: ptr("0"),
		Body: &wm.CreateCustomRuleRequestBody{Name: "admin", Description: ptr("admin area"), Time: true,
			Start: ptr(int64(1700000000)), Terminal: ptr(int64(1800000000)), Priority: 5, Conditions: conds,
			Action: &wm.CustomAction{Category: act.BLOCK}}})
	if err != nil {
		t.Fatalf("CreateCustomRule: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK || *cres.Policyid != pid || *cres.Name != "admin" || *cres.Status != 1 ||
		*cres.Priority != 5 || !*cres.Time || *cres.Start != 1700000000 || *cres.Terminal != 1800000000 ||
		len(*cres.Conditions) != 3 || cres.Action.Category.Value() != "block" || *cres.Timestamp == 0 {
		t.Fatalf("CreateCustomRule: %+v", cres)
	}
	id := *cres.Id
	for _, bad := range []struct {
		body *wm.CreateCustomRuleRequestBody
		code string
	}{
		{&wm.CreateCustomRuleRequestBody{Name: "x", Priority: 1, Conditions: conds}, "WAF.00021014"},                                                 // no action
		{&wm.CreateCustomRuleRequestBody{Name: "x", Priority: 1001, Conditions: conds, Action: &wm.CustomAction{Category: act.LOG}}, "WAF.00021003"}, // priority
		{&wm.CreateCustomRuleRequestBody{Name: "x", Priority: 1, Action: &wm.CustomAction{Category: act.LOG}}, "WAF.00021003"},                       // no conditions
		{&wm.CreateCustomRuleRequestBody{Name: "x", Priority: 1, Action: &wm.CustomAction{Category: act.LOG},
			Conditions: []wm.CustomConditions{{Category: &cat.METHOD, LogicOperation: ptr("contain"), Contents: &[]string{"GET"}}}}, "WAF.00021003"},
		{&wm.CreateCustomRuleRequestBody{Name: "x", Priority: 1, Action: &wm.CustomAction{Category: act.LOG},
			Conditions: []wm.CustomConditions{{Category: &cat.PARAMS, LogicOperation: ptr("contain"), Contents: &[]string{"a"}}}}, "WAF.00021003"},
		{&wm.CreateCustomRuleRequestBody{Name: "x", Priority: 1, Action: &wm.CustomAction{Category: act.LOG},
			Conditions: []wm.CustomConditions{{Category: &cat.URL, LogicOperation: ptr("prefix_any"), ValueListId: ptr(wafUnknownID)}}}, "WAF.00021003"},
	} {
		_, err = c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: pid, Body: bad.body})
		WantServiceError(t, err, http.StatusBadRequest, bad.code)
	}
	_, err = c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: wafUnknownID, Body: &wm.CreateCustomRuleRequestBody{
		Name: "x", Priority: 1, Conditions: conds, Action: &wm.CustomAction{Category: act.LOG}}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")

	show, err := c.ShowCustomRule(&wm.ShowCustomRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Name != "admin" || *show.Description != "admin area" || len(*show.Conditions) != 3 ||
		*(*show.Conditions)[2].Index != "x-debug" || *(*show.Conditions)[1].Category != "ip" {
		t.Fatalf("ShowCustomRule: %v %+v", err, show)
	}
	up, err := c.UpdateCustomRule(&wm.UpdateCustomRuleRequest{PolicyId: pid, RuleId: id, Body: &wm.UpdateCustomRuleRequestBody{
		Name: "admin2", Priority: 0, Conditions: conds[:1], Action: &wm.CustomAction{Category: act.PASS}}})
	if err != nil || *up.Id != id || *up.Name != "admin2" || *up.Time || up.Start != nil || up.Action.Category.Value() != "pass" {
		t.Fatalf("UpdateCustomRule: %v %+v", err, up)
	}
	_, err = c.UpdateCustomRule(&wm.UpdateCustomRuleRequest{PolicyId: pid, RuleId: wafUnknownID, Body: &wm.UpdateCustomRuleRequestBody{
		Name: "admin2", Conditions: conds[:1], Action: &wm.CustomAction{Category: act.PASS}}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	st, err := c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: pid, RuleId: id,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().CUSTOM, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}})
	if err != nil || *st.Status != 0 || *st.Id != id {
		t.Fatalf("UpdatePolicyRuleStatus: %v %+v", err, st)
	}
	bc, err := c.BatchCreateCustomRule(&wm.BatchCreateCustomRuleRequest{Body: &wm.BatchCreateCustomRuleRequestBody{
		Name: "bulk", Priority: 9, Conditions: conds, Action: &wm.CustomAction{Category: act.LOG}, PolicyIds: []string{pid, p2}}})
	if err != nil || *bc.Name != "bulk" || *bc.Policyid != pid {
		t.Fatalf("BatchCreateCustomRule: %v %+v", err, bc)
	}
	_, err = c.BatchCreateCustomRule(&wm.BatchCreateCustomRuleRequest{Body: &wm.BatchCreateCustomRuleRequestBody{
		Name: "bulk", Priority: 9, Conditions: conds, Action: &wm.CustomAction{Category: act.LOG}, PolicyIds: []string{pid, wafUnknownID}}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	lres, err := c.ListCustomRules(&wm.ListCustomRulesRequest{PolicyId: pid, Page: ptr(int32(1)), Pagesize: ptr(int32(10))})
	if err != nil || *lres.Total != 2 || len(*lres.Items) != 2 || *(*lres.Items)[0].Status != 0 {
		t.Fatalf("ListCustomRules: %v %+v", err, lres)
	}
	all, err := c.ListCustomPolicyRules(&wm.ListCustomPolicyRulesRequest{Policyids: &[]string{pid, p2}, Page: ptr(int32(1)), Pagesize: ptr(int32(1000))})
	if err != nil || *all.Total != 3 {
		t.Fatalf("ListCustomPolicyRules: %v %+v", err, all)
	}
	var ids []wm.BatchUpdateCustomRulesRequestBodyPolicyRuleIds
	var delIDs []wm.PolicyRuleIdRequestBodyPolicyRuleIds
	for _, it := range *all.Items {
		if *it.Name == "bulk" {
			ids = append(ids, wm.BatchUpdateCustomRulesRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
			delIDs = append(delIDs, wm.PolicyRuleIdRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
		}
	}
	bu, err := c.BatchUpdateCustomRules(&wm.BatchUpdateCustomRulesRequest{Body: &wm.BatchUpdateCustomRulesRequestBody{
		Status: ptr(int32(0)), Priority: ptr(int32(2)), PolicyRuleIds: ids}})
	if err != nil || len(*bu.PolicyRuleIds) != 2 {
		t.Fatalf("BatchUpdateCustomRules: %v %+v", err, bu)
	}
	if show, _ := c.ShowCustomRule(&wm.ShowCustomRuleRequest{PolicyId: ids[1].PolicyId, RuleId: ids[1].RuleIds[0]}); *show.Priority != 2 ||
		*show.Status != 0 || *show.Name != "bulk" || len(*show.Conditions) != 3 {
		t.Fatalf("after BatchUpdateCustomRules: %+v", show)
	}
	_, err = c.BatchUpdateCustomRules(&wm.BatchUpdateCustomRulesRequest{Body: &wm.BatchUpdateCustomRulesRequestBody{
		Priority: ptr(int32(-1)), PolicyRuleIds: ids}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")
	bd, err := c.BatchDeleteRules(&wm.BatchDeleteRulesRequest{RuleType: wm.GetBatchDeleteRulesRequestRuleTypeEnum().CUSTOM,
		Body: &wm.PolicyRuleIdRequestBody{PolicyRuleIds: delIDs}})
	if err != nil || len(*bd.PolicyRuleIds) != 2 {
		t.Fatalf("BatchDeleteRules: %v %+v", err, bd)
	}
	del, err := c.DeleteCustomRule(&wm.DeleteCustomRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *del.Id != id {
		t.Fatalf("DeleteCustomRule: %v %+v", err, del)
	}
	_, err = c.ShowCustomRule(&wm.ShowCustomRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	if all, _ := c.ListCustomPolicyRules(&wm.ListCustomPolicyRulesRequest{}); *all.Total != 0 {
		t.Fatalf("ListCustomPolicyRules after the deletes: %+v", all)
	}
}

// TestWAFCustomRuleOverAReferenceTable: a precise-protection condition
// over a reference table of the project, through the official SDK; the
// table cannot be deleted while the rule uses it.
func TestWAFCustomRuleOverAReferenceTable(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	cat, act := wm.GetCustomConditionsCategoryEnum(), wm.GetCustomActionCategoryEnum()
	// A condition over a reference table of the project.
	table, err := c.CreateValueList(&wm.CreateValueListRequest{Body: &wm.CreateValueListRequestBody{
		Name: "admin_paths", Type: wm.GetCreateValueListRequestBodyTypeEnum().URL, Values: []string{"/admin"}}})
	if err != nil {
		t.Fatalf("CreateValueList: %v", err)
	}
	if _, err := c.CreateCustomRule(&wm.CreateCustomRuleRequest{PolicyId: wafPolicy(t, c, "tables"), Body: &wm.CreateCustomRuleRequestBody{
		Name: "tables", Priority: 1, Action: &wm.CustomAction{Category: act.LOG},
		Conditions: []wm.CustomConditions{{Category: &cat.URL, LogicOperation: ptr("prefix_any"), ValueListId: table.Id}}}}); err != nil {
		t.Fatalf("CreateCustomRule over a reference table: %v", err)
	}
	_, err = c.DeleteValueList(&wm.DeleteValueListRequest{Valuelistid: *table.Id})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00022003")

}
