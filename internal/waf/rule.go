package waf

import (
	"fmt"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// RuleType names a kind of rule in the generic rule operations
// (UpdatePolicyRuleStatus, BatchDeleteRules).
type RuleType string

// Rule types this server stores.
const (
	RuleCC           RuleType = "cc"
	RuleCustom       RuleType = "custom"
	RuleGeoIP        RuleType = "geoip"
	RuleIgnore       RuleType = "ignore"
	RuleReputation   RuleType = "ip-reputation"
	RuleWhiteBlackIP RuleType = "whiteblackip"
	// RulePunishment (known-attack-source rules) is no rule_type of the
	// generic operations; only the store's DeleteRules takes it.
	RulePunishment RuleType = "punishment"
)

// ParseRuleType validates a rule_type path value. Types the SDK knows but
// this server does not store (privacy, antitamper, antileakage) give
// CodeFeature; anything else CodeURLParam.
func ParseRuleType(s string) (RuleType, error) {
	switch RuleType(s) {
	case RuleCC, RuleCustom, RuleGeoIP, RuleIgnore, RuleReputation, RuleWhiteBlackIP:
		return RuleType(s), nil
	}
	switch s {
	case "privacy", "antitamper", "antileakage":
		return "", invalid(CodeFeature, "rule_type", "rule_type %s is not supported by this server.", s)
	}
	return "", invalid(CodeURLParam, "rule_type", "rule_type %q is not a rule type.", s)
}

// RuleFilter selects rules of one or more policies.
type RuleFilter struct {
	ProjectID string
	PolicyIDs []string // empty: every policy of the project
	Name      string   // substring (whiteblackip and cc only)
	Page      Page
}

// RuleStatus is what UpdatePolicyRuleStatus returns.
type RuleStatus struct {
	ID          string
	PolicyID    string
	Description string
	Status      int
	CreatedAt   time.Time
}

// ErrLocationInUse is the conflict of a location already used by another
// geolocation rule of the same policy.
func ErrLocationInUse(code, ruleID string) error {
	return &rampart.Error{Kind: rampart.KindConflict, Code: CodeRuleConflict, Field: "geoip",
		Message: fmt.Sprintf("The location %s is already used by geolocation rule %s of this policy.", code, ruleID)}
}

// ErrTagInUse is the conflict of an IDC tag already used by another
// IP-reputation rule of the same policy.
func ErrTagInUse(tag, ruleID string) error {
	return &rampart.Error{Kind: rampart.KindConflict, Code: CodeRuleConflict, Field: "tags",
		Message: fmt.Sprintf("The tag %s is already used by IP reputation rule %s of this policy.", tag, ruleID)}
}

// GeoIPRule is a geolocation access-control rule: requests from the listed
// locations are blocked (White 0), allowed (1) or logged (2).
type GeoIPRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	EnterpriseProjectID string
	Name                string
	Geoip               string   // codes joined with '|', as given
	Codes               []string // the parsed codes of Geoip
	White               int
	Status              int
	IPType              string
	Description         string
	CreatedAt           time.Time
}

// GeoIPRuleChange carries the fields of a geolocation rule create or
// update; nil fields are absent.
type GeoIPRuleChange struct {
	Name        *string
	Geoip       *string
	White       *int
	Status      *int
	IPType      *string
	Description *string
}

