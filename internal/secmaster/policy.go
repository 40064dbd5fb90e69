package secmaster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Field length limits (Rampart's choice; Huawei documents none).
const (
	MaxNameLen        = 255
	MaxDescriptionLen = 1024
	MaxDefenses       = 50
	MaxBatchIDs       = 1000
	MaxIDLen          = 64
)

// BlockAge is the block_age object. IsBlockAgeing nil means the field was
// absent.
type BlockAge struct {
	IsBlockAgeing *bool
	BlockAgeing   string // millisecond timestamp
}

// DefenseInput is one defense_policy_list entry as received. ID
// (defense_id, updates only) names a stored entry, which supplies the
// fields left blank.
type DefenseInput struct {
	ID                   string
	ConnectionID         string
	ConnectionName       string
	ConnectionRegionID   string
	ConnectionRegionName string
	DefenseType          string
	TargetEnterpriseID   string
	TargetEnterpriseName string
	TargetProjectID      string
	TargetProjectName    string
}

// PolicyInput is the data_object of POST …/soc/policys. Pointers are nil
// when the field was absent.
type PolicyInput struct {
	RetryList    []string
	BlockAge     *BlockAge
	BlockTarget  string
	Defenses     []DefenseInput
	Description  string
	Labels       string
	Category     string
	PolicyType   *string // policy_type.policy_type; nil when policy_type is absent
	RegionID     string
	Direction    string
	AccountScope string
	EPSScope     string
	RegionScope  string
}

// PolicyPatch is the data_object of PUT …/soc/policys/{policy_id}: only the
// non-nil fields change. BlockTarget and Type may be sent but must equal
// the stored values: a policy's objects and object type never change.
type PolicyPatch struct {
	BlockTarget *string
	Type        *string
	Category    *string
	BlockAge    *BlockAge
	Labels      *string
	Description *string
	Defenses    *[]DefenseInput
}

func invalid(field, format string, args ...any) *rampart.Error {
	return rampart.Invalid(field, format, args...).WithCode(CodeInvalid)
}

// checkLen rejects strings longer than max characters.
func checkLen(field, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return invalid(field, "The field %s is longer than %d characters.", field, max)
	}
	if !utf8.ValidString(v) {
		return invalid(field, "The field %s is not valid UTF-8.", field)
	}
	return nil
}

// ValidateID checks an identifier taken from a path or a list.
func ValidateID(field, id string) error {
	if id == "" {
		return invalid(field, "The field %s is required.", field)
	}
	if len(id) > MaxIDLen {
		return invalid(field, "The field %s is longer than %d characters.", field, MaxIDLen)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return invalid(field, "The field %s has an invalid character %q.", field, r)
		}
	}
	return nil
}

