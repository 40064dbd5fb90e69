package waf

import "time"

// CCRule is a CC attack protection rule: requests that match it (Mode 0:
// the URL; Mode 1: every condition) are counted per key (TagType) and,
// beyond LimitNum requests in LimitPeriod seconds, blocked, logged or
// blocked dynamically (Action) while the rule is enabled.
type CCRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	EnterpriseProjectID string
	Name                string
	Description         string
	Mode                int    // 0 standard (URL), 1 advanced (Conditions)
	URL                 string // Mode 0: the protected path
	Prefix              bool   // Mode 0: URL is a prefix
	Conditions          []CustomCondition
	Action              CCAction
	TagType             string // ip, cookie, header, other (Referer), policy, domain, url
	TagIndex            string // cookie or header name (tag_type cookie or header)
	TagCondition        *CCTagCondition
	LimitNum            int  // requests allowed per LimitPeriod
	LimitPeriod         int  // seconds, 1 to 3600
	UnlockNum           int  // dynamic_block: requests per period under which the key is let through again
	LockTime            int  // seconds a key stays blocked after it went over the limit; 0: until its period ends
	DomainAggregation   bool // count the keys of every host of the policy together
	RegionAggregation   bool // global counting across nodes
	Priority            *int // 1 to 100 (edge)
	CCPriority          *int // 0 to 65535
	Status              int  // 1 enabled, 0 disabled
	CreatedAt           time.Time
}

// CCAction is what a CC rule does to a key over its limit: Category block,
// log, dynamic_block or captcha, with an optional custom block response.
type CCAction struct {
	Category string
	Response *CCResponse // nil: the block page
}

// CCResponse is the custom block response of a CC rule.
type CCResponse struct {
	ContentType string // application/json, text/html or text/xml
	Content     string
}

// CCTagCondition narrows tag_type other (Referer) keys: Category referer
// and the Referer values counted.
type CCTagCondition struct {
	Category string
	Contents []string
}