// apply validates c and applies it to r; create requires geoip and white.
func (c *GeoIPRuleChange) apply(r *GeoIPRule, create bool) error {
	if create && c.Geoip == nil {
		return invalid(CodeBody, "geoip", "geoip is mandatory.")
	}
	if create && c.White == nil {
		return invalid(CodeAction, "white", "white is mandatory.")
	}
	if c.Name != nil {
		if err := checkRuleName(*c.Name, 128, true); err != nil {
			return err
		}
		r.Name = *c.Name
	}
	if c.Geoip != nil {
		codes, err := ParseGeoip(*c.Geoip)
		if err != nil {
			return err
		}
		r.Geoip, r.Codes = *c.Geoip, codes
	}
	if c.White != nil {
		if err := checkWhite(*c.White); err != nil {
			return err
		}
		r.White = *c.White
	}
	if c.Status != nil {
		if err := checkStatus("status", *c.Status); err != nil {
			return err
		}
		r.Status = *c.Status
	}
	if c.IPType != nil {
		if len(*c.IPType) > 64 {
			return invalid(CodeBody, "ip_type", "ip_type is too long.")
		}
		r.IPType = *c.IPType
	}
	if c.Description != nil {
		if err := checkDescription(*c.Description); err != nil {
			return err
		}
		r.Description = *c.Description
	}
	return nil
}

// ReputationRule is an IP-reputation (IDC intelligence) rule: requests from
// addresses of the tagged data centres are blocked, logged or passed.
type ReputationRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	PolicyName          string // filled by the Store on reads
	EnterpriseProjectID string
	Name                string
	Description         string
	Type                string // idc
	Tags                []string
	Action              string // block|log|pass
	Status              int
	CreatedAt           time.Time
}

// DefaultReputationAction is the action of an IP-reputation rule created
// without one (Terraform's huaweicloud_waf_ip_intelligence_rule leaves the
// action out unless it is configured): log only.
const DefaultReputationAction = "log"

// ReputationRuleChange carries the fields of an IP-reputation rule create
// or update; nil fields are absent (Terraform sends "action": null on
// update, which keeps the action).
type ReputationRuleChange struct {
	Name        *string
	Description *string
	Type        *string
	Tags        []string // nil: absent
	Action      *string
	Status      *int
}

func (c *ReputationRuleChange) apply(r *ReputationRule, create bool) error {
	if create {
		switch {
		case c.Name == nil || *c.Name == "":
			return invalid(CodeName, "name", "name is mandatory.")
		case c.Type == nil:
			return invalid(CodeBody, "type", "type is mandatory.")
		case c.Tags == nil:
			return invalid(CodeBody, "tags", "tags is mandatory.")
		}
		r.Action = DefaultReputationAction // when the body has no action
	}
	if c.Name != nil && *c.Name != "" {
		if err := checkRuleName(*c.Name, 128, false); err != nil {
			return err
		}
		r.Name = *c.Name
	}
	if c.Description != nil {
		if err := checkDescription(*c.Description); err != nil {
			return err
		}
		r.Description = *c.Description
	}
	if c.Type != nil && (*c.Type != "" || create) {
		if *c.Type != "idc" {
			return invalid(CodeBody, "type", "type must be idc, not %q.", *c.Type)
		}
		r.Type = *c.Type
	}
	if c.Tags != nil {
		if len(c.Tags) == 0 {
			return invalid(CodeBody, "tags", "tags must name at least one tag.")
		}
		seen := map[string]bool{}
		for _, t := range c.Tags {
			if !validIDCTag(t) {
				return invalid(CodeBody, "tags", "tag %q is not an IDC tag (Dr.Peng, AliCloud, VNET, Microsoft, Google, Tencent, Amazon, HW, MeiTuan).", t)
			}
			if seen[t] {
				return invalid(CodeBody, "tags", "tag %q is repeated.", t)
			}
			seen[t] = true
		}
		r.Tags = append([]string(nil), c.Tags...)
	}
	if c.Action != nil {
		switch *c.Action {
		case "block", "log", "pass":
			r.Action = *c.Action
		default:
			return invalid(CodeAction, "action.category", "action.category must be block, log or pass, not %q.", *c.Action)
		}
	}
	if c.Status != nil {
		if err := checkStatus("status", *c.Status); err != nil {
			return err
		}
		r.Status = *c.Status
	}
	return nil
}

// ErrInUse is the error of deleting what is still referenced.
func ErrInUse(format string, args ...any) error {
	return &rampart.Error{Kind: rampart.KindInUse, Code: CodeInUse, Message: fmt.Sprintf(format, args...)}
}
