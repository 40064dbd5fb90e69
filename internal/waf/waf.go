// Package waf is the domain of Huawei Cloud's Web Application Firewall
// control plane as Rampart serves it: protection policies, protected hosts
// (cloud mode), geolocation, IP-reputation and black/white IP rules, IP
// address groups and reference tables. It holds the entities, their
// validation (every error is a rampart.Error whose Code is the WAF code
// that names the problem), the Store interface that storage adapters
// implement and the Service that applies the business rules over a Store.
//
// Everything is scoped by project: every Store method takes the project ID
// and never returns another project's data.
package waf

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// WAF error codes (Huawei's WAF error table).
const (
	CodeURLParam        = "WAF.00021002" // url.param.illegal
	CodeBody            = "WAF.00021003" // request.body.illegal: missing or illegal parameter
	CodeID              = "WAF.00021004" // id.illegal
	CodeName            = "WAF.00021005" // name.illegal
	CodeIP              = "WAF.00021009" // ip.illegal
	CodeAction          = "WAF.00021014" // action.illegal
	CodeRuleStatus      = "WAF.00021015" // rule.status.illegal
	CodeDescription     = "WAF.00021016" // description.illegal
	CodeRuleConfig      = "WAF.00021017" // incorrect.rule.config
	CodePaging          = "WAF.00021020" // offsetOrLimit.illegal
	CodeExceedLimit     = "WAF.00021021" // param.exceed.limit
	CodeNotFound        = "WAF.00022001" // resource.not.found (HTTP 404)
	CodeExists          = "WAF.00022002" // resource.already.exists
	CodeInUse           = "WAF.00022003" // resource.is.being.used
	CodeRuleConflict    = "WAF.00022004" // rule.conflict
	CodeNameDuplicate   = "WAF.00011016" // name.duplicate
	CodeHost            = "WAF.00011006" // host.illegal
	CodePort            = "WAF.00011007" // port.illegal / ip.illegal (hosts)
	CodeProtectStatus   = "WAF.00011008" // protect.status.illegal
	CodeAccessStatus    = "WAF.00011009" // access.status.illegal
	CodePageSize        = "WAF.00011011" // pageOrPageSize.illegal
	CodeHostConflict    = "WAF.00014007" // host.conflict
	CodeEPSAllForWrites = "WAF.00012010" // eps.all.not.support
	CodeFeature         = "WAF.00013002" // feature.not.support
)

