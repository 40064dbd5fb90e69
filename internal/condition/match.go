package condition

import (
	"bytes"
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
)

// Match reports whether req satisfies every condition of the set. A nil
// *Set matches every request. Match does not allocate (a percent-encoded
// query is decoded into pooled buffers).
func (s *Set) Match(req *inspect.Request) bool {
	if s == nil {
		return true
	}
	for i := range s.conds {
		if !s.conds[i].holds(req) {
			return false
		}
	}
	return true
}

func (c *cond) holds(req *inspect.Request) bool {
	switch c.src {
	case srcURL:
		return c.test(req.Path, true)
	case srcMethod:
		return c.test(req.Method, true)
	case srcUserAgent:
		v, ok := Header(req, "User-Agent")
		return c.test(v, ok)
	case srcReferer:
		v, ok := Header(req, "Referer")
		return c.test(v, ok)
	case srcIP, srcIPv6:
		return c.holdsAddress(req)
	case srcRequestLine:
		return c.testLength(RequestLineLen(req))
	case srcRequest:
		return c.testLength(RequestLen(req))
	case srcBody:
		return c.testBody(req.Body)
	}
	return c.fields(req)
}

// fields evaluates a params, cookie or header condition: on the named
// field, on every field, or on any field. A named field that occurs more
// than once holds when one occurrence satisfies the condition (Compile) or
// when every occurrence does (CompileIgnore, c.every); a field that does
// not occur is an absent field.
func (c *cond) fields(req *inspect.Request) bool {
	part := partOf(c.src)
	if !c.allFields && !c.anyField {
		// The walk stops at the first occurrence that decides: one that
		// satisfies the condition when one is enough, one that does not
		// when every occurrence must.
		found, result := false, c.every
		EachField(req, part, func(name, v string) bool {
			if part == Headers && !equalLower(name, c.index) || part != Headers && name != c.index {
				return true
			}
			found = true
			if c.test(v, true) != c.every {
				result = !c.every
				return false
			}
			return true
		})
		if !found {
			return c.test("", false)
		}
		return result
	}
	if c.op == opExist { // exist: there is a field; not_exist: there is none
		seen := false
		EachField(req, part, func(_, _ string) bool { seen = true; return false })
		return seen != c.not
	}
	seen, all, some := false, true, false
	EachField(req, part, func(_, v string) bool {
		seen = true
		if c.test(v, true) {
			some = true
		} else {
			all = false
		}
		return true
	})
	if c.allFields {
		return seen && all
	}
	return some
}

// test applies the operation to a value; present is false for a field or
// header the request does not have: text, table and regular-expression
// operations then do not hold (their negations do), length operations read
// it as empty, and numeric operations never hold.
func (c *cond) test(v string, present bool) bool {
	var r bool
	switch c.op {
	case opExist:
		r = present
	case opContain:
		if present {
			for _, w := range c.values {
				if strings.Contains(v, w) {
					r = true
					break
				}
			}
		}
	case opEqual:
		if present {
			for _, w := range c.values {
				if v == w {
					r = true
					break
				}
			}
		}
	case opPrefix:
		if present {
			for _, w := range c.values {
				if strings.HasPrefix(v, w) {
					r = true
					break
				}
			}
		}
	case opSuffix:
		if present {
			for _, w := range c.values {
				if strings.HasSuffix(v, w) {
					r = true
					break
				}
			}
		}
	case opLenEqual, opLenGreater, opLenLess, opLenGreaterEqual, opLenLessEqual:
		return c.testLength(len(v))
	case opNumEqual, opNumGreater, opNumLess:
		n, ok := number(v)
		if !present || !ok { // not a number: no numeric condition holds, negated or not
			return false
		}
		r = c.op == opNumEqual && n == c.n || c.op == opNumGreater && n > c.n || c.op == opNumLess && n < c.n
	case opRegexp:
		r = present && c.re.MatchString(v)
	}
	return r != c.not
}

func (c *cond) testLength(n int) bool {
	var r bool
	l := int64(n)
	switch c.op {
	case opLenEqual:
		r = l == c.n
	case opLenGreater:
		r = l > c.n
	case opLenLess:
		r = l < c.n
	case opLenGreaterEqual:
		r = l >= c.n
	case opLenLessEqual:
		r = l <= c.n
	}
	return r != c.not
}

func (c *cond) testBody(body []byte) bool {
	var r bool
	switch c.op {
	case opContain:
		r = bytes.Contains(body, c.body)
	case opRegexp:
		r = c.re.Match(body)
	}
	return r != c.not
}

// holdsAddress evaluates an ip (IPv4) or ipv6 condition on the client
// address. An IPv4-mapped IPv6 client is IPv4. A client of the other family,
// or none, is an absent field: equal and equal_any do not hold, not_equal
// and not_equal_all do.
func (c *cond) holdsAddress(req *inspect.Request) bool {
	a := req.Client.Unmap()
	r := false
	if a.IsValid() && a.Is4() == (c.src == srcIP) {
		for _, p := range c.prefixes {
			if p.Contains(a) {
				r = true
				break
			}
		}
	}
	return r != c.not
}

// number parses a decimal integer (optional '-', at most 18 digits)
// without allocating.
func number(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