// ValidateIDs checks a list of ids (non-empty, at most MaxBatchIDs) and
// returns it without duplicates.
func ValidateIDs(field string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, invalid(field, "The field %s must list at least one policy id.", field)
	}
	if len(ids) > MaxBatchIDs {
		return nil, invalid(field, "The field %s lists %d ids; at most %d are allowed.", field, len(ids), MaxBatchIDs)
	}
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		if err := ValidateID(fmt.Sprintf("%s[%d]", field, i), id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// parseBlockAge validates block_age: is_block_ageing is mandatory; with
// aging, block_ageing is a millisecond timestamp after now.
func parseBlockAge(field string, ba *BlockAge, now time.Time) (bool, time.Time, error) {
	if ba == nil {
		return false, time.Time{}, invalid(field, "The field %s is required.", field)
	}
	if ba.IsBlockAgeing == nil {
		return false, time.Time{}, invalid(field+".is_block_ageing", "The field %s.is_block_ageing is required.", field)
	}
	if !*ba.IsBlockAgeing {
		return false, time.Time{}, nil
	}
	af := field + ".block_ageing"
	if ba.BlockAgeing == "" {
		return false, time.Time{}, invalid(af, "The field %s is required when is_block_ageing is true.", af)
	}
	ms, err := strconv.ParseInt(ba.BlockAgeing, 10, 64)
	if err != nil || ms <= 0 {
		return false, time.Time{}, invalid(af, "The field %s must be a timestamp in milliseconds, not %q.", af, ba.BlockAgeing)
	}
	at := time.UnixMilli(ms).UTC()
	if !at.After(now) {
		return false, time.Time{}, invalid(af, "The field %s must be in the future (%s is past).", af, at.Format(time.RFC3339))
	}
	if at.Year() > 9999 {
		return false, time.Time{}, invalid(af, "The field %s is too far in the future.", af)
	}
	return true, at, nil
}

var layers = map[string]bool{LayerWAF: true, LayerCFW: true, LayerVPC: true, LayerIAM: true}

// parseDefenses validates a defense_policy_list.
func parseDefenses(field string, in []DefenseInput) ([]DefenseEntry, error) {
	if len(in) == 0 {
		return nil, invalid(field, "The field %s must have at least one entry.", field)
	}
	if len(in) > MaxDefenses {
		return nil, invalid(field, "The field %s has %d entries; at most %d are allowed.", field, len(in), MaxDefenses)
	}
	out := make([]DefenseEntry, len(in))
	seen := map[string]bool{}
	for i, d := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		for _, m := range []struct{ name, v string }{
			{"defense_connection_id", d.ConnectionID},
			{"defense_connection_name", d.ConnectionName},
			{"defense_connection_region_id", d.ConnectionRegionID},
			{"defense_connection_region_name", d.ConnectionRegionName},
			{"defense_type", d.DefenseType},
			{"target_enterprise_id", d.TargetEnterpriseID},
			{"target_enterprise_name", d.TargetEnterpriseName},
			{"target_project_id", d.TargetProjectID},
			{"target_project_name", d.TargetProjectName},
		} {
			if strings.TrimSpace(m.v) == "" {
				return nil, invalid(f+"."+m.name, "The field %s.%s is required.", f, m.name)
			}
			if err := checkLen(f+"."+m.name, m.v, MaxNameLen); err != nil {
				return nil, err
			}
		}
		if !layers[d.DefenseType] {
			return nil, invalid(f+".defense_type", "The field %s.defense_type must be WAF, CFW, VPC or IAM, not %q.", f, d.DefenseType)
		}
		key := d.ConnectionID + "\x00" + d.TargetProjectID
		if seen[key] {
			return nil, invalid(f+".defense_connection_id", "The field %s repeats connection %s for target project %s.", f, d.ConnectionID, d.TargetProjectID)
		}
		seen[key] = true
		out[i] = DefenseEntry{
			ConnectionID: d.ConnectionID, ConnectionName: d.ConnectionName,
			ConnectionRegionID: d.ConnectionRegionID, ConnectionRegionName: d.ConnectionRegionName,
			DefenseType: d.DefenseType, TargetEnterpriseID: d.TargetEnterpriseID, TargetEnterpriseName: d.TargetEnterpriseName,
			TargetProjectID: d.TargetProjectID, TargetProjectName: d.TargetProjectName,
		}
	}
	return out, nil
}

