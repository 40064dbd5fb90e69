package inspect

// Attack types, with Huawei's names.
const (
	AttackSQLi     = "sqli"
	AttackXSS      = "xss"
	AttackCmdi     = "cmdi"
	AttackLFI      = "lfi"
	AttackRFI      = "rfi"
	AttackWebshell = "webshell"
	AttackRobot    = "robot"
	AttackVuln     = "vuln"
)

// Verdict is the result of inspecting one request. The zero Verdict means
// the request is clean.
type Verdict struct {
	Attack   string // Huawei attack type name
	RuleID   string // 6 digits
	Location string // url, params, cookie, header or body
	Excerpt  string // at most MaxExcerptBytes of the matched value, escaped
}

// Detected reports whether the request matched a rule.
func (v Verdict) Detected() bool { return v.RuleID != "" }
