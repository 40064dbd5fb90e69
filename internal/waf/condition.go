package waf

import (
	"regexp"
	"strconv"
	"strings"
)

// checkConditionContent validates the one content of a condition of a
// precise-protection or ignore rule against its category and logic
// operation: a number for len_* and num_*, a regular expression for
// regular_*, a path from '/' for url comparisons from the start, an upper
// case method.
func checkConditionContent(field, category, op, v string) error {
	switch {
	case strings.HasPrefix(op, "len_") || strings.HasPrefix(op, "num_"):
		if _, err := strconv.ParseUint(v, 10, 31); err != nil {
			return invalid(CodeBody, field+".contents", "contents %q of %s must be a non-negative integer.", v, op)
		}
	case strings.HasPrefix(op, "regular_"):
		if _, err := regexp.Compile(v); err != nil {
			return invalid(CodeBody, field+".contents", "contents %q is not a regular expression: %v.", v, err)
		}
	case category == "url" && !strings.HasPrefix(v, "/") && (op == "equal" || op == "not_equal" || op == "prefix" || op == "not_prefix"):
		return invalid(CodeBody, field+".contents", "a url to compare from its start must begin with '/', not %q.", v)
	case category == "method" && v != strings.ToUpper(v):
		return invalid(CodeBody, field+".contents", "method %q must be upper case.", v)
	}
	return nil
}

// textOperations are the string comparisons every content category of
// precise-protection and ignore conditions allows.
var textOperations = []string{"contain", "not_contain", "equal", "not_equal", "prefix", "not_prefix", "suffix", "not_suffix"}

// operationSet is the set of the logic operations of the groups.
func operationSet(groups ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, g := range groups {
		for _, op := range g {
			m[op] = true
		}
	}
	return m
}