// validateCreate checks a create data_object and returns the policy it
// describes (without IDs and times).
func validateCreate(in *PolicyInput, now time.Time) (*Policy, error) {
	if in == nil {
		return nil, invalid("data_object", "The field data_object is required.")
	}
	p := &Policy{}
	ageing, at, err := parseBlockAge("data_object.block_age", in.BlockAge, now)
	if err != nil {
		return nil, err
	}
	p.Ageing, p.AgeingAt = ageing, at
	switch in.Category {
	case CategoryBlock, CategoryWhite:
		p.Category = in.Category
	case "":
		return nil, invalid("data_object.policy_category", "The field data_object.policy_category is required (WHITE or BLOCK).")
	default:
		return nil, invalid("data_object.policy_category", "The field data_object.policy_category must be WHITE or BLOCK, not %q.", in.Category)
	}
	if in.PolicyType == nil {
		return nil, invalid("data_object.policy_type", "The field data_object.policy_type is required.")
	}
	switch *in.PolicyType {
	case TypeSourceIP, TypeUserName, TypeDomainName:
		p.Type = *in.PolicyType
	case "":
		return nil, invalid("data_object.policy_type.policy_type", "The field data_object.policy_type.policy_type is required (Source Ip, User Name or Domain Name).")
	default:
		return nil, invalid("data_object.policy_type.policy_type", "The field data_object.policy_type.policy_type must be Source Ip, User Name or Domain Name, not %q.", *in.PolicyType)
	}
	targets, err := ParseTargets(p.Type, in.BlockTarget)
	if err != nil {
		return nil, err
	}
	p.BlockTarget = strings.Join(targets, ",")
	if p.Defenses, err = parseDefenses("data_object.defense_policy_list", in.Defenses); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.RegionID) == "" {
		return nil, invalid("data_object.region_id", "The field data_object.region_id is required.")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"data_object.region_id", in.RegionID, MaxNameLen},
		{"data_object.description", in.Description, MaxDescriptionLen},
		{"data_object.labels", in.Labels, MaxDescriptionLen},
		{"data_object.policy_direction", in.Direction, MaxNameLen},
		{"data_object.account_scope", in.AccountScope, MaxDescriptionLen},
		{"data_object.eps_scope", in.EPSScope, MaxDescriptionLen},
		{"data_object.region_scope", in.RegionScope, MaxDescriptionLen},
	} {
		if err := checkLen(f.name, f.v, f.max); err != nil {
			return nil, err
		}
	}
	p.RegionID, p.Description, p.Labels = in.RegionID, in.Description, in.Labels
	p.Direction, p.AccountScope, p.EPSScope, p.RegionScope = in.Direction, in.AccountScope, in.EPSScope, in.RegionScope
	return p, nil
}

// patchBlockAge reads an update's block_age, whose attributes are all
// optional: without is_block_ageing, a block_ageing sets the aging time (so
// it turns aging on) and no block_ageing changes nothing (nil).
func patchBlockAge(ba *BlockAge) *BlockAge {
	if ba == nil || ba.IsBlockAgeing != nil {
		return ba
	}
	if ba.BlockAgeing == "" {
		return nil
	}
	on := true
	return &BlockAge{IsBlockAgeing: &on, BlockAgeing: ba.BlockAgeing}
}

// validatePatch checks an update data_object on its own (the checks that do
// not need the stored policy). It normalises pt.BlockAge (patchBlockAge).
func validatePatch(pt *PolicyPatch, now time.Time) error {
	pt.BlockAge = patchBlockAge(pt.BlockAge)
	if pt.Category != nil && *pt.Category != CategoryBlock && *pt.Category != CategoryWhite {
		return invalid("data_object.policy_category", "The field data_object.policy_category must be WHITE or BLOCK, not %q.", *pt.Category)
	}
	if pt.BlockAge != nil {
		if _, _, err := parseBlockAge("data_object.block_age", pt.BlockAge, now); err != nil {
			return err
		}
	}
	if pt.Defenses != nil && !slices.ContainsFunc(*pt.Defenses, func(d DefenseInput) bool { return d.ID != "" }) {
		// Entries naming a stored entry are checked once completed (applyPatch).
		if _, err := parseDefenses("data_object.defense_policy_list", *pt.Defenses); err != nil {
			return err
		}
	}
	if pt.Labels != nil {
		if err := checkLen("data_object.label", *pt.Labels, MaxDescriptionLen); err != nil {
			return err
		}
	}
	if pt.Description != nil {
		if err := checkLen("data_object.description", *pt.Description, MaxDescriptionLen); err != nil {
			return err
		}
	}
	return nil
}

