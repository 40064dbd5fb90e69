package mask

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// op is a compiled logic operation.
type op uint8

const (
	opContain op = iota
	opEqual
	opPrefix
	opSuffix
	opLenEqual
	opLenGreater
	opLenLess
	opLenGreaterEqual
	opLenLessEqual
	opNumEqual
	opNumGreater
	opNumLess
	opExist
	opRegexp
)

// operations maps Huawei's logic operations to an op and whether the
// result is negated.
var operations = map[string]struct {
	op  op
	not bool
}{
	"contain": {opContain, false}, "not_contain": {opContain, true},
	"equal": {opEqual, false}, "not_equal": {opEqual, true},
	"prefix": {opPrefix, false}, "not_prefix": {opPrefix, true},
	"suffix": {opSuffix, false}, "not_suffix": {opSuffix, true},
	"len_equal": {opLenEqual, false}, "len_not_equal": {opLenEqual, true},
	"len_greater": {opLenGreater, false}, "len_less": {opLenLess, false},
	"len_greater_equal": {opLenGreaterEqual, false}, "len_less_equal": {opLenLessEqual, false},
	"num_equal": {opNumEqual, false}, "num_not_equal": {opNumEqual, true},
	"num_greater": {opNumGreater, false}, "num_less": {opNumLess, false},
	"exist": {opExist, false}, "not_exist": {opExist, true},
	"regular_match": {opRegexp, false}, "regular_not_match": {opRegexp, true},
}

// source is the part of a request a condition reads.
type source uint8

const (
	srcURL source = iota
	srcUserAgent
	srcReferer
	srcParams
	srcCookie
	srcHeader
	srcMethod
	srcBody
)

var sources = map[string]source{
	"url": srcURL, "user-agent": srcUserAgent, "referer": srcReferer, "params": srcParams, "cookie": srcCookie,
	"header": srcHeader, "method": srcMethod, "request_body": srcBody,
}

// condition is one compiled condition.
type condition struct {
	src     source
	index   string // field name of params, cookie, header
	allOf   bool   // check_all_indexes_logic 1: every field
	anyOf   bool   // check_all_indexes_logic 2: any field
	op      op
	not     bool
	content string
	body    []byte // content of request_body conditions
	n       int64  // number of len_* and num_*
	re      *regexp.Regexp
}

func compileCondition(c waf.IgnoreCondition) (condition, bool) {
	src, ok := sources[c.Category]
	o, ok2 := operations[c.LogicOperation]
	if !ok || !ok2 {
		return condition{}, false
	}
	out := condition{src: src, index: c.Index, allOf: c.CheckAllIndexes == 1, anyOf: c.CheckAllIndexes == 2, op: o.op, not: o.not}
	if o.op == opExist {
		return out, true
	}
	if len(c.Contents) != 1 {
		return condition{}, false
	}
	out.content = c.Contents[0]
	out.body = []byte(out.content)
	switch o.op {
	case opLenEqual, opLenGreater, opLenLess, opLenGreaterEqual, opLenLessEqual, opNumEqual, opNumGreater, opNumLess:
		n, err := strconv.ParseInt(out.content, 10, 64)
		if err != nil {
			return condition{}, false
		}
		out.n = n
	case opRegexp:
		if out.re, ok = regexpOf(out.content); !ok {
			return condition{}, false
		}
	}
	return out, true
}

func (c *condition) holds(req *inspect.Request) bool {
	switch c.src {
	case srcURL:
		return c.test(req.Path, true)
	case srcMethod:
		return c.test(req.Method, true)
	case srcUserAgent:
		v, ok := header(req.Headers, "User-Agent")
		return c.test(v, ok)
	case srcReferer:
		v, ok := header(req.Headers, "Referer")
		return c.test(v, ok)
	case srcBody:
		return c.testBody(req.Body)
	}
	return c.fields(req)
}

// fields evaluates a params, cookie or header condition: on the named
// field (its first occurrence), on every field, or on any field.
func (c *condition) fields(req *inspect.Request) bool {
	if !c.allOf && !c.anyOf {
		v, ok := c.field(req)
		return c.test(v, ok)
	}
	if c.op == opExist { // exist: there is a field; not_exist: there is none
		seen := false
		eachField(req, c.src, func(_, _ string) bool { seen = true; return false })
		return seen != c.not
	}
	seen, all, some := false, true, false
	eachField(req, c.src, func(_, v string) bool {
		seen = true
		if c.test(v, true) {
			some = true
		} else {
			all = false
		}
		return true
	})
	if c.allOf {
		return seen && all
	}
	return some
}

// field returns the first value of the named field.
func (c *condition) field(req *inspect.Request) (value string, ok bool) {
	eachField(req, c.src, func(name, v string) bool {
		if c.src == srcHeader && strings.EqualFold(name, c.index) || c.src != srcHeader && name == c.index {
			value, ok = v, true
			return false
		}
		return true
	})
	return value, ok
}

// test applies the operation to a value; present is false for a field or
// header the request does not have: text and regular-expression operations
// then do not hold (their negations do), length operations read it as
// empty, and numeric operations never hold.
func (c *condition) test(v string, present bool) bool {
	var r bool
	switch c.op {
	case opExist:
		r = present
	case opContain:
		r = present && strings.Contains(v, c.content)
	case opEqual:
		r = present && v == c.content
	case opPrefix:
		r = present && strings.HasPrefix(v, c.content)
	case opSuffix:
		r = present && strings.HasSuffix(v, c.content)
	case opLenEqual:
		r = int64(len(v)) == c.n
	case opLenGreater:
		r = int64(len(v)) > c.n
	case opLenLess:
		r = int64(len(v)) < c.n
	case opLenGreaterEqual:
		r = int64(len(v)) >= c.n
	case opLenLessEqual:
		r = int64(len(v)) <= c.n
	case opNumEqual, opNumGreater, opNumLess:
		n, ok := number(v)
		if !ok { // not a number: no numeric condition holds, negated or not
			return false
		}
		r = c.op == opNumEqual && n == c.n || c.op == opNumGreater && n > c.n || c.op == opNumLess && n < c.n
	case opRegexp:
		r = present && c.re.MatchString(v)
	}
	return r != c.not
}

func (c *condition) testBody(body []byte) bool {
	var r bool
	switch c.op {
	case opContain:
		r = bytes.Contains(body, c.body)
	case opRegexp:
		r = c.re.Match(body)
	}
	return r != c.not
}

// number parses a decimal integer without allocating.
func number(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 18 || !isDigits(s) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// header returns the first value of a header.
func header(hs []inspect.Pair, name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}
