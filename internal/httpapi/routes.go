package httpapi

import "net/http"

// addRoutes lists every endpoint, written as Huawei writes it. Routes
// wrapped in s.authn require a token or an AK/SK signature and, when the
// path has a {project_id}, a credential that may act on that project.
func (s *server) addRoutes(mux *http.ServeMux) {
	// Probes (no authentication).
	mux.Handle("GET /healthz", s.handleHealthz())
	mux.Handle("GET /readyz", s.handleReadyz())

	// IAM v3.
	mux.Handle("POST /v3/auth/tokens", s.handleTokenCreate())
	mux.Handle("DELETE /v3/auth/tokens", s.authn(familyIAM, s.handleTokenRevoke()))
	mux.Handle("GET /v3/projects", s.authn(familyIAM, s.handleProjectList()))

	// SecMaster emergency policies (v1, under workspaces).
	mux.Handle("POST /v1/{project_id}/workspaces", s.authn(familySecMaster, s.handleSMWorkspaceCreate()))
	mux.Handle("GET /v1/{project_id}/workspaces", s.authn(familySecMaster, s.handleSMWorkspaceList()))
	mux.Handle("GET /v1/{project_id}/workspaces/{workspace_id}", s.authn(familySecMaster, s.handleSMWorkspaceShow()))
	mux.Handle("PUT /v1/{project_id}/workspaces/{workspace_id}", s.authn(familySecMaster, s.handleSMWorkspaceUpdate()))
	mux.Handle("DELETE /v1/{project_id}/workspaces/{workspace_id}", s.authn(familySecMaster, s.handleSMWorkspaceDelete()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys", s.authn(familySecMaster, s.handleSMPolicyCreate()))
	mux.Handle("GET /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}", s.authn(familySecMaster, s.handleSMPolicyShow()))
	mux.Handle("PUT /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}", s.authn(familySecMaster, s.handleSMPolicyUpdate()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/search", s.authn(familySecMaster, s.handleSMPolicySearch()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/batch-delete", s.authn(familySecMaster, s.handleSMPolicyDelete()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policy-records/search", s.authn(familySecMaster, s.handleSMRecordSearch(false)))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policy-records/{policy_id}/search", s.authn(familySecMaster, s.handleSMRecordSearch(true)))

	// WAF: protection policies, hosts, rules, IP groups (v1).

	// Workspace access policies (v2).
	mux.Handle("POST /v2/{project_id}/access-policy", s.authn(familyWorkspace, s.handleAccessPolicyCreate()))
	mux.Handle("GET /v2/{project_id}/access-policy", s.authn(familyWorkspace, s.handleAccessPolicyList()))
	mux.Handle("DELETE /v2/{project_id}/access-policy", s.authn(familyWorkspace, s.handleAccessPolicyBatchDelete()))
	mux.Handle("PUT /v2/{project_id}/access-policy/{access_policy_id}", s.authn(familyWorkspace, s.handleAccessPolicyUpdate()))
	mux.Handle("GET /v2/{project_id}/access-policy/{access_policy_id}/objects", s.authn(familyWorkspace, s.handleAccessPolicyObjectList()))
	mux.Handle("PUT /v2/{project_id}/access-policy/{access_policy_id}/objects", s.authn(familyWorkspace, s.handleAccessPolicyObjectUpdate()))

	// Anything else is an API the gateway does not know.
	mux.Handle("/", s.handleNoRoute())
}
