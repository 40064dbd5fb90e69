package httpapi_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/secmaster"
)

// targetProjects creates, beside the caller's project, a project of the
// same account the caller is not granted (victim) and a project of another
// account (foreign), and returns their IDs.
func targetProjects(t *testing.T, e *smEnv) (victim, foreign string) {
	t.Helper()
	ctx := context.Background()
	v, err := e.IAM.CreateProject(ctx, "acme", "victim-region", "")
	if err != nil {
		t.Fatal(err)
	}
	acc := &rampart.Account{ID: iam.NewID(), Name: "globex"}
	if err := e.DB.CreateAccount(ctx, acc); err != nil {
		t.Fatal(err)
	}
	f, err := e.IAM.CreateProject(ctx, "globex", "globex-region", "")
	if err != nil {
		t.Fatal(err)
	}
	return v.ID, f.ID
}

// withdrawGrant deletes a grant in the SQLite file, as an operator editing
// the store would (there is no API for it).
func withdrawGrant(t *testing.T, e *smEnv, userID, projectID string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+e.DB.Path()+"?"+url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	res, err := raw.Exec(`DELETE FROM project_grants WHERE user_id = ? AND project_id = ?`, userID, projectID)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("withdrew %d grants", n)
	}
}

// A policy may target only a project its caller may act on: its own, or
// a granted project of the same account (issue 13, finding 2).
func TestSecMasterTargetMustBeGranted(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	victim, foreign := targetProjects(t, e)
	own := e.Creds.ProjectID
	create := func(target, layer string) response {
		return e.soc("POST", "/policys?action_type=create", policyBody(map[string]string{
			"defense_policy_list": `[` + defense("CFW", own) + `,` + defense(layer, target) + `]`}))
	}
	for name, target := range map[string]string{"SameAccountNotGranted": victim, "OtherAccount": foreign,
		"Unknown": "0123456789abcdef0123456789abcdef"} {
		t.Run(name, func(t *testing.T) {
			wantSMError(t, create(target, "WAF"), 403, secmaster.CodeTargetForbidden, "defense_policy_list[1].target_project_id")
			ub := e.soc("POST", "/policys?action_type=create", policyBody(map[string]string{
				"block_target": `"admin"`, "policy_type": `{"policy_type":"User Name"}`,
				"defense_policy_list": `[` + defense("IAM", target) + `]`}))
			wantSMError(t, ub, 403, secmaster.CodeTargetForbidden, target)
		})
	}
	// Nothing was stored, queued or enforced in the victim's project.
	e.deliver()
	for _, layer := range []string{"WAF", "CFW", "VPC", "IAM"} {
		if es := e.enforced(victim, layer); len(es) != 0 {
			t.Fatalf("%s enforces %v in the victim project", layer, es)
		}
	}
	if n := e.search(`{}`).Body["total"].(float64); n != 0 {
		t.Fatalf("%v policies stored", n)
	}

	// An update cannot move an entry to a project the caller may not act on.
	pid := e.create(nil)
	wantSMError(t, e.soc("PUT", "/policys/"+pid, `{"batch_ids":["`+pid+`"],"data_object":{"defense_policy_list":[`+
		defense("CFW", victim)+`]}}`), 403, secmaster.CodeTargetForbidden, victim)

	// Once granted, the target is accepted and enforced there.
	if _, err := e.IAM.Grant(context.Background(), "acme", iam.AdminUserName, victim); err != nil {
		t.Fatal(err)
	}
	granted := e.create(map[string]string{"defense_policy_list": `[` + defense("CFW", victim) + `]`})
	e.deliver()
	if es := e.enforced(victim, "CFW"); len(es) != 1 || es[0].PolicyID != granted {
		t.Fatalf("victim CFW = %v", es)
	}

	// A grant withdrawn between create and delivery stops the delivery.
	late := e.create(map[string]string{"block_target": `"198.51.100.9"`, "defense_policy_list": `[` + defense("VPC", victim) + `]`})
	withdrawGrant(t, e, e.Creds.UserID, victim)
	e.clock.Add(time.Minute) // past the grant cache
	e.deliver()
	if es := e.enforced(victim, "VPC"); len(es) != 0 {
		t.Fatalf("delivered after the grant was withdrawn: %v", es)
	}
	d := entries(e.show(late))[0]
	if d["defense_block_status"] != secmaster.BlockFailed {
		t.Fatalf("entry after the grant was withdrawn: %v", d)
	}
	// And the retry of that entry is refused too.
	wantSMError(t, e.soc("POST", "/policys?action_type=retry", `{"data_object":{"retry_list":["`+late+`"]}}`),
		403, secmaster.CodeTargetForbidden, victim)
}