// invalid returns a KindInvalid error naming field with the given WAF code.
func invalid(code, field, format string, args ...any) *rampart.Error {
	return &rampart.Error{Kind: rampart.KindInvalid, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns the WAF not-found error for a kind of resource.
func NotFound(what, id string) *rampart.Error {
	return &rampart.Error{Kind: rampart.KindNotFound, Code: CodeNotFound,
		Message: fmt.Sprintf("The %s %s does not exist.", what, id)}
}

// Enterprise projects.
const (
	DefaultEnterpriseProject = "0"
	AllEnterpriseProjects    = "all_granted_eps"
)

// ParseEnterpriseProject validates the enterprise_project_id query. Empty
// means the default project "0"; "all_granted_eps" is accepted for reads
// only; anything else must be an ID of at most 36 letters, digits and '-'.
func ParseEnterpriseProject(s string, write bool) (string, error) {
	switch s {
	case "":
		return DefaultEnterpriseProject, nil
	case AllEnterpriseProjects:
		if write {
			return "", invalid(CodeEPSAllForWrites, "enterprise_project_id",
				"enterprise_project_id all_granted_eps is not allowed for changes.")
		}
		return s, nil
	}
	if len(s) > 36 || !allOf(s, func(r rune) bool { return isAlnum(r) || r == '-' }) {
		return "", invalid(CodeURLParam, "enterprise_project_id", "enterprise_project_id %q is not a valid enterprise project ID.", s)
	}
	return s, nil
}

// NewID returns a random 32-character lower-case hex identifier, the shape
// of Huawei's WAF IDs.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CheckID validates an ID taken from a URL path or a body reference: 1 to 64
// letters, digits, '-' or '_'. Anything else can never name a resource.
func CheckID(field, id string) error {
	if id == "" || len(id) > 64 || !allOf(id, func(r rune) bool { return isAlnum(r) || r == '-' || r == '_' }) {
		return invalid(CodeID, field, "%s %q is not a valid ID.", field, id)
	}
	return nil
}

// Page is a validated window of a list: Offset items skipped, at most Limit
// returned.
type Page struct {
	Offset int
	Limit  int
}

// PageBySize converts page/pagesize query values ("" = default) into a
// window. page starts at 1; pagesize must lie in [1, max]. When allowAll is
// set, pagesize -1 returns everything.
func PageBySize(page, pagesize string, def, max int, allowAll bool, code string) (Page, error) {
	p, err := atoiDefault(page, 1)
	if err != nil || p < 1 {
		return Page{}, invalid(code, "page", "page %q must be an integer of at least 1.", page)
	}
	n, err := atoiDefault(pagesize, def)
	if allowAll && err == nil && n == -1 {
		return Page{Offset: 0, Limit: -1}, nil
	}
	if err != nil || n < 1 || n > max {
		return Page{}, invalid(code, "pagesize", "pagesize %q must be an integer from 1 to %d.", pagesize, max)
	}
	if p > (1<<31)/n {
		return Page{Offset: 1 << 31, Limit: n}, nil
	}
	return Page{Offset: (p - 1) * n, Limit: n}, nil
}

// PageByOffset converts offset/limit query values ("" = default) into a
// window: offset in [0, 65535], limit in [1, 65535].
func PageByOffset(offset, limit string, def int) (Page, error) {
	o, err := atoiDefault(offset, 0)
	if err != nil || o < 0 || o > 65535 {
		return Page{}, invalid(CodePaging, "offset", "offset %q must be an integer from 0 to 65535.", offset)
	}
	n, err := atoiDefault(limit, def)
	if err != nil || n < 1 || n > 65535 {
		return Page{}, invalid(CodePaging, "limit", "limit %q must be an integer from 1 to 65535.", limit)
	}
	return Page{Offset: o, Limit: n}, nil
}

func atoiDefault(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	if len(s) > 10 {
		return 0, fmt.Errorf("too long")
	}
	n := 0
	neg := false
	for i, r := range s {
		if i == 0 && r == '-' && len(s) > 1 {
			neg = true
			continue
		}
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("not a number")
		}
		n = n*10 + int(r-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func allOf(s string, ok func(rune) bool) bool {
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

// checkRuleName validates a rule or group name: 1 to max characters of
// letters, digits, '-', '_', '.' and ':'. Empty is allowed when optional.
func checkRuleName(name string, max int, optional bool) error {
	if name == "" {
		if optional {
			return nil
		}
		return invalid(CodeName, "name", "name is mandatory.")
	}
	if len([]rune(name)) > max || !allOf(name, func(r rune) bool {
		return isAlnum(r) || strings.ContainsRune("-_.:", r)
	}) {
		return invalid(CodeName, "name", "name %q must be 1 to %d letters, digits, '-', '_', '.' or ':'.", name, max)
	}
	return nil
}

// checkDescription validates a description: at most 256 characters, no '<'
// or '>'.
func checkDescription(d string) error {
	if len([]rune(d)) > 256 || strings.ContainsAny(d, "<>") {
		return invalid(CodeDescription, "description", "description must be at most 256 characters without '<' or '>'.")
	}
	return nil
}

// checkStatus validates a rule status: 0 (disabled) or 1 (enabled).
func checkStatus(field string, s int) error {
	if s != 0 && s != 1 {
		return invalid(CodeRuleStatus, field, "%s must be 0 (disabled) or 1 (enabled), not %d.", field, s)
	}
	return nil
}

// checkWhite validates a protective action: 0 block, 1 allow, 2 log only.
func checkWhite(w int) error {
	if w < 0 || w > 2 {
		return invalid(CodeAction, "white", "white must be 0 (block), 1 (allow) or 2 (log only), not %d.", w)
	}
	return nil
}

// PolicyRuleIDs names rules of one policy, as batch operations carry them.
type PolicyRuleIDs struct {
	PolicyID string
	RuleIDs  []string
}

// checkPolicyRuleIDs validates the policy_rule_ids of a batch operation.
func checkPolicyRuleIDs(list []PolicyRuleIDs) error {
	if len(list) == 0 {
		return invalid(CodeBody, "policy_rule_ids", "policy_rule_ids is mandatory.")
	}
	n := 0
	for _, pr := range list {
		n += len(pr.RuleIDs)
	}
	if n > maxBatch {
		return invalid(CodeExceedLimit, "policy_rule_ids", "policy_rule_ids names more than %d rules.", maxBatch)
	}
	for _, pr := range list {
		if err := CheckID("policy_id", pr.PolicyID); err != nil {
			return err
		}
		if len(pr.RuleIDs) == 0 {
			return invalid(CodeBody, "rule_ids", "rule_ids of policy %s is empty.", pr.PolicyID)
		}
		for _, id := range pr.RuleIDs {
			if err := CheckID("rule_ids", id); err != nil {
				return err
			}
		}
	}
	return nil
}

// ms returns t as Unix milliseconds (0 for the zero time).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
