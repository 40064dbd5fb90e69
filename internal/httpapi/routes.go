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

	// WAF: protection policies, hosts, rules, IP groups (v1).
	mux.Handle("POST /v1/{project_id}/waf/policy", s.authn(familyWAF, s.handleWAFPolicyCreate()))
	mux.Handle("GET /v1/{project_id}/waf/policy", s.authn(familyWAF, s.handleWAFPolicyList()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyShow()))
	mux.Handle("PATCH /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyUpdate()))
	mux.Handle("PUT /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyProtectHost()))
	mux.Handle("DELETE /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyDelete()))
	mux.Handle("POST /v1/{project_id}/waf/policies/batch-delete", s.authn(familyWAF, s.handleWAFPolicyBatchDelete()))
	mux.Handle("POST /v1/{project_id}/waf/policies/{src_policy_id}/copy", s.authn(familyWAF, s.handleWAFPolicyCopy()))

	// Workspace access policies (v2).

	// Anything else is an API the gateway does not know.
	mux.Handle("/", s.handleNoRoute())
}
