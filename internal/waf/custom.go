package waf

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// CustomRule is a precise-protection rule: a request that satisfies every
// condition is blocked, passed or logged (Action) while the rule is
// enabled and, with Time, between Start and Terminal.
type CustomRule struct {
	ID                  string
	ProjectID           string
	PolicyID            string
	EnterpriseProjectID string
	Name                string
	Description         string
	Time                bool
	Start               int64 // Unix seconds; 0: unbounded (only with Time)
	Terminal            int64 // Unix seconds; 0: unbounded (only with Time)
	Conditions          []CustomCondition
	Action              CustomAction
	Priority            int // 0 first
	Status              int
	CreatedAt           time.Time
}

// CustomCondition is one condition of a precise-protection rule.
type CustomCondition struct {
	Category       string // url, user-agent, referer, ip, ipv6, method, request_line, request, params, cookie, header
	Index          string // field name of params, cookie and header
	LogicOperation string
	Contents       []string
	ValueListID    string // reference table of the *_any / *_all operations
}

// CustomAction is what a matching precise-protection rule does: Category
// block, pass or log; FollowedActionID names a known-attack-source rule
// (block only).
type CustomAction struct {
	Category         string
	FollowedActionID string
}

// CustomRuleInput is the body of a precise-protection rule create or (full)
// update; Status is only set by batch updates.
type CustomRuleInput struct {
	Name        *string
	Description *string
	Time        *bool
	Start       *int64
	Terminal    *int64
	Conditions  []CustomCondition
	Action      *CustomAction
	Priority    *int
	Status      *int
}

// Precise-protection limits (Huawei documents only the priority range; see
// docs/compatibility.md).
const (
	maxCustomConditions = 30
	maxCustomContent    = 2048
	maxCustomPriority   = 1000
	maxCustomName       = 128
)

// customOperations lists the logic operations of each condition category
// (Huawei's precise-protection table).
var customOperations = func() map[string]map[string]bool {
	set := operationSet
	text := textOperations
	table := []string{"contain_any", "not_contain_all", "equal_any", "not_equal_all", "prefix_any", "not_prefix_all",
		"suffix_any", "not_suffix_all"}
	length := []string{"len_greater", "len_less", "len_equal", "len_not_equal"}
	num := []string{"num_greater", "num_less", "num_equal", "num_not_equal"}
	exist := []string{"exist", "not_exist"}
	address := []string{"equal", "not_equal", "equal_any", "not_equal_all"}
	return map[string]map[string]bool{
		"url":          set(text, table, length),
		"user-agent":   set(text, table, length),
		"referer":      set(text, table, length),
		"ip":           set(address),
		"ipv6":         set(address),
		"method":       set([]string{"equal", "not_equal"}),
		"request_line": set(length),
		"request":      set(length),
		"params":       set(text, table, length, num, exist),
		"cookie":       set(text, table, length, num, exist),
		"header":       set(text, table, length, num, exist),
	}
}()

// UsesValueList reports whether the logic operation compares with a
// reference table (the *_any and *_all forms).
func UsesValueList(op string) bool {
	return strings.HasSuffix(op, "_any") || strings.HasSuffix(op, "_all")
}

func (c *CustomCondition) check(i int) error {
	return c.checkIn(i, customOperations, "precise-protection")
}

// checkIn validates the condition against a table of the logic operations
// of each category (precise-protection or CC); kind names the rule type in
// messages.
func (c *CustomCondition) checkIn(i int, table map[string]map[string]bool, kind string) error {
	field := "conditions[" + strconv.Itoa(i) + "]"
	ops, ok := table[c.Category]
	if !ok {
		return invalid(CodeBody, field+".category", "category %q is not a %s condition category.", c.Category, kind)
	}
	op := c.LogicOperation
	if !ops[op] {
		return invalid(CodeBody, field+".logic_operation", "logic_operation %q is not allowed for category %s.", op, c.Category)
	}
	if isIgnoreFieldCategory(c.Category) {
		if c.Index == "" {
			return invalid(CodeBody, field+".index", "index is mandatory for category %s.", c.Category)
		}
		if len(c.Index) > 256 {
			return invalid(CodeBody, field+".index", "index is longer than 256 characters.")
		}
	} else if c.Index != "" {
		return invalid(CodeBody, field+".index", "category %s has no index.", c.Category)
	}
	switch {
	case UsesValueList(op):
		if len(c.Contents) != 0 {
			return invalid(CodeBody, field+".contents", "logic_operation %s compares with a reference table: give value_list_id, not contents.", op)
		}
		if c.ValueListID == "" {
			return invalid(CodeBody, field+".value_list_id", "value_list_id is mandatory for logic_operation %s.", op)
		}
		return nil
	case c.ValueListID != "":
		return invalid(CodeBody, field+".value_list_id", "value_list_id is only allowed with the *_any and *_all logic operations, not %s.", op)
	case op == "exist" || op == "not_exist":
		if len(c.Contents) != 0 {
			return invalid(CodeBody, field+".contents", "logic_operation %s takes no contents.", op)
		}
		return nil
	case len(c.Contents) != 1:
		return invalid(CodeBody, field+".contents", "contents must hold exactly one value.")
	}
	v := c.Contents[0]
	if v == "" || len(v) > maxCustomContent {
		return invalid(CodeBody, field+".contents", "contents must be 1 to %d characters.", maxCustomContent)
	}
	switch c.Category {
	case "ip", "ipv6":
		return checkConditionAddress(field, c.Category, v)
	}
	return checkConditionContent(field, c.Category, op, v)
}

