package waf

import (
	"time"
)

// OptionNames are the module switches of a policy's options, in the order
// the SDK lists them.
var OptionNames = []string{
	"webattack", "common", "crawler", "crawler_engine", "crawler_scanner", "crawler_script", "crawler_other",
	"webshell", "cc", "custom", "precise", "whiteblackip", "geoip", "ignore", "privacy", "antitamper",
	"antileakage", "bot_enable", "modulex_enabled", "followed_action", "anticrawler",
}

// defaultOptions are the switches of a new policy, as Huawei creates it.
var defaultOptions = map[string]bool{
	"webattack": true, "common": true, "crawler": true, "crawler_scanner": true, "cc": true, "custom": true,
	"whiteblackip": true, "geoip": true, "ignore": true, "privacy": true, "antitamper": true, "bot_enable": true,
}

// Policy is a protection policy: the module switches and settings that hosts
// bound to it are protected with, and the container of rules.
type Policy struct {
	ID                  string
	ProjectID           string
	EnterpriseProjectID string
	Name                string
	Level               int  // 1 loose, 2 medium, 3 strict
	FullDetection       bool // false: stop at the first precise-protection match
	LogActionReplaced   bool
	RobotAction         string // category of the feature-based anti-crawler: log|block
	Action              string // basic web protection: block|log
	FollowedActionID    string
	Options             map[string]bool // every name of OptionNames
	ModulexOptions      map[string]any
	Extend              map[string]string
	CreatedAt           time.Time

	// Hosts are the hosts bound to the policy (read-only; filled by the Store).
	Hosts []BoundHost
}

// BoundHost is a host as a policy lists it.
type BoundHost struct {
	ID       string
	Hostname string
	WAFType  string // cloud
	Mode     string
}

// Timestamp returns the creation time in Unix milliseconds.
func (p *Policy) Timestamp() int64 { return ms(p.CreatedAt) }

// PolicyUpdate is a PATCH of a policy: nil fields are left unchanged;
// Options and Extend entries are merged into the existing maps.
type PolicyUpdate struct {
	Name             *string
	Level            *int
	FullDetection    *bool
	RobotAction      *string
	Action           *string
	FollowedActionID *string
	Options          map[string]bool
	ModulexOptions   map[string]any
	Extend           map[string]string
}

// PolicyFilter selects policies in ListPolicy.
type PolicyFilter struct {
	ProjectID           string
	EnterpriseProjectID string // all_granted_eps: every enterprise project
	Name                string // substring
	Page                Page
}

// checkPolicyName validates a policy name: 1 to 64 letters, digits or '_'
// (Huawei's documented charset; '-' and '.' are accepted too, as the console
// does).
func checkPolicyName(name string) error {
	if name == "" {
		return invalid(CodeName, "name", "name is mandatory.")
	}
	if len(name) > 64 || !allOf(name, func(r rune) bool { return isAlnum(r) || r == '_' || r == '-' || r == '.' }) {
		return invalid(CodeName, "name", "name %q must be 1 to 64 letters, digits, '_', '-' or '.'.", name)
	}
	return nil
}

// newPolicy returns a policy with Huawei's defaults.
func newPolicy(projectID, ep, name string, now time.Time) *Policy {
	opts := make(map[string]bool, len(OptionNames))
	for _, n := range OptionNames {
		opts[n] = defaultOptions[n]
	}
	return &Policy{
		ID: NewID(), ProjectID: projectID, EnterpriseProjectID: ep, Name: name,
		Level: 2, LogActionReplaced: true, RobotAction: "log", Action: "log",
		Options: opts, ModulexOptions: map[string]any{}, Extend: map[string]string{},
		CreatedAt: now,
	}
}

// apply validates u and applies it to p.
func (u *PolicyUpdate) apply(p *Policy) error {
	if u.Name != nil {
		if err := checkPolicyName(*u.Name); err != nil {
			return err
		}
		p.Name = *u.Name
	}
	if u.Level != nil {
		if *u.Level < 1 || *u.Level > 3 {
			return invalid(CodeBody, "level", "level must be 1 (loose), 2 (medium) or 3 (strict), not %d.", *u.Level)
		}
		p.Level = *u.Level
	}
	if u.FullDetection != nil {
		p.FullDetection = *u.FullDetection
	}
	if u.RobotAction != nil {
		if *u.RobotAction != "log" && *u.RobotAction != "block" {
			return invalid(CodeAction, "robot_action.category", "robot_action.category must be log or block, not %q.", *u.RobotAction)
		}
		p.RobotAction = *u.RobotAction
	}
	if u.Action != nil {
		if *u.Action != "log" && *u.Action != "block" {
			return invalid(CodeAction, "action.category", "action.category must be block or log, not %q.", *u.Action)
		}
		p.Action = *u.Action
	}
	if u.FollowedActionID != nil {
		if *u.FollowedActionID != "" {
			if err := CheckID("action.followed_action_id", *u.FollowedActionID); err != nil {
				return err
			}
		}
		p.FollowedActionID = *u.FollowedActionID
	}
	for k, v := range u.Options {
		if _, known := p.Options[k]; !known {
			continue // tolerate switches this server does not know
		}
		p.Options[k] = v
	}
	if k, ok := u.Options["crawler"]; ok && !k {
		p.Options["crawler"] = true // reserved, always true
	}
	for k, v := range u.ModulexOptions {
		p.ModulexOptions[k] = v
	}
	for k, v := range u.Extend {
		if len(k) > 64 || len(v) > 4096 {
			return invalid(CodeBody, "extend", "extend entries are limited to 64-character keys and 4096-character values.")
		}
		p.Extend[k] = v
	}
	return nil
}
