package waf

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// IgnoreRule is a false-alarm masking rule (Huawei's global protection
// whitelist): a detection of basic web protection that Rule covers is
// neither blocked nor recorded when the request is for one of Domains (any
// host of the policy when empty), every condition holds and, with
// Advanced, the detection is in the named fields.
type IgnoreRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	EnterpriseProjectID string
	Domains             []string
	Conditions          []IgnoreCondition
	Mode                int    // always 1 (Huawei's v2 rules)
	Rule                string // see ParseIgnoreTarget
	Advanced            *IgnoreAdvanced
	Description         string
	Status              int
	CreatedAt           time.Time
	UpdatedAt           time.Time
	ClearedAt           time.Time // when the hit count was last reset; zero: never
	Hits                int64
}

// IgnoreCondition is one condition of an ignore rule.
type IgnoreCondition struct {
	Category       string // url, params, cookie, header, user-agent, referer, method, request_body
	Index          string // field name of params, cookie and header
	LogicOperation string
	Contents       []string
	// CheckAllIndexes is 1 (every field of the category must satisfy the
	// condition) or 2 (any field) instead of an Index; 0 when absent.
	CheckAllIndexes int
}

// IgnoreAdvanced limits the masking to the detections in one part of the
// request: Index params, cookie, header, body or multipart; Fields the
// field names of params, cookie or header (empty: every field).
type IgnoreAdvanced struct {
	Index  string
	Fields []string
}

// IgnoreRuleInput is the body of an ignore rule create or (full) update.
type IgnoreRuleInput struct {
	Domains     []string
	Conditions  []IgnoreCondition
	Mode        *int
	Rule        *string
	Advanced    *IgnoreAdvanced
	Description *string
}

// Ignore rule limits (Huawei gives none; see docs/compatibility.md).
const (
	maxIgnoreDomains    = 128
	maxIgnoreConditions = 30
	maxIgnoreContent    = 4096
	maxIgnoreFields     = 64
)

// Attack categories an ignore rule may name (Huawei's names).
var ignoreCategories = map[string]bool{
	"sqli": true, "xss": true, "cmdi": true, "lfi": true, "rfi": true, "webshell": true, "robot": true, "vuln": true,
}

// Ignore rule targets other than rule IDs and attack categories.
const (
	IgnoreAllModules = "bypass"  // every module
	IgnoreAllRules   = "all"     // every built-in rule of basic web protection
	IgnoreIllegal    = "illegal" // illegal requests
)

// ParseIgnoreTarget validates the rule field of an ignore rule: "bypass",
// "all", "illegal", or ';'-separated 6-digit rule IDs and attack
// categories. It returns the IDs and categories.
func ParseIgnoreTarget(s string) (ids, categories []string, err error) {
	switch s {
	case IgnoreAllModules, IgnoreAllRules, IgnoreIllegal:
		return nil, nil, nil
	case "":
		return nil, nil, invalid(CodeBody, "rule", "rule is mandatory.")
	}
	for _, part := range strings.Split(s, ";") {
		switch {
		case isRuleID(part):
			ids = append(ids, part)
		case ignoreCategories[part]:
			categories = append(categories, part)
		default:
			return nil, nil, invalid(CodeBody, "rule",
				"rule %q must be bypass, all, illegal, or 6-digit rule IDs and attack types (sqli, xss, cmdi, lfi, rfi, webshell, robot, vuln) separated by ';'.", s)
		}
	}
	return ids, categories, nil
}

func isRuleID(s string) bool {
	return len(s) == 6 && allOf(s, func(r rune) bool { return r >= '0' && r <= '9' })
}