// checkConditionAddress validates the address or CIDR of an ip (IPv4) or
// ipv6 condition.
func checkConditionAddress(field, category, v string) error {
	prefix, err := netip.ParsePrefix(v)
	if err != nil {
		var addr netip.Addr
		if addr, err = netip.ParseAddr(v); err == nil {
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
	}
	if err != nil || prefix.Addr().Zone() != "" || prefix.Addr().Is4() != (category == "ip") {
		kind := "an IPv4"
		if category == "ipv6" {
			kind = "an IPv6"
		}
		return invalid(CodeBody, field+".contents", "contents %q of category %s must be %s address or CIDR block.", v, category, kind)
	}
	return nil
}

func checkCustomAction(a *CustomAction) error {
	switch {
	case a == nil:
		return invalid(CodeAction, "action", "action is mandatory.")
	case a.Category != "block" && a.Category != "pass" && a.Category != "log":
		return invalid(CodeAction, "action.category", "action.category must be block, pass or log, not %q.", a.Category)
	case a.FollowedActionID == "":
		return nil
	case a.Category != "block":
		return invalid(CodeAction, "action.followed_action_id", "followed_action_id is only allowed with action block.")
	case len(a.FollowedActionID) > 64 || !allOf(a.FollowedActionID, isAlnum):
		return invalid(CodeAction, "action.followed_action_id", "followed_action_id %q is not a rule ID.", a.FollowedActionID)
	}
	return nil
}

func checkCustomTime(on bool, start, terminal *int64) error {
	switch {
	case !on && (start != nil || terminal != nil):
		return invalid(CodeBody, "time", "start and terminal need time true.")
	case start != nil && *start < 0:
		return invalid(CodeBody, "start", "start must be a Unix time in seconds.")
	case terminal != nil && *terminal <= 0:
		return invalid(CodeBody, "terminal", "terminal must be a Unix time in seconds.")
	case start != nil && terminal != nil && *start >= *terminal:
		return invalid(CodeBody, "terminal", "terminal must be after start.")
	}
	return nil
}

// apply validates in and replaces every field of r but its status with it
// (an update replaces the rule); name, time, conditions, action and
// priority are mandatory. A status in the input is applied too.
func (in *CustomRuleInput) apply(r *CustomRule) error {
	if in.Name == nil {
		return invalid(CodeName, "name", "name is mandatory.")
	}
	if err := checkRuleName(*in.Name, maxCustomName, false); err != nil {
		return err
	}
	switch {
	case in.Time == nil:
		return invalid(CodeBody, "time", "time is mandatory.")
	case in.Priority == nil:
		return invalid(CodeBody, "priority", "priority is mandatory.")
	case *in.Priority < 0 || *in.Priority > maxCustomPriority:
		return invalid(CodeBody, "priority", "priority must be 0 to %d, not %d.", maxCustomPriority, *in.Priority)
	case len(in.Conditions) == 0:
		return invalid(CodeBody, "conditions", "conditions is mandatory.")
	case len(in.Conditions) > maxCustomConditions:
		return invalid(CodeExceedLimit, "conditions", "conditions holds more than %d conditions.", maxCustomConditions)
	}
	if err := checkCustomTime(*in.Time, in.Start, in.Terminal); err != nil {
		return err
	}
	for i := range in.Conditions {
		if err := in.Conditions[i].check(i); err != nil {
			return err
		}
	}
	if err := checkCustomAction(in.Action); err != nil {
		return err
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
		if err := checkDescription(desc); err != nil {
			return err
		}
	}
	if in.Status != nil {
		if err := checkStatus("status", *in.Status); err != nil {
			return err
		}
		r.Status = *in.Status
	}
	r.Name, r.Description, r.Priority, r.Action = *in.Name, desc, *in.Priority, *in.Action
	r.Time, r.Start, r.Terminal = *in.Time, 0, 0
	if in.Start != nil {
		r.Start = *in.Start
	}
	if in.Terminal != nil {
		r.Terminal = *in.Terminal
	}
	r.Conditions = make([]CustomCondition, len(in.Conditions))
	for i, c := range in.Conditions {
		c.Contents = append([]string{}, c.Contents...)
		r.Conditions[i] = c
	}
	return nil
}

// valueListIDs returns the reference tables the conditions name.
func (in *CustomRuleInput) valueListIDs() []string {
	var ids []string
	for _, c := range in.Conditions {
		if c.ValueListID != "" {
			ids = append(ids, c.ValueListID)
		}
	}
	return ids
}

// over returns in with every field it lacks taken from r: the rule a
// partial update (BatchUpdateCustomRules) leaves. The time window is kept
// unless in sets time, start or terminal.
func (in *CustomRuleInput) over(r *CustomRule) *CustomRuleInput {
	out := *in
	name, desc, on, priority, status, action := r.Name, r.Description, r.Time, r.Priority, r.Status, r.Action
	if out.Name == nil {
		out.Name = &name
	}
	if out.Description == nil {
		out.Description = &desc
	}
	if in.Time == nil && in.Start == nil && in.Terminal == nil {
		out.Time = &on
		if on {
			start, terminal := r.Start, r.Terminal
			if start != 0 {
				out.Start = &start
			}
			if terminal != 0 {
				out.Terminal = &terminal
			}
		}
	} else if out.Time == nil {
		out.Time = &on
	}
	if out.Priority == nil {
		out.Priority = &priority
	}
	if out.Status == nil {
		out.Status = &status
	}
	if out.Action == nil {
		out.Action = &action
	}
	if out.Conditions == nil {
		out.Conditions = r.Conditions
	}
	return &out
}
