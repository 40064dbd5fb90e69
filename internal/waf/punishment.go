package waf

import "time"

// PunishmentRule is a known-attack-source rule: after a request from a
// source was blocked by basic web protection or a precise-protection rule
// whose action names this rule (followed_action_id), requests from the same
// source (its address, or the cookie, parameter or header that identifies
// it) are blocked for BlockTime TimeUnits.
type PunishmentRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	EnterpriseProjectID string
	Category            string // long_ip_block, long_cookie_block, long_params_block, long_header_block, short_ip_block, …
	BlockTime           int
	TimeUnit            string // SECOND, MINUTE, HOUR, DAY, MONTH
	Description         string
	CreatedAt           time.Time
}