// ignoreOperations lists the logic operations of each condition category.
var ignoreOperations = func() map[string]map[string]bool {
	set := func(groups ...[]string) map[string]bool {
		m := map[string]bool{}
		for _, g := range groups {
			for _, op := range g {
				m[op] = true
			}
		}
		return m
	}
	text := []string{"contain", "not_contain", "equal", "not_equal", "prefix", "not_prefix", "suffix", "not_suffix"}
	length := []string{"len_equal", "len_not_equal", "len_greater", "len_less", "len_greater_equal", "len_less_equal"}
	regex := []string{"regular_match", "regular_not_match"}
	num := []string{"num_equal", "num_not_equal", "num_greater", "num_less"}
	exist := []string{"exist", "not_exist"}
	return map[string]map[string]bool{
		"url":          set(text, length, regex),
		"user-agent":   set(text, length, regex),
		"referer":      set(text, length, regex),
		"params":       set(text, length, regex, num, exist),
		"cookie":       set(text, length, regex, num, exist),
		"header":       set(text, length, regex, num, exist),
		"method":       set([]string{"equal", "not_equal"}),
		"request_body": set([]string{"contain", "not_contain"}, regex),
	}
}()

// Condition categories the SDK lists that this server cannot evaluate on an
// inspected request.
var ignoreUnsupportedCategories = map[string]bool{
	"ip": true, "ipv6": true, "custom_geoip": true, "robot": true, "request_line": true, "request": true, "protocol": true,
}

// isIgnoreFieldCategory reports whether conditions of the category name a
// field (params, cookie, header).
func isIgnoreFieldCategory(c string) bool { return c == "params" || c == "cookie" || c == "header" }

func (c *IgnoreCondition) check(i int) error {
	field := "conditions[" + strconv.Itoa(i) + "]"
	ops, ok := ignoreOperations[c.Category]
	if !ok {
		if ignoreUnsupportedCategories[c.Category] {
			return invalid(CodeFeature, field+".category", "category %s is not supported in ignore rules by this server.", c.Category)
		}
		return invalid(CodeBody, field+".category", "category %q is not a condition category.", c.Category)
	}
	op := c.LogicOperation
	if strings.HasSuffix(op, "_any") || strings.HasSuffix(op, "_all") {
		return invalid(CodeFeature, field+".logic_operation", "logic_operation %s needs a reference table, which this server does not support.", op)
	}
	if !ops[op] {
		return invalid(CodeBody, field+".logic_operation", "logic_operation %q is not allowed for category %s.", op, c.Category)
	}
	if isIgnoreFieldCategory(c.Category) {
		switch {
		case c.CheckAllIndexes != 0 && c.CheckAllIndexes != 1 && c.CheckAllIndexes != 2:
			return invalid(CodeBody, field+".check_all_indexes_logic", "check_all_indexes_logic must be 1 (all fields) or 2 (any field), not %d.", c.CheckAllIndexes)
		case c.CheckAllIndexes != 0 && c.Index != "":
			return invalid(CodeBody, field+".index", "index must be absent when check_all_indexes_logic is set.")
		case c.CheckAllIndexes == 0 && c.Index == "":
			return invalid(CodeBody, field+".index", "index is mandatory for category %s.", c.Category)
		case len(c.Index) > 256:
			return invalid(CodeBody, field+".index", "index is longer than 256 characters.")
		}
	} else if c.Index != "" || c.CheckAllIndexes != 0 {
		return invalid(CodeBody, field+".index", "category %s has no index.", c.Category)
	}
	if op == "exist" || op == "not_exist" {
		if len(c.Contents) != 0 {
			return invalid(CodeBody, field+".contents", "logic_operation %s takes no contents.", op)
		}
		return nil
	}
	if len(c.Contents) != 1 {
		return invalid(CodeBody, field+".contents", "contents must hold exactly one value.")
	}
	v := c.Contents[0]
	if v == "" || len(v) > maxIgnoreContent {
		return invalid(CodeBody, field+".contents", "contents must be 1 to %d characters.", maxIgnoreContent)
	}
	switch {
	case strings.HasPrefix(op, "len_") || strings.HasPrefix(op, "num_"):
		if _, err := strconv.ParseUint(v, 10, 31); err != nil {
			return invalid(CodeBody, field+".contents", "contents %q of %s must be a non-negative integer.", v, op)
		}
	case strings.HasPrefix(op, "regular_"):
		if _, err := regexp.Compile(v); err != nil {
			return invalid(CodeBody, field+".contents", "contents %q is not a regular expression: %v.", v, err)
		}
	case c.Category == "url" && !strings.HasPrefix(v, "/") && (op == "equal" || op == "not_equal" || op == "prefix" || op == "not_prefix"):
		return invalid(CodeBody, field+".contents", "a url to compare from its start must begin with '/', not %q.", v)
	case c.Category == "method" && v != strings.ToUpper(v):
		return invalid(CodeBody, field+".contents", "method %q must be upper case.", v)
	}
	return nil
}

