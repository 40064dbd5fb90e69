package waf

import (
	"fmt"
	"strings"

	"github.com/rampartsec/rampart/internal/rampart"
)

// PunishmentRuleInput is the body of a known-attack-source rule create or
// update. An update replaces the rule; its category cannot change.
type PunishmentRuleInput struct {
	Category    *string
	TimeUnit    *string // nil or "": SECOND
	BlockTime   *int
	Description *string
}

// punishmentCategories are the known-attack-source categories: what
// identifies a source (address, cookie, parameter or header), blocked
// long (long_*) or short (short_*).
var punishmentCategories = map[string]bool{
	"long_ip_block": true, "long_cookie_block": true, "long_params_block": true, "long_header_block": true,
	"short_ip_block": true, "short_cookie_block": true, "short_params_block": true, "short_header_block": true,
}

// blockTimeRange is the block_time range of a category class and time
// unit (the SDK's CreatePunishmentRuleRequestBody comment): short_* rules
// take 1 to 300 seconds; long_* rules 301 seconds to 3 months.
func blockTimeRange(category, unit string) (lo, hi int, ok bool) {
	if strings.HasPrefix(category, "short_") {
		return 1, 300, unit == "SECOND"
	}
	switch unit {
	case "SECOND":
		return 301, 7776000, true
	case "MINUTE":
		return 6, 129600, true
	case "HOUR":
		return 1, 2160, true
	case "DAY":
		return 1, 90, true
	case "MONTH":
		return 1, 3, true
	}
	return 0, 0, false
}

// ErrPunishmentCategoryTaken is the conflict of a second known-attack-source
// rule of one category in a policy.
func ErrPunishmentCategoryTaken(category, ruleID string) error {
	return &rampart.Error{Kind: rampart.KindConflict, Code: CodeRuleConflict, Field: "category",
		Message: fmt.Sprintf("The policy already has known-attack-source rule %s of category %s.", ruleID, category)}
}

// apply validates in and replaces the settings of r with it. On create
// (r.Category "") the category is set; on update it must be r's or absent.
func (in *PunishmentRuleInput) apply(r *PunishmentRule) error {
	category := ""
	if in.Category != nil {
		category = *in.Category
	}
	switch {
	case r.Category == "" && category == "":
		return invalid(CodeBody, "category", "category is mandatory.")
	case r.Category == "" && !punishmentCategories[category]:
		return invalid(CodeBody, "category", "category %q is not a known-attack-source category.", category)
	case r.Category != "" && category != "" && category != r.Category:
		return invalid(CodeBody, "category", "category cannot be changed (the rule is %s, not %s).", r.Category, category)
	case r.Category != "":
		category = r.Category
	}
	unit := "SECOND"
	if in.TimeUnit != nil && *in.TimeUnit != "" {
		unit = *in.TimeUnit
	}
	lo, hi, ok := blockTimeRange(category, unit)
	switch {
	case !ok && strings.HasPrefix(category, "short_") && blockTimeUnits[unit]:
		return invalid(CodeBody, "time_unit", "category %s takes time_unit SECOND only, not %s.", category, unit)
	case !ok:
		return invalid(CodeBody, "time_unit", "time_unit must be SECOND, MINUTE, HOUR, DAY or MONTH, not %q.", unit)
	case in.BlockTime == nil:
		return invalid(CodeBody, "block_time", "block_time is mandatory.")
	case *in.BlockTime < lo || *in.BlockTime > hi:
		return invalid(CodeBody, "block_time", "block_time of category %s in %s must be %d to %d, not %d.", category, unit, lo, hi, *in.BlockTime)
	}
	desc := ""
	if in.Description != nil {
		desc = *in.Description
		if err := checkDescription(desc); err != nil {
			return err
		}
	}
	r.Category, r.TimeUnit, r.BlockTime, r.Description = category, unit, *in.BlockTime, desc
	return nil
}

var blockTimeUnits = map[string]bool{"SECOND": true, "MINUTE": true, "HOUR": true, "DAY": true, "MONTH": true}
