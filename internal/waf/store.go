package waf

import "context"

// Store persists the WAF resources of every project. Implementations run
// each method in one transaction, bump the project's WAF revision in every
// write, and pass the conformance suite of package storetest.
//
// Error kinds: KindNotFound for an unknown ID or an ID of another project
// (and for a rule that exists but belongs to another policy); KindConflict
// for a unique name, hostname, location or tag already taken; KindInUse for
// deleting what is still referenced. A host's CertificateID, when set, must
// name a certificate of its project (KindNotFound), and the host takes that
// certificate's name. Callback errors are returned as is and
// roll the transaction back.
type Store interface {
	// CreatePolicy inserts p. KindConflict: the name is taken in the project.
	CreatePolicy(ctx context.Context, p *Policy) error
	// FindPolicy returns a policy with its bound hosts. KindNotFound.
	FindPolicy(ctx context.Context, projectID, id string) (*Policy, error)
	// FindPolicies returns a page of policies (creation order) and the total.
	FindPolicies(ctx context.Context, f PolicyFilter) ([]*Policy, int, error)
	// UpdatePolicy loads a policy, lets fn change it and saves it.
	// KindNotFound, KindConflict (name).
	UpdatePolicy(ctx context.Context, projectID, id string, fn func(*Policy) error) (*Policy, error)
	// DeletePolicies deletes the policies with their rules, all or none, and
	// returns them. KindNotFound, KindInUse (a host uses one).
	DeletePolicies(ctx context.Context, projectID string, ids []string) ([]*Policy, error)
	// CopyPolicy inserts dst and copies every rule of srcID into it under
	// new IDs from newID. A followed_action_id (of dst or of a copied
	// precise-protection rule) naming a known-attack-source rule of srcID
	// is pointed at that rule's copy, in the store and in dst.
	// KindNotFound (src), KindConflict (dst name).
	CopyPolicy(ctx context.Context, projectID, srcID string, dst *Policy, newID func() string) error
	// BindHosts moves the hosts to the policy and returns the policy.
	// KindNotFound (policy or a host).
	BindHosts(ctx context.Context, projectID, policyID string, hostIDs []string) (*Policy, error)

	// CreateGeoIPRules inserts rules, all or none. KindNotFound (policy),
	// KindConflict (a location already used by a rule of the same policy).
	CreateGeoIPRules(ctx context.Context, rules []*GeoIPRule) error
	// FindGeoIPRule returns a rule of a policy. KindNotFound.
	FindGeoIPRule(ctx context.Context, projectID, policyID, id string) (*GeoIPRule, error)
	// FindGeoIPRules returns a page of rules (creation order) and the total.
	FindGeoIPRules(ctx context.Context, f RuleFilter) ([]*GeoIPRule, int, error)
	// UpdateGeoIPRules loads each rule, lets fn change it and saves it, all
	// or none. KindNotFound, KindConflict (location).
	UpdateGeoIPRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, fn func(*GeoIPRule) error) ([]*GeoIPRule, error)

	// CreateReputationRules inserts rules, all or none. KindNotFound
	// (policy), KindConflict (a tag already used in the same policy).
	CreateReputationRules(ctx context.Context, rules []*ReputationRule) error
	// FindReputationRule returns a rule of a policy. KindNotFound.
	FindReputationRule(ctx context.Context, projectID, policyID, id string) (*ReputationRule, error)
	// FindReputationRules returns a page of rules and the total.
	FindReputationRules(ctx context.Context, f RuleFilter) ([]*ReputationRule, int, error)
	// UpdateReputationRules is UpdateGeoIPRules for IP-reputation rules
	// (KindConflict: tag).
	UpdateReputationRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, fn func(*ReputationRule) error) ([]*ReputationRule, error)

	// CreateWhiteBlackIPRules inserts rules, all or none. KindNotFound
	// (policy, or the IP group a rule references).
	CreateWhiteBlackIPRules(ctx context.Context, rules []*WhiteBlackIPRule) error
	// FindWhiteBlackIPRule returns a rule of a policy. KindNotFound.
	FindWhiteBlackIPRule(ctx context.Context, projectID, policyID, id string) (*WhiteBlackIPRule, error)
	// FindWhiteBlackIPRules returns a page of rules and the total.
	FindWhiteBlackIPRules(ctx context.Context, f RuleFilter) ([]*WhiteBlackIPRule, int, error)
	// UpdateWhiteBlackIPRules is UpdateGeoIPRules for black/white IP rules
	// (KindNotFound also for an unknown IP group).
	UpdateWhiteBlackIPRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, fn func(*WhiteBlackIPRule) error) ([]*WhiteBlackIPRule, error)

	// CreateCustomRules inserts precise-protection rules, all or none.
	// KindNotFound when a policy does not exist.
	CreateCustomRules(ctx context.Context, rules []*CustomRule) error
	// FindCustomRule returns a rule of a policy. KindNotFound.
	FindCustomRule(ctx context.Context, projectID, policyID, id string) (*CustomRule, error)
	// FindCustomRules returns a page of rules (creation order) and the total.
	FindCustomRules(ctx context.Context, f RuleFilter) ([]*CustomRule, int, error)
	// UpdateCustomRules is UpdateGeoIPRules for precise-protection rules.
	UpdateCustomRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, fn func(*CustomRule) error) ([]*CustomRule, error)
	// CreateCCRules inserts CC rules, all or none. KindNotFound when a
	// policy does not exist.
	CreateCCRules(ctx context.Context, rules []*CCRule) error
	// FindCCRule returns a rule of a policy. KindNotFound.
	FindCCRule(ctx context.Context, projectID, policyID, id string) (*CCRule, error)
	// FindCCRules returns a page of rules (creation order) and the total;
	// Page.Limit -1 is all.
	FindCCRules(ctx context.Context, f RuleFilter) ([]*CCRule, int, error)
	// UpdateCCRules is UpdateGeoIPRules for CC rules.
	UpdateCCRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, fn func(*CCRule) error) ([]*CCRule, error)

	// CreatePunishmentRule inserts a known-attack-source rule. KindNotFound
	// (policy), KindConflict (the policy has a rule of its category).
	CreatePunishmentRule(ctx context.Context, r *PunishmentRule) error
	// FindPunishmentRule returns a rule of a policy. KindNotFound.
	FindPunishmentRule(ctx context.Context, projectID, policyID, id string) (*PunishmentRule, error)
	// FindPunishmentRules returns a page of rules (creation order) and the
	// total; Page.Limit -1 is all.
	FindPunishmentRules(ctx context.Context, f RuleFilter) ([]*PunishmentRule, int, error)
	// UpdatePunishmentRule loads a rule, lets fn change it and saves it
	// (its category stays). KindNotFound.
	UpdatePunishmentRule(ctx context.Context, projectID, policyID, id string, fn func(*PunishmentRule) error) (*PunishmentRule, error)

	// CreateIgnoreRules inserts false-alarm masking rules, all or none.
	// KindNotFound (policy).
	CreateIgnoreRules(ctx context.Context, rules []*IgnoreRule) error
	// FindIgnoreRule returns a rule of a policy. KindNotFound.
	FindIgnoreRule(ctx context.Context, projectID, policyID, id string) (*IgnoreRule, error)
	// FindIgnoreRules returns a page of rules (creation order) and the total.
	FindIgnoreRules(ctx context.Context, f RuleFilter) ([]*IgnoreRule, int, error)
	// UpdateIgnoreRules is UpdateGeoIPRules for ignore rules; it saves the
	// hit count and reset time fn leaves too.
	UpdateIgnoreRules(ctx context.Context, projectID string, ids []PolicyRuleIDs, fn func(*IgnoreRule) error) ([]*IgnoreRule, error)
	// AddIgnoreRuleHits adds the counts to the hit counts of the project's
	// ignore rules, skipping rules that no longer exist. It does not bump
	// the WAF revision: hit counts do not change what the data plane does.
	AddIgnoreRuleHits(ctx context.Context, projectID string, hits []IgnoreHit) error

	// DeleteRules deletes rules of one type, all or none. KindNotFound;
	// KindInUse for a known-attack-source rule (RulePunishment) that a
	// precise-protection rule's or its policy's followed_action_id names.
	DeleteRules(ctx context.Context, projectID string, t RuleType, ids []PolicyRuleIDs) error

	// CreateIPGroup inserts g. KindConflict: the name is taken.
	CreateIPGroup(ctx context.Context, g *IPGroup) error
	// FindIPGroup returns a group with the rules using it. KindNotFound.
	FindIPGroup(ctx context.Context, projectID, id string) (*IPGroup, error)
	// FindIPGroups returns a page of groups and the total.
	FindIPGroups(ctx context.Context, f IPGroupFilter) ([]*IPGroup, int, error)
	// UpdateIPGroup loads a group, lets fn change it and saves it.
	// KindNotFound, KindConflict (name).
	UpdateIPGroup(ctx context.Context, projectID, id string, fn func(*IPGroup) error) (*IPGroup, error)
	// DeleteIPGroup deletes a group and returns it. KindNotFound, KindInUse.
	DeleteIPGroup(ctx context.Context, projectID, id string) (*IPGroup, error)

	// CreateValueList inserts a reference table. KindConflict: the name is
	// taken in the project; KindQuota: the project already holds max tables.
	CreateValueList(ctx context.Context, l *ValueList, max int) error
	// FindValueList returns a reference table of the project. KindNotFound.
	FindValueList(ctx context.Context, projectID, id string) (*ValueList, error)
	// FindValueLists returns a page of tables (creation order) and the
	// total; Page.Limit -1 is all.
	FindValueLists(ctx context.Context, f ValueListFilter) ([]*ValueList, int, error)
	// UpdateValueList loads a table, lets fn change it and saves it.
	// KindNotFound, KindConflict (name).
	UpdateValueList(ctx context.Context, projectID, id string, fn func(*ValueList) error) (*ValueList, error)
	// DeleteValueList deletes a table and returns it. KindNotFound,
	// KindInUse (a rule's condition references it by value_list_id).
	DeleteValueList(ctx context.Context, projectID, id string) (*ValueList, error)

	// CreateHost inserts h, and first newPolicy when it is not nil.
	// KindNotFound (h.PolicyID), KindConflict (hostname taken).
	CreateHost(ctx context.Context, h *Host, newPolicy *Policy) error
	// FindHost returns a host. KindNotFound.
	FindHost(ctx context.Context, projectID, id string) (*Host, error)
	// FindHosts returns a page of hosts and the total; Page.Limit -1 is all.
	FindHosts(ctx context.Context, f HostFilter) ([]*Host, int, error)
	// UpdateHost loads a host, lets fn change it and saves it. KindNotFound
	// (host, or the policy fn points it to).
	UpdateHost(ctx context.Context, projectID, id string, fn func(*Host) error) (*Host, error)
	// DeleteHost deletes a host and returns it. KindNotFound.
	DeleteHost(ctx context.Context, projectID, id string) (*Host, error)

	// CertificateSource returns a certificate with its hosts, content and
	// key. KindNotFound.
	CertificateSource
	// CreateCertificate inserts c.
	CreateCertificate(ctx context.Context, c *Certificate) error
	// FindCertificates returns a page of certificates (creation order) with
	// their hosts, and the total.
	FindCertificates(ctx context.Context, f CertificateFilter) ([]*Certificate, int, error)
	// UpdateCertificate loads a certificate, lets fn change it and saves it;
	// the hosts using it take its new name. KindNotFound.
	UpdateCertificate(ctx context.Context, projectID, id string, fn func(*Certificate) error) (*Certificate, error)
	// DeleteCertificate deletes a certificate and returns it. KindNotFound,
	// KindInUse (a host uses it).
	DeleteCertificate(ctx context.Context, projectID, id string) (*Certificate, error)
	// ApplyCertificate makes the hosts use the certificate, all or none,
	// and returns it. KindNotFound (certificate or a host).
	ApplyCertificate(ctx context.Context, projectID, id string, hostIDs []string) (*Certificate, error)
	// AllHosts returns every host of every project, oldest first (creation
	// order), for the data plane's routing table.
	AllHosts(ctx context.Context) ([]*Host, error)
}
