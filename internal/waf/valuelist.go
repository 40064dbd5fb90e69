package waf

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ValueList is a reference table: a named list of strings of one type that
// precise-protection and CC conditions use with their *_any / *_all
// operations through value_list_id.
type ValueList struct {
	ID                  string
	ProjectID           string
	EnterpriseProjectID string
	Name                string
	Type                string // one of ValueListTypes; fixed at creation
	Values              []string
	Description         string
	CreatedAt           time.Time
	DeletedAt           time.Time // set by DeleteValueList on the table it returns
}

// ValueListTypes are the types a reference table can have, as the SDK's
// CreateValueListRequestBodyType enumerates them.
var ValueListTypes = []string{"url", "params", "ip", "cookie", "referer", "user-agent", "header",
	"response_code", "response_header", "response_body"}

// Limits of reference tables.
const (
	// MaxValueLists is how many reference tables one project may hold.
	MaxValueLists = 100
	// maxValueListValues bounds the values of one table (Terraform's
	// huaweicloud_waf_reference_table allows 30 conditions).
	maxValueListValues = 30
	// maxValueLength bounds one value, in characters.
	maxValueLength = 2048
)

// ValueListFilter selects reference tables.
type ValueListFilter struct {
	ProjectID           string
	EnterpriseProjectID string // all_granted_eps: every enterprise project
	Name                string // substring
	Page                Page   // Limit -1: all
}

// ValueListInput is the body of a reference table create or update. On
// update, Name and Type are mandatory (Type must be the table's own) and a
// nil Values or Description keeps the stored one.
type ValueListInput struct {
	Name        *string
	Type        *string
	Values      *[]string
	Description *string
}

// applyValueList validates in and applies it to l.
func applyValueList(l *ValueList, in *ValueListInput, create bool) error {
	if in.Name == nil {
		return invalid(CodeName, "name", "name is mandatory.")
	}
	if err := checkValueListName(*in.Name); err != nil {
		return err
	}
	if in.Type == nil || *in.Type == "" {
		return invalid(CodeBody, "type", "type is mandatory.")
	}
	typ := *in.Type
	if !create && typ == "resopnse_body" {
		typ = "response_body" // the SDK's UpdateValueListRequestBodyType spells it so
	}
	if create {
		if !isValueListType(typ) {
			return invalid(CodeBody, "type", "type %q must be one of %s.", typ, strings.Join(ValueListTypes, ", "))
		}
		l.Type = typ
	} else if typ != l.Type {
		return invalid(CodeBody, "type", "type cannot be changed: the reference table is of type %s, not %q.", l.Type, typ)
	}
	l.Name = *in.Name
	if create && in.Values == nil {
		return invalid(CodeBody, "values", "values is mandatory.")
	}
	if in.Values != nil {
		if err := checkValues(l.Type, *in.Values); err != nil {
			return err
		}
		l.Values = append([]string{}, *in.Values...)
	}
	if in.Description != nil {
		d := *in.Description
		if len([]rune(d)) > 128 || strings.ContainsAny(d, "<>") {
			return invalid(CodeDescription, "description", "description must be at most 128 characters without '<' or '>'.")
		}
		l.Description = d
	}
	return nil
}

// checkValueListName: 2 to 64 letters, digits, '-', '_' or '.', as Huawei's
// CreateValueList documents.
func checkValueListName(name string) error {
	n := len([]rune(name))
	if n < 2 || n > 64 || !allOf(name, func(r rune) bool { return isAlnum(r) || strings.ContainsRune("-_.", r) }) {
		return invalid(CodeName, "name", "name %q must be 2 to 64 letters, digits, '-', '_' or '.'.", name)
	}
	return nil
}

func isValueListType(t string) bool {
	for _, v := range ValueListTypes {
		if v == t {
			return true
		}
	}
	return false
}

// checkValues validates the values of a table of type typ: 1 to 30
// non-empty values of at most 2048 characters without control characters;
// an ip table holds addresses or CIDRs, a response_code table HTTP status
// codes.
func checkValues(typ string, values []string) error {
	if len(values) == 0 {
		return invalid(CodeBody, "values", "values must hold at least one value.")
	}
	if len(values) > maxValueListValues {
		return invalid(CodeExceedLimit, "values", "values holds %d entries; the limit is %d.", len(values), maxValueListValues)
	}
	for _, v := range values {
		if v == "" || len([]rune(v)) > maxValueLength || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return invalid(CodeBody, "values", "every value must be 1 to %d characters without control characters.", maxValueLength)
		}
		switch typ {
		case "ip":
			if _, err := ParseAddr(v); err != nil {
				return invalid(CodeIP, "values", "value %q of an ip reference table is not an IPv4 or IPv6 address or CIDR (0.0.0.0/0 and ::/0 are not allowed).", v)
			}
		case "response_code":
			if n, err := strconv.Atoi(v); err != nil || len(v) != 3 || n < 100 || n > 599 {
				return invalid(CodeBody, "values", "value %q of a response_code reference table is not an HTTP status code (100 to 599).", v)
			}
		}
	}
	return nil
}
