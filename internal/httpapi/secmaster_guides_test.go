package httpapi_test

import (
	"testing"
)

// Terraform's huaweicloud_secmaster_workspace waits after its create until
// GET …/workspaces/{id}/sa/guides?version=1 answers 2xx (any 4xx but 400
// fails the apply). A workspace just created answers at once; an unknown
// one answers as ShowWorkspace does.
func TestSecMasterWorkspaceGuides(t *testing.T) {
	t.Parallel()
	e := mustServeSecMaster(t)
	base := "/v1/" + e.Creds.ProjectID + "/workspaces"
	created := e.call("POST", base, `{"region_id":"local","name":"tf-ws","project_name":"local"}`)
	if created.Status != 200 {
		t.Fatalf("create workspace: %d %s", created.Status, created.Raw)
	}
	id, _ := created.Body["id"].(string)
	res := e.call("GET", base+"/"+id+"/sa/guides?version=1", "")
	if res.Status != 200 || res.Body["code"] != "00000000" || res.Body["success"] != true {
		t.Fatalf("sa/guides of a new workspace: %d %s", res.Status, res.Raw)
	}
	if data, ok := res.Body["data"].([]any); !ok || len(data) != 0 {
		t.Fatalf("sa/guides data: %s", res.Raw)
	}
	// Without the version parameter too (the SDK has no such operation;
	// only Terraform's wait calls it).
	if res := e.call("GET", base+"/"+id+"/sa/guides", ""); res.Status != 200 {
		t.Fatalf("sa/guides without version: %d %s", res.Status, res.Raw)
	}
	show := e.call("GET", base+"/00000000000000000000000000000000", "")
	guides := e.call("GET", base+"/00000000000000000000000000000000/sa/guides?version=1", "")
	if show.Status == 200 || guides.Status != show.Status || guides.Body["code"] != show.Body["code"] {
		t.Fatalf("unknown workspace: sa/guides %d %s, ShowWorkspace %d %s", guides.Status, guides.Raw, show.Status, show.Raw)
	}
}