// A project-scoped token acts on its own project only, so it cannot aim a
// policy at another project even when the user is granted both.
func TestSecMasterTargetScopedToken(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	victim, _ := targetProjects(t, e)
	if _, err := e.IAM.Grant(context.Background(), "acme", iam.AdminUserName, victim); err != nil {
		t.Fatal(err)
	}
	body := policyBody(map[string]string{"defense_policy_list": `[` + defense("WAF", victim) + `]`})
	path := e.URL + "/v1/" + e.Creds.ProjectID + "/workspaces/" + e.ws + "/soc/policys?action_type=create"
	send := func(scope string) response {
		req := newRequest(t, "POST", path, body)
		req.Header.Set("X-Auth-Token", e.token(t, scope))
		return do(t, req)
	}
	wantSMError(t, send(`{"project":{"id":"`+e.Creds.ProjectID+`"}}`), 403, secmaster.CodeTargetForbidden, victim)
	wantOK(t, send(`{"domain":{"name":"acme"}}`))
}

// The targeted project sees, with its own credentials, what other projects'
// policies enforce in it and which project each belongs to.
func TestSecMasterTargetedProjectSeesInbound(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	ctx := context.Background()
	victim, _ := targetProjects(t, e)
	if _, err := e.IAM.Grant(ctx, "acme", iam.AdminUserName, victim); err != nil {
		t.Fatal(err)
	}
	pid := e.create(map[string]string{"block_target": `"203.0.113.9"`, "defense_policy_list": `[` + defense("CFW", victim) + `]`})
	e.deliver()
	// A user granted only the targeted project.
	if _, _, err := e.IAM.CreateUser(ctx, "acme", "vera", "vera password 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.IAM.Grant(ctx, "acme", "vera", victim); err != nil {
		t.Fatal(err)
	}
	key, err := e.IAM.CreateAccessKey(ctx, "acme", "vera")
	if err != nil {
		t.Fatal(err)
	}
	list := func(project, layer string) response {
		req := newRequest(t, "GET", e.URL+"/v1/"+project+"/rampart/enforcements?layer="+layer, "")
		aksk.Sign(req, nil, key.AccessKey, key.SecretKey, time.Now())
		return do(t, req)
	}
	res := list(victim, "cfw")
	rows, _ := res.Body["enforcements"].([]any)
	if res.Status != 200 || len(rows) != 1 {
		t.Fatalf("inbound enforcements: %d %s", res.Status, res.Raw)
	}
	row := rows[0].(map[string]any)
	if row["policy_id"] != pid || row["owner_project_id"] != e.Creds.ProjectID || row["object"] != "203.0.113.9" || row["category"] != "block" {
		t.Fatalf("inbound row: %v", row)
	}
	if rows := list(victim, "waf").Body["enforcements"].([]any); len(rows) != 0 {
		t.Fatalf("waf layer: %v", rows)
	}
	wantError(t, list(victim, "workspace"), 400, "RAMPART.DEC.0001")
	// Its user cannot read the owner project's list.
	wantError(t, list(e.Creds.ProjectID, "cfw"), 403, "APIGW.0302")
}
