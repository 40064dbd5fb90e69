package sdktest

import (
	"net/http"
	"testing"

	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
)

// TestWAFIgnoreRules covers every false-alarm masking (ignore) operation of
// the SDK, with the conditions and advanced settings Terraform's
// huaweicloud_waf_rule_global_protection_whitelist sends.
func TestWAFIgnoreRules(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	c := wafClient(t, s)
	pid := wafPolicy(t, c, "ignore")
	p2 := wafPolicy(t, c, "ignore2")
	cat, logic := wm.GetCreateConditionCategoryEnum(), wm.GetCreateConditionLogicOperationEnum()
	urlPrefix := []wm.CreateCondition{{Category: cat.URL, LogicOperation: logic.PREFIX, Contents: &[]string{"/search"}}}
	cres, err := c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: pid, EnterpriseProjectId: ptr("0"),
		Body: &wm.CreateIgnoreRuleRequestBody{Domain: []string{"www.example.com"}, Conditions: append(urlPrefix,
			wm.CreateCondition{Category: cat.PARAMS, Index: ptr("q"), LogicOperation: logic.EXIST}),
			Mode: 1, Rule: "sqli;xss", Description: ptr("search box"),
			Advanced: &wm.IgnoreAdvanced{Index: ptr("params"), Contents: &[]string{"q"}}}})
	if err != nil {
		t.Fatalf("CreateIgnoreRule: %v", err)
	}
	if cres.HttpStatusCode != http.StatusOK || *cres.Policyid != pid || *cres.Rule != "sqli;xss" || *cres.Mode != 1 ||
		*cres.Status != 1 || *cres.Timestamp == 0 || len(*cres.Conditions) != 2 || *cres.Advanced.Index != "params" ||
		len(*cres.Domain) != 1 {
		t.Fatalf("CreateIgnoreRule: %+v", cres)
	}
	id := *cres.Id
	// The SDK sends an unset domain as null: every host.
	_, err = c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: pid,
		Body: &wm.CreateIgnoreRuleRequestBody{Conditions: urlPrefix, Mode: 1, Rule: "all"}})
	if err != nil {
		t.Fatalf("CreateIgnoreRule without domain: %v", err)
	}
	_, err = c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: pid,
		Body: &wm.CreateIgnoreRuleRequestBody{Conditions: urlPrefix, Mode: 1, Rule: "sql"}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")
	_, err = c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: pid,
		Body: &wm.CreateIgnoreRuleRequestBody{Conditions: urlPrefix, Mode: 0, Rule: "xss"}})
	WantServiceError(t, err, http.StatusBadRequest, "WAF.00021003")
	_, err = c.CreateIgnoreRule(&wm.CreateIgnoreRuleRequest{PolicyId: wafUnknownID,
		Body: &wm.CreateIgnoreRuleRequestBody{Conditions: urlPrefix, Mode: 1, Rule: "xss"}})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")

	show, err := c.ShowIgnoreRule(&wm.ShowIgnoreRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *show.Rule != "sqli;xss" || *show.Description != "search box" || *show.HitNum != 0 ||
		(*show.Conditions)[1].Index == nil || *(*show.Conditions)[1].Index != "q" || *show.UpdateTime == 0 {
		t.Fatalf("ShowIgnoreRule: %v %+v", err, show)
	}
	up, err := c.UpdateIgnoreRule(&wm.UpdateIgnoreRuleRequest{PolicyId: pid, RuleId: id,
		Body: &wm.UpdateIgnoreRuleRequestBody{Domain: []string{}, Conditions: urlPrefix, Mode: 1, Rule: "041002"}})
	if err != nil || *up.Id != id {
		t.Fatalf("UpdateIgnoreRule: %v %+v", err, up)
	}
	if show, _ := c.ShowIgnoreRule(&wm.ShowIgnoreRuleRequest{PolicyId: pid, RuleId: id}); *show.Rule != "041002" || show.Advanced != nil ||
		len(*show.Domain) != 0 || *show.Description != "" {
		t.Fatalf("after UpdateIgnoreRule: %+v", show)
	}
	st, err := c.UpdatePolicyRuleStatus(&wm.UpdatePolicyRuleStatusRequest{PolicyId: pid, RuleId: id,
		RuleType: wm.GetUpdatePolicyRuleStatusRequestRuleTypeEnum().IGNORE, Body: &wm.UpdatePolicyRuleStatusRequestBody{Status: 0}})
	if err != nil || *st.Status != 0 || *st.Id != id {
		t.Fatalf("UpdatePolicyRuleStatus: %v %+v", err, st)
	}
	rc, err := c.UpdateIgnoreRuleHitNum(&wm.UpdateIgnoreRuleHitNumRequest{PolicyId: pid, RuleId: id})
	if err != nil || *rc.Id != id || *rc.HitNum != 0 || *rc.ClearTime == 0 || *rc.Status != 0 {
		t.Fatalf("UpdateIgnoreRuleHitNum: %v %+v", err, rc)
	}
	bc, err := c.BatchCreateIgnoreRule(&wm.BatchCreateIgnoreRuleRequest{Body: &wm.BatchCreateIgnoreRuleRequestBody{
		Domain: []string{"*.example.com"}, Conditions: urlPrefix, Mode: 1, Rule: "cmdi", PolicyIds: []string{pid, p2}}})
	if err != nil || *bc.Rule != "cmdi" || *bc.Policyid != pid {
		t.Fatalf("BatchCreateIgnoreRule: %v %+v", err, bc)
	}
	lres, err := c.ListIgnoreRule(&wm.ListIgnoreRuleRequest{PolicyId: pid, Page: ptr(int32(1)), Pagesize: ptr(int32(10))})
	if err != nil || *lres.Total != 3 || len(*lres.Items) != 3 {
		t.Fatalf("ListIgnoreRule: %v %+v", err, lres)
	}
	all, err := c.ListIgnorePolicyRules(&wm.ListIgnorePolicyRulesRequest{Policyids: ptr(pid + "," + p2), Page: ptr(int32(1)), Pagesize: ptr(int32(1000))})
	if err != nil || *all.Total != 4 {
		t.Fatalf("ListIgnorePolicyRules: %v %+v", err, all)
	}
	var ids []wm.BatchUpdateIgnoreRuleRequestBodyPolicyRuleIds
	var delIDs []wm.PolicyRuleIdRequestBodyPolicyRuleIds
	for _, it := range *all.Items {
		if *it.Rule == "cmdi" {
			ids = append(ids, wm.BatchUpdateIgnoreRuleRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
			delIDs = append(delIDs, wm.PolicyRuleIdRequestBodyPolicyRuleIds{PolicyId: *it.Policyid, RuleIds: []string{*it.Id}})
		}
	}
	bu, err := c.BatchUpdateIgnoreRules(&wm.BatchUpdateIgnoreRulesRequest{Body: &wm.BatchUpdateIgnoreRuleRequestBody{
		Domain: []string{}, Conditions: urlPrefix, Mode: 1, Rule: "lfi;rfi", PolicyRuleIds: ids}})
	if err != nil || len(*bu.PolicyRuleIds) != 2 {
		t.Fatalf("BatchUpdateIgnoreRules: %v %+v", err, bu)
	}
	if show, _ := c.ShowIgnoreRule(&wm.ShowIgnoreRuleRequest{PolicyId: ids[1].PolicyId, RuleId: ids[1].RuleIds[0]}); *show.Rule != "lfi;rfi" {
		t.Fatalf("after BatchUpdateIgnoreRules: %+v", show)
	}
	bd, err := c.BatchDeleteRules(&wm.BatchDeleteRulesRequest{RuleType: wm.GetBatchDeleteRulesRequestRuleTypeEnum().IGNORE,
		Body: &wm.PolicyRuleIdRequestBody{PolicyRuleIds: delIDs}})
	if err != nil || len(*bd.PolicyRuleIds) != 2 {
		t.Fatalf("BatchDeleteRules: %v %+v", err, bd)
	}
	del, err := c.DeleteIgnoreRule(&wm.DeleteIgnoreRuleRequest{PolicyId: pid, RuleId: id})
	if err != nil || *del.Id != id {
		t.Fatalf("DeleteIgnoreRule: %v %+v", err, del)
	}
	_, err = c.ShowIgnoreRule(&wm.ShowIgnoreRuleRequest{PolicyId: pid, RuleId: id})
	WantServiceError(t, err, http.StatusNotFound, "WAF.00022001")
	if all, _ := c.ListIgnorePolicyRules(&wm.ListIgnorePolicyRulesRequest{}); *all.Total != 1 {
		t.Fatalf("ListIgnorePolicyRules after the deletes: %+v", all)
	}
}
