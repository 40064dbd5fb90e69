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
	mux.Handle("GET /v3/auth/domains", s.authn(familyIAM, s.handleAuthDomainList()))
	mux.Handle("GET /v3/projects", s.authn(familyIAM, s.handleProjectList()))

	// SecMaster emergency policies (v1, under workspaces).
	mux.Handle("POST /v1/{project_id}/workspaces", s.authn(familySecMaster, s.handleSMWorkspaceCreate()))
	mux.Handle("GET /v1/{project_id}/workspaces", s.authn(familySecMaster, s.handleSMWorkspaceList()))
	mux.Handle("GET /v1/{project_id}/workspaces/{workspace_id}", s.authn(familySecMaster, s.handleSMWorkspaceShow()))
	mux.Handle("PUT /v1/{project_id}/workspaces/{workspace_id}", s.authn(familySecMaster, s.handleSMWorkspaceUpdate()))
	mux.Handle("DELETE /v1/{project_id}/workspaces/{workspace_id}", s.authn(familySecMaster, s.handleSMWorkspaceDelete()))
	mux.Handle("GET /v1/{project_id}/workspaces/{workspace_id}/sa/guides", s.authn(familySecMaster, s.handleSMWorkspaceGuides()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys", s.authn(familySecMaster, s.handleSMPolicyCreate()))
	mux.Handle("GET /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}", s.authn(familySecMaster, s.handleSMPolicyShow()))
	mux.Handle("PUT /v1/{project_id}/workspaces/{workspace_id}/soc/policys/{policy_id}", s.authn(familySecMaster, s.handleSMPolicyUpdate()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/search", s.authn(familySecMaster, s.handleSMPolicySearch()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policys/batch-delete", s.authn(familySecMaster, s.handleSMPolicyDelete()))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policy-records/search", s.authn(familySecMaster, s.handleSMRecordSearch(false)))
	mux.Handle("POST /v1/{project_id}/workspaces/{workspace_id}/soc/policy-records/{policy_id}/search", s.authn(familySecMaster, s.handleSMRecordSearch(true)))

	// WAF: protection policies, hosts, rules, IP groups (v1).
	mux.Handle("POST /v1/{project_id}/waf/policy", s.authn(familyWAF, s.handleWAFPolicyCreate()))
	mux.Handle("GET /v1/{project_id}/waf/policy", s.authn(familyWAF, s.handleWAFPolicyList()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyShow()))
	mux.Handle("PATCH /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyUpdate()))
	mux.Handle("PUT /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyProtectHost()))
	mux.Handle("DELETE /v1/{project_id}/waf/policy/{policy_id}", s.authn(familyWAF, s.handleWAFPolicyDelete()))
	mux.Handle("POST /v1/{project_id}/waf/policies/batch-delete", s.authn(familyWAF, s.handleWAFPolicyBatchDelete()))
	mux.Handle("POST /v1/{project_id}/waf/policies/{src_policy_id}/copy", s.authn(familyWAF, s.handleWAFPolicyCopy()))
	mux.Handle("POST /v1/{project_id}/waf/policy/{policy_id}/geoip", s.authn(familyWAF, s.handleWAFGeoIPCreate()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}/geoip", s.authn(familyWAF, s.handleWAFGeoIPList()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}", s.authn(familyWAF, s.handleWAFGeoIPShow()))
	mux.Handle("PUT /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}", s.authn(familyWAF, s.handleWAFGeoIPUpdate()))
	mux.Handle("DELETE /v1/{project_id}/waf/policy/{policy_id}/geoip/{rule_id}", s.authn(familyWAF, s.handleWAFGeoIPDelete()))
	mux.Handle("POST /v1/{project_id}/waf/rule/geoip", s.authn(familyWAF, s.handleWAFGeoIPBatchCreate()))
	mux.Handle("GET /v1/{project_id}/waf/rule/geoip", s.authn(familyWAF, s.handleWAFGeoIPPolicyRules()))
	mux.Handle("POST /v1/{project_id}/waf/rule/geoip/batch-update", s.authn(familyWAF, s.handleWAFGeoIPBatchUpdate()))
	mux.Handle("PUT /v1/{project_id}/waf/rule/geoip/batch-update", s.authn(familyWAF, s.handleWAFGeoIPBatchUpdate()))
	mux.Handle("POST /v1/{project_id}/waf/policy/{policy_id}/ip-reputation", s.authn(familyWAF, s.handleWAFReputationCreate()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation", s.authn(familyWAF, s.handleWAFReputationList()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}", s.authn(familyWAF, s.handleWAFReputationShow()))
	mux.Handle("PUT /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}", s.authn(familyWAF, s.handleWAFReputationUpdate()))
	mux.Handle("DELETE /v1/{project_id}/waf/policy/{policy_id}/ip-reputation/{rule_id}", s.authn(familyWAF, s.handleWAFReputationDelete()))
	mux.Handle("POST /v1/{project_id}/waf/rule/ip-reputation", s.authn(familyWAF, s.handleWAFReputationBatchCreate()))
	mux.Handle("GET /v1/{project_id}/waf/rule/ip-reputation", s.authn(familyWAF, s.handleWAFReputationPolicyRules()))
	mux.Handle("POST /v1/{project_id}/waf/rule/ip-reputation/batch-update", s.authn(familyWAF, s.handleWAFReputationBatchUpdate()))
	mux.Handle("PUT /v1/{project_id}/waf/rule/ip-reputation/batch-update", s.authn(familyWAF, s.handleWAFReputationBatchUpdate()))
	mux.Handle("POST /v1/{project_id}/waf/policy/{policy_id}/whiteblackip", s.authn(familyWAF, s.handleWAFWhiteBlackIPCreate()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip", s.authn(familyWAF, s.handleWAFWhiteBlackIPList()))
	mux.Handle("GET /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}", s.authn(familyWAF, s.handleWAFWhiteBlackIPShow()))
	mux.Handle("PUT /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}", s.authn(familyWAF, s.handleWAFWhiteBlackIPUpdate()))
	mux.Handle("DELETE /v1/{project_id}/waf/policy/{policy_id}/whiteblackip/{rule_id}", s.authn(familyWAF, s.handleWAFWhiteBlackIPDelete()))
	mux.Handle("POST /v1/{project_id}/waf/rule/whiteblackip", s.authn(familyWAF, s.handleWAFWhiteBlackIPBatchCreate()))
	mux.Handle("GET /v1/{project_id}/waf/rule/whiteblackip", s.authn(familyWAF, s.handleWAFWhiteBlackIPPolicyRules()))
	mux.Handle("POST /v1/{project_id}/waf/rule/whiteblackip/batch-update", s.authn(familyWAF, s.handleWAFWhiteBlackIPBatchUpdate()))
	mux.Handle("PUT /v1/{project_id}/waf/rule/whiteblackip/batch-update", s.authn(familyWAF, s.handleWAFWhiteBlackIPBatchUpdate()))
	mux.Handle("GET /v1/{project_id}/waf/tag/geoip/map", s.authn(familyWAF, s.handleWAFGeoIPMap()))
	mux.Handle("GET /v1/{project_id}/waf/tag/ip-reputation/map", s.authn(familyWAF, s.handleWAFReputationMap()))
	mux.Handle("PUT /v1/{project_id}/waf/policy/{policy_id}/{rule_type}/{rule_id}/status", s.authn(familyWAF, s.handleWAFRuleStatus()))
	mux.Handle("POST /v1/{project_id}/waf/rule/{rule_type}/batch-delete", s.authn(familyWAF, s.handleWAFRuleBatchDelete()))
	mux.Handle("POST /v1/{project_id}/waf/ip-groups", s.authn(familyWAF, s.handleWAFIPGroupCreate()))
	mux.Handle("GET /v1/{project_id}/waf/ip-groups", s.authn(familyWAF, s.handleWAFIPGroupList()))
	mux.Handle("GET /v1/{project_id}/waf/ip-group/{id}", s.authn(familyWAF, s.handleWAFIPGroupShow()))
	mux.Handle("PUT /v1/{project_id}/waf/ip-group/{id}", s.authn(familyWAF, s.handleWAFIPGroupUpdate()))
	mux.Handle("DELETE /v1/{project_id}/waf/ip-group/{id}", s.authn(familyWAF, s.handleWAFIPGroupDelete()))
	mux.Handle("POST /v1/{project_id}/waf/instance", s.authn(familyWAF, s.handleWAFHostCreate()))
	mux.Handle("GET /v1/{project_id}/waf/instance", s.authn(familyWAF, s.handleWAFHostList()))
	mux.Handle("GET /v1/{project_id}/waf/instance/{instance_id}", s.authn(familyWAF, s.handleWAFHostShow()))
	mux.Handle("PATCH /v1/{project_id}/waf/instance/{instance_id}", s.authn(familyWAF, s.handleWAFHostUpdate()))
	mux.Handle("PUT /v1/{project_id}/waf/instance/{instance_id}", s.authn(familyWAF, s.handleWAFHostUpdate()))
	mux.Handle("DELETE /v1/{project_id}/waf/instance/{instance_id}", s.authn(familyWAF, s.handleWAFHostDelete()))
	mux.Handle("PUT /v1/{project_id}/waf/instance/{instance_id}/protect-status", s.authn(familyWAF, s.handleWAFHostProtectStatus()))
	mux.Handle("PUT /v1/{project_id}/waf/instance/{instance_id}/access-status", s.authn(familyWAF, s.handleWAFHostAccessStatus()))
	mux.Handle("POST /v1/{project_id}/waf/certificate", s.authn(familyWAF, s.handleWAFCertificateCreate()))
	mux.Handle("GET /v1/{project_id}/waf/certificate", s.authn(familyWAF, s.handleWAFCertificateList()))
	mux.Handle("GET /v1/{project_id}/waf/certificate/{certificate_id}", s.authn(familyWAF, s.handleWAFCertificateShow()))
	mux.Handle("PUT /v1/{project_id}/waf/certificate/{certificate_id}", s.authn(familyWAF, s.handleWAFCertificateUpdate()))
	mux.Handle("DELETE /v1/{project_id}/waf/certificate/{certificate_id}", s.authn(familyWAF, s.handleWAFCertificateDelete()))
	mux.Handle("POST /v1/{project_id}/waf/certificate/{certificate_id}/apply-to-hosts", s.authn(familyWAF, s.handleWAFCertificateApply()))
	mux.Handle("GET /v1/{project_id}/waf/policy/basic-protection/default-rules", s.authn(familyWAF, s.handleWAFBasicRuleList()))
	mux.Handle("GET /v1/{project_id}/waf/web-protection-rules/{rule_id}", s.authn(familyWAF, s.handleWAFBasicRuleShow()))
	mux.Handle("GET /v1/{project_id}/waf/rules/protection-types", s.authn(familyWAF, s.handleWAFProtectionTypes()))
	mux.Handle("GET /v1/{project_id}/waf/rules/application-types", s.authn(familyWAF, s.handleWAFApplicationTypes()))
	mux.Handle("GET /v1/{project_id}/waf/vulnerability/notification", s.authn(familyWAF, s.handleWAFVulnerabilityList()))
	mux.Handle("GET /v1/{project_id}/waf/event", s.authn(familyWAF, s.handleWAFEventList()))
	mux.Handle("GET /v1/{project_id}/waf/event/{eventid}", s.authn(familyWAF, s.handleWAFEventShow()))
	// ListEventLog and ListUrl are not offered: after authentication they are
	// answered as any unknown API, not as ShowEvent of an event "dump" or "url".
	mux.Handle("GET /v1/{project_id}/waf/event/dump", s.authn(familyWAF, s.handleNoRoute()))
	mux.Handle("GET /v1/{project_id}/waf/event/url", s.authn(familyWAF, s.handleNoRoute()))

	// Workspace access policies (v2).
	mux.Handle("POST /v2/{project_id}/access-policy", s.authn(familyWorkspace, s.handleAccessPolicyCreate()))
	mux.Handle("GET /v2/{project_id}/access-policy", s.authn(familyWorkspace, s.handleAccessPolicyList()))
	mux.Handle("DELETE /v2/{project_id}/access-policy", s.authn(familyWorkspace, s.handleAccessPolicyBatchDelete()))
	mux.Handle("PUT /v2/{project_id}/access-policy/{access_policy_id}", s.authn(familyWorkspace, s.handleAccessPolicyUpdate()))
	mux.Handle("GET /v2/{project_id}/access-policy/{access_policy_id}/objects", s.authn(familyWorkspace, s.handleAccessPolicyObjectList()))
	mux.Handle("PUT /v2/{project_id}/access-policy/{access_policy_id}/objects", s.authn(familyWorkspace, s.handleAccessPolicyObjectUpdate()))

	// Rampart extensions.
	mux.Handle("GET /v1/{project_id}/rampart/decisions", s.authn(familyGateway, s.handleDecision()))
	mux.Handle("POST /v1/{project_id}/rampart/decisions", s.authn(familyGateway, s.handleDecisionBatch()))
	mux.Handle("GET /v1/{project_id}/rampart/decisions/stream", s.authn(familyGateway, s.handleDecisionStream()))
	mux.Handle("GET /v1/{project_id}/rampart/firewall/nftables", s.authn(familyGateway, s.handleFirewallNftables()))
	mux.Handle("GET /v1/{project_id}/rampart/enforcements", s.authn(familyGateway, s.handleEnforcements()))

	// Anything else is an API the gateway does not know.
	mux.Handle("/", s.handleNoRoute())
}
