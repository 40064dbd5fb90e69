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

// Holds reports whether req satisfies the condition c, with the reference
// tables lists. The condition must be one that package condition compiles.
func Holds(c waf.CustomCondition, lists map[string]*waf.ValueList, req *inspect.Request) bool {
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

	v, present := field(c, req)
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

// field returns the value the condition reads and whether the request has
// it.
func field(c waf.CustomCondition, req *inspect.Request) (string, bool) {
	switch c.Category {
	case "url":
		return req.Path, true
	case "method":
		return req.Method, true
	case "user-agent":
		return first(req.Headers, "user-agent", true)
	case "referer":
		return first(req.Headers, "referer", true)
	case "header":
		return first(req.Headers, c.Index, true)
	case "cookie":
		return first(req.Cookies, c.Index, false)
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
	return first(params, c.Index, false)
}

func first(pairs []inspect.Pair, name string, fold bool) (string, bool) {
	for _, p := range pairs {
		if p.Name == name || fold && lowerASCII(p.Name) == lowerASCII(name) {
			return p.Value, true
		}
	}
	return "", false
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
