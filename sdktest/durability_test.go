package sdktest

import (
	"testing"

	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	wm "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/waf/v1/model"
	wmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2/model"
)

// Writes acknowledged to the client survive a crash of the server
// (SIGKILL right after the responses), and so does an issued token.
func TestDurabilityAcrossKill(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	token := s.Token(t)

	w := wafClient(t, s)
	names := []string{"durable-a", "durable-b", "durable-c"}
	ids := map[string]bool{}
	for _, n := range names {
		ids[wafPolicy(t, w, n)] = true
	}
	ws := wksClient(t, s)
	if _, err := ws.CreateAccessPolicy(&wmodel.CreateAccessPolicyRequest{Body: &wmodel.CreateAccessPolicyReq{
		Policy: &wmodel.AccessPolicyInfo{
			PolicyName:    ptr("PRIVATE_ACCESS"),
			BlacklistType: ptr(wmodel.GetAccessPolicyInfoBlacklistTypeEnum().INTERNET),
		},
		PolicyObjectsList: ptr(wksUsers("u", 3)),
	}}); err != nil {
		t.Fatal(err)
	}

	s.Kill()
	s.Restart(t)

	w = wafClient(t, s)
	res, err := w.ListPolicy(&wm.ListPolicyRequest{Pagesize: ptr(int32(100))})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, p := range *res.Items {
		if ids[*p.Id] {
			found++
		}
	}
	if found != len(names) {
		t.Fatalf("%d of %d acknowledged WAF policies survived the kill", found, len(names))
	}
	lres, err := wksClient(t, s).ListAccessPolicies(&wmodel.ListAccessPoliciesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(*lres.Policies) != 1 {
		t.Fatalf("access policies after the kill: %d, want 1", len(*lres.Policies))
	}
	if _, err := s.TokenIAM(t, token).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{}); err != nil {
		t.Fatalf("token issued before the kill: %v", err)
	}
}