// applyPatch changes p as pt says. It reports whether delivery-relevant
// fields changed (the layers must then be re-delivered).
func applyPatch(p *Policy, pt *PolicyPatch, now time.Time) (redeliver bool, err error) {
	if pt.Type != nil && *pt.Type != "" && *pt.Type != p.Type {
		return false, invalid("data_object.type", "The object type of policy %s is %s and cannot be changed.", p.ID, p.Type)
	}
	if pt.BlockTarget != nil && *pt.BlockTarget != "" {
		targets, err := ParseTargets(p.Type, *pt.BlockTarget)
		if err != nil || strings.Join(targets, ",") != p.BlockTarget {
			return false, invalid("data_object.block_target", "The objects of policy %s cannot be changed.", p.ID)
		}
	}
	if pt.Category != nil && *pt.Category != p.Category {
		p.Category = *pt.Category
		redeliver = true
	}
	if pt.BlockAge != nil {
		ageing, at, err := parseBlockAge("data_object.block_age", pt.BlockAge, now)
		if err != nil {
			return false, err
		}
		if ageing != p.Ageing || !at.Equal(p.AgeingAt) {
			p.Ageing, p.AgeingAt = ageing, at
			redeliver = true
		}
	}
	if pt.Labels != nil {
		p.Labels = *pt.Labels
	}
	if pt.Description != nil {
		p.Description = *pt.Description
	}
	if pt.Defenses != nil {
		in, err := completeDefenses(p, *pt.Defenses)
		if err != nil {
			return false, err
		}
		entries, err := parseDefenses("data_object.defense_policy_list", in)
		if err != nil {
			return false, err
		}
		// Keep the identity (defense_id) of entries that stay.
		old := make(map[string]DefenseEntry, len(p.Defenses))
		for _, d := range p.Defenses {
			old[d.ConnectionID+"\x00"+d.TargetProjectID] = d
		}
		for i := range entries {
			if o, ok := old[entries[i].ConnectionID+"\x00"+entries[i].TargetProjectID]; ok && o.DefenseType == entries[i].DefenseType {
				entries[i].ID = o.ID
				entries[i].BlockStatus, entries[i].SyncStatus = o.BlockStatus, o.SyncStatus
				entries[i].FailureDescription, entries[i].DeliveredAt = o.FailureDescription, o.DeliveredAt
			} else {
				redeliver = true
			}
		}
		if len(entries) != len(p.Defenses) {
			redeliver = true
		}
		p.Defenses = entries
	}
	return redeliver, nil
}

// completeDefenses fills the blank fields of update entries that name a
// stored entry of p by defense_id from that entry.
func completeDefenses(p *Policy, in []DefenseInput) ([]DefenseInput, error) {
	out := slices.Clone(in)
	for i := range out {
		d := &out[i]
		if d.ID == "" {
			continue
		}
		k := slices.IndexFunc(p.Defenses, func(e DefenseEntry) bool { return e.ID == d.ID })
		if k < 0 {
			f := fmt.Sprintf("data_object.defense_policy_list[%d].defense_id", i)
			return nil, invalid(f, "The field %s: %s is not an entry of policy %s.", f, d.ID, p.ID)
		}
		e := p.Defenses[k]
		for _, f := range []struct {
			dst *string
			v   string
		}{
			{&d.ConnectionID, e.ConnectionID}, {&d.ConnectionName, e.ConnectionName},
			{&d.ConnectionRegionID, e.ConnectionRegionID}, {&d.ConnectionRegionName, e.ConnectionRegionName},
			{&d.DefenseType, e.DefenseType}, {&d.TargetEnterpriseID, e.TargetEnterpriseID},
			{&d.TargetEnterpriseName, e.TargetEnterpriseName}, {&d.TargetProjectID, e.TargetProjectID},
			{&d.TargetProjectName, e.TargetProjectName},
		} {
			if strings.TrimSpace(*f.dst) == "" {
				*f.dst = f.v
			}
		}
	}
	return out, nil
}
