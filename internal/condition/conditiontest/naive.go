// Package conditiontest holds a naive evaluator of rule conditions and
// random conditions, reference tables and requests, for the tests that
// check a compiled matcher (package condition, package precise) against
// it. The evaluator interprets the stored model on every call, the plain
// way, as docs/compatibility.md describes the semantics.
package conditiontest

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// Holds reports whether req satisfies the condition c of a
// precise-protection or CC rule, with the reference tables lists: a named
// field that occurs more than once satisfies c when one of its occurrences
// does. The condition must be one that package condition compiles.
func Holds(c waf.CustomCondition, lists map[string]*waf.ValueList, req *inspect.Request) bool {
	return holds(c, lists, req, false)
}

// HoldsEvery reports whether req satisfies the condition c read as an
// ignore rule's condition (package condition's CompileIgnore): a named
// field that occurs more than once satisfies c only when every one of its
// occurrences does.
func HoldsEvery(c waf.CustomCondition, lists map[string]*waf.ValueList, req *inspect.Request) bool {
	return holds(c, lists, req, true)
}

func holds(c waf.CustomCondition, lists map[string]*waf.ValueList, req *inspect.Request, every bool) bool {
	op := c.LogicOperation
	values := c.Contents
	if strings.HasSuffix(op, "_any") || strings.HasSuffix(op, "_all") {
		values = lists[c.ValueListID].Values
		op = strings.TrimSuffix(strings.TrimSuffix(op, "_any"), "_all")
	}
	negated := strings.HasPrefix(op, "not_") || op == "len_not_equal" || op == "num_not_equal"
	base := strings.Replace(strings.TrimPrefix(op, "not_"), "_not_", "_", 1)

	switch c.Category {
	case "ip", "ipv6":
		in := false
		client := req.Client
		if client.Is4In6() {
			client = netip.AddrFrom4(client.As4())
		}
		if client.IsValid() && client.Is4() == (c.Category == "ip") {
			for _, v := range values {
				if prefixContains(v, client) {
					in = true
				}
			}
		}
		return in != negated
	case "request_line":
		return lengthHolds(base, len(requestLine(req)), values[0]) != negated
	case "request":
		var b strings.Builder
		b.WriteString(requestLine(req) + "\r\n")
		if req.Host != "" {
			b.WriteString("Host: " + req.Host + "\r\n")
		}
		for _, h := range req.Headers {
			b.WriteString(h.Name + ": " + h.Value + "\r\n")
		}
		b.WriteString("\r\n")
		return lengthHolds(base, b.Len(), values[0]) != negated
	}

	occurrences := fieldValues(c, req)
	if len(occurrences) == 0 {
		return valueHolds(base, negated, values, "", false)
	}
	for _, v := range occurrences {
		r := valueHolds(base, negated, values, v, true)
		if every && !r {
			return false
		}
		if !every && r {
			return true
		}
	}
	return every
}

// valueHolds applies the operation base (negated or not) with the contents
// values to one value v; present is false for a field the request lacks.
func valueHolds(base string, negated bool, values []string, v string, present bool) bool {
	switch base {
	case "exist":
		return present != negated
	case "len_equal", "len_greater", "len_less":
		return lengthHolds(base, len(v), values[0]) != negated
	case "num_equal", "num_greater", "num_less":
		if !present {
			return false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || strings.HasPrefix(v, "+") || len(strings.TrimPrefix(v, "-")) > 18 {
			return false
		}
		want, _ := strconv.ParseInt(values[0], 10, 64)
		r := base == "num_equal" && n == want || base == "num_greater" && n > want || base == "num_less" && n < want
		return r != negated
	}
	r := false
	if present {
		for _, w := range values {
			switch base {
			case "contain":
				r = r || strings.Contains(v, w)
			case "equal":
				r = r || v == w
			case "prefix":
				r = r || strings.HasPrefix(v, w)
			case "suffix":
				r = r || strings.HasSuffix(v, w)
			}
		}
	}
	return r != negated
}

func lengthHolds(op string, n int, content string) bool {
	want, _ := strconv.Atoi(content)
	switch op {
	case "len_equal":
		return n == want
	case "len_greater":
		return n > want
	}
	return n < want
}

func prefixContains(v string, a netip.Addr) bool {
	if !strings.Contains(v, "/") {
		b, err := netip.ParseAddr(v)
		if b.Is4In6() {
			b = netip.AddrFrom4(b.As4())
		}
		return err == nil && b == a
	}
	p, err := netip.ParsePrefix(v)
	if err != nil {
		return false
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(netip.AddrFrom4(p.Addr().As4()), p.Bits()-96)
	}
	return p.Masked().Contains(a)
}

func requestLine(req *inspect.Request) string {
	uri := req.Path
	if req.RawQuery != "" {
		uri += "?" + req.RawQuery
	}
	return req.Method + " " + uri + " HTTP/1.1"
}

// fieldValues returns the values the condition reads, in request order:
// the path or the method; the first User-Agent or Referer header; every
// occurrence of the named header, cookie or parameter. It is empty when
// the request lacks the field.
func fieldValues(c waf.CustomCondition, req *inspect.Request) []string {
	switch c.Category {
	case "url":
		return []string{req.Path}
	case "method":
		return []string{req.Method}
	case "user-agent":
		return firstOf(all(req.Headers, "user-agent", true))
	case "referer":
		return firstOf(all(req.Headers, "referer", true))
	case "header":
		return all(req.Headers, c.Index, true)
	case "cookie":
		return all(req.Cookies, c.Index, false)
	}
	params := req.Params
	if params == nil {
		for _, kv := range strings.Split(req.RawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			params = append(params, inspect.Pair{Name: unescape(k), Value: unescape(v)})
		}
	}
	return all(params, c.Index, false)
}

// firstOf returns the first of vs, or none.
func firstOf(vs []string) []string {
	return vs[:min(1, len(vs))]
}

// all returns the value of every pair named name, in order; fold compares
// names with ASCII letters in lower case.
func all(pairs []inspect.Pair, name string, fold bool) []string {
	var out []string
	for _, p := range pairs {
		if p.Name == name || fold && lowerASCII(p.Name) == lowerASCII(name) {
			out = append(out, p.Value)
		}
	}
	return out
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// unescape decodes %XX escapes and '+', keeping an invalid escape as it is.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s):
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
			b.WriteByte('%')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
