package secmaster

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Search paging bounds. A missing or zero limit takes LimitDefault.
const (
	LimitDefault  = 100
	LimitMax      = 1000
	MaxConditions = 20
	MaxValues     = 100
)

// PolicyFields are the fields a policy search may filter or sort on;
// RecordFields those of a record search. policy_name is known but empty
// for every policy (they have no name): Terraform's examples filter on it.
var (
	PolicyFields = []string{"id", "policy_id", "block_target", "policy_category", "policy_type", "region_id",
		"description", "labels", "policy_direction", "status", "defense_type", "task_id", "create_time", "update_time", "block_ageing",
		"policy_name"}
	RecordFields = []string{"id", "policy_id", "action", "task_id", "block_target", "policy_category", "policy_type", "create_time"}
)

// ConditionInput is one condition as received: {name, data}. Two forms are
// understood: data lists alternative values of the field name
// ({"name":"policy_category","data":["BLOCK"]}), or data is
// [field, operator, value…] as other SecMaster searches write it
// ({"name":"x","data":["block_target","=","1.2.3.4"]}).
type ConditionInput struct {
	Name string
	Data []string
}

// SortInput is one {sort_by, order}.
type SortInput struct {
	SortBy string
	Order  string
}

// SearchInput is a search body as received. Nil Limit/Offset were absent.
type SearchInput struct {
	Limit      *int
	Offset     *int
	Conditions []ConditionInput
	Logics     []string
	Sort       []SortInput
}

var ops = map[string]string{"=": OpEq, "==": OpEq, "eq": OpEq, "!=": OpNe, "<>": OpNe, "ne": OpNe, "like": OpLike, "contains": OpLike}

// buildQuery validates a search against the allowed fields.
func buildQuery(in SearchInput, fields []string) (Query, error) {
	q := Query{Limit: LimitDefault}
	if in.Limit != nil {
		switch {
		case *in.Limit < 0 || *in.Limit > LimitMax:
			return q, invalid("limit", "The field limit must be between 0 and %d, not %d.", LimitMax, *in.Limit)
		case *in.Limit > 0:
			q.Limit = *in.Limit
		}
	}
	if in.Offset != nil {
		if *in.Offset < 0 {
			return q, invalid("offset", "The field offset must not be negative, not %d.", *in.Offset)
		}
		q.Offset = *in.Offset
	}
	if len(in.Conditions) > MaxConditions {
		return q, invalid("condition.conditions", "At most %d conditions are allowed.", MaxConditions)
	}
	allowed := func(f string) bool { return slices.Contains(fields, f) }
	known := func() string { s := slices.Clone(fields); sort.Strings(s); return strings.Join(s, ", ") }
	for i, c := range in.Conditions {
		f := fmt.Sprintf("condition.conditions[%d]", i)
		cond := Condition{Field: c.Name, Op: OpEq, Values: c.Data}
		if len(c.Data) >= 3 {
			if op, ok := ops[strings.ToLower(c.Data[1])]; ok && allowed(c.Data[0]) {
				cond = Condition{Field: c.Data[0], Op: op, Values: c.Data[2:]}
			}
		}
		if cond.Field == "policy_id" {
			cond.Field = "id"
			if slices.Contains(fields, "action") { // records: policy_id is its own column
				cond.Field = "policy_id"
			}
		}
		if !allowed(cond.Field) {
			return q, invalid(f+".name", "The field %s.name must be one of %s, not %q.", f, known(), c.Name)
		}
		if len(cond.Values) == 0 {
			return q, invalid(f+".data", "The field %s.data must have at least one value.", f)
		}
		if len(cond.Values) > MaxValues {
			return q, invalid(f+".data", "The field %s.data has more than %d values.", f, MaxValues)
		}
		q.Conditions = append(q.Conditions, cond)
	}
	if len(q.Conditions) > 0 {
		if len(in.Logics) > len(q.Conditions)-1 {
			return q, invalid("condition.logics", "The field condition.logics has %d entries for %d conditions; at most %d are allowed.",
				len(in.Logics), len(q.Conditions), len(q.Conditions)-1)
		}
		for i := range len(q.Conditions) - 1 {
			l := "AND"
			if i < len(in.Logics) {
				l = strings.ToUpper(strings.TrimSpace(in.Logics[i]))
			}
			if l != "AND" && l != "OR" {
				return q, invalid(fmt.Sprintf("condition.logics[%d]", i), "The field condition.logics[%d] must be AND or OR, not %q.", i, in.Logics[i])
			}
			q.Logics = append(q.Logics, l)
		}
	}
	for i, s := range in.Sort {
		f := fmt.Sprintf("sort[%d]", i)
		by := s.SortBy
		if by == "policy_id" && !slices.Contains(fields, "action") {
			by = "id"
		}
		if !allowed(by) {
			return q, invalid(f+".sort_by", "The field %s.sort_by must be one of %s, not %q.", f, known(), s.SortBy)
		}
		switch strings.ToLower(s.Order) {
		case "", "asc":
			q.Sort = append(q.Sort, Sort{Field: by})
		case "desc":
			q.Sort = append(q.Sort, Sort{Field: by, Desc: true})
		default:
			return q, invalid(f+".order", "The field %s.order must be asc or desc, not %q.", f, s.Order)
		}
	}
	return q, nil
}
