package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// One request may queue at most 25,000 enforcement rows for delivery (one
// policy of 500 objects on 50 entries): a retry or an update of several
// such policies is refused in SecMaster's invalid-parameter envelope and
// changes nothing; the same request for one policy passes.
func TestSecMasterRequestExpansionBound(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	targets := make([]string, 500)
	for i := range targets {
		targets[i] = fmt.Sprintf("10.9.%d.%d", i>>8, i&255)
	}
	var layers []string
	for i := range 50 {
		// 50 connections, all delivering to the policy's own project.
		layers = append(layers, strings.Replace(defense("WAF", e.Creds.ProjectID), `"c-waf"`, fmt.Sprintf(`"c-waf-%d"`, i), 1))
	}
	big := map[string]string{"block_target": `"` + strings.Join(targets, ",") + `"`, "defense_policy_list": "[" + strings.Join(layers, ",") + "]"}
	a, b := e.create(big), e.create(big)
	e.fail.Store(100) // every entry of both fails
	e.deliver()

	res := e.soc("POST", "/policys?action_type=retry", `{"data_object":{"retry_list":["`+a+`","`+b+`"]}}`)
	wantSMError(t, res, 400, "SecMaster.20010002", "25000")
	for _, id := range []string{a, b} {
		if d := entries(e.show(id))[0]; d["defense_block_status"] != "FAILED" {
			t.Fatalf("refused retry queued an entry: %v", d)
		}
	}
	wantOK(t, e.soc("POST", "/policys?action_type=retry", `{"data_object":{"retry_list":["`+a+`"]}}`))

	res = e.soc("PUT", "/policys/"+a, `{"batch_ids":["`+b+`"],"data_object":{"policy_category":"WHITE"}}`)
	wantSMError(t, res, 400, "SecMaster.20010002", "25000")
	for _, id := range []string{a, b} {
		if p := e.show(id); p["policy_category"] != "BLOCK" {
			t.Fatalf("refused update stored: %v", p["policy_category"])
		}
	}
	wantOK(t, e.soc("PUT", "/policys/"+b, `{"batch_ids":["`+b+`"],"data_object":{"policy_category":"WHITE"}}`))
	if p := e.show(b); p["policy_category"] != "WHITE" || entries(p)[0]["defense_block_status"] != "PENDING" {
		t.Fatalf("update of one policy: %v %v", p["policy_category"], entries(p)[0])
	}
}