func checkIgnoreDomains(domains []string) error {
	if len(domains) > maxIgnoreDomains {
		return invalid(CodeExceedLimit, "domain", "domain names more than %d hosts.", maxIgnoreDomains)
	}
	for _, d := range domains {
		name, _, _ := strings.Cut(d, ":") // <host>:<id> of ELB access
		if name == "" || len(d) > 255 || !allOf(name, func(r rune) bool {
			return isAlnum(r) || strings.ContainsRune("-_.*", r)
		}) {
			return invalid(CodeHost, "domain", "domain %q is not a host name.", d)
		}
	}
	return nil
}

func (a *IgnoreAdvanced) check() error {
	switch strings.ToLower(a.Index) {
	case "params", "cookie", "header":
	case "body", "multipart":
		if len(a.Fields) > 0 {
			return invalid(CodeBody, "advanced.contents", "advanced %s takes no field names.", a.Index)
		}
	default:
		return invalid(CodeBody, "advanced.index", "advanced.index must be params, cookie, header, body or multipart, not %q.", a.Index)
	}
	if len(a.Fields) > maxIgnoreFields {
		return invalid(CodeExceedLimit, "advanced.contents", "advanced.contents names more than %d fields.", maxIgnoreFields)
	}
	for _, f := range a.Fields {
		if f == "" || len(f) > 256 {
			return invalid(CodeBody, "advanced.contents", "advanced.contents must hold field names of 1 to 256 characters.")
		}
	}
	return nil
}

// apply validates in and replaces every field of r with it (an update
// replaces the rule); conditions, mode and rule are mandatory, no domain
// means every host of the policy.
func (in *IgnoreRuleInput) apply(r *IgnoreRule) error {
	switch {
	case len(in.Conditions) == 0:
		return invalid(CodeBody, "conditions", "conditions is mandatory.")
	case len(in.Conditions) > maxIgnoreConditions:
		return invalid(CodeExceedLimit, "conditions", "conditions holds more than %d conditions.", maxIgnoreConditions)
	case in.Mode == nil:
		return invalid(CodeBody, "mode", "mode is mandatory.")
	case *in.Mode != 1:
		return invalid(CodeBody, "mode", "mode must be 1; version 0 rules cannot be created.")
	case in.Rule == nil:
		return invalid(CodeBody, "rule", "rule is mandatory.")
	}
	if err := checkIgnoreDomains(in.Domains); err != nil {
		return err
	}
	for i := range in.Conditions {
		if err := in.Conditions[i].check(i); err != nil {
			return err
		}
	}
	if _, _, err := ParseIgnoreTarget(*in.Rule); err != nil {
		return err
	}
	if in.Advanced != nil {
		if err := in.Advanced.check(); err != nil {
			return err
		}
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
		if err := checkDescription(desc); err != nil {
			return err
		}
	}
	r.Domains = append([]string{}, in.Domains...)
	r.Conditions = make([]IgnoreCondition, len(in.Conditions))
	for i, c := range in.Conditions {
		c.Contents = append([]string{}, c.Contents...)
		r.Conditions[i] = c
	}
	r.Mode, r.Rule, r.Description = *in.Mode, *in.Rule, desc
	r.Advanced = nil
	if in.Advanced != nil {
		r.Advanced = &IgnoreAdvanced{Index: in.Advanced.Index, Fields: append([]string{}, in.Advanced.Fields...)}
	}
	return nil
}

// IgnoreHit is a number of masked detections of one ignore rule, as the
// data plane reports them.
type IgnoreHit struct {
	RuleID string
	Count  int64
}
