package conditiontest

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"

	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// Small vocabularies, so that random conditions and requests often meet.
var (
	paths    = []string{"/", "/api/v1/users", "/api/v1/orders", "/api/v2/users", "/admin/login", "/static/app.js", "/search"}
	methods  = []string{"GET", "POST", "PUT", "DELETE"}
	agents   = []string{"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "curl/8.5.0", "sqlmap/1.7", "python-requests/2.31"}
	referers = []string{"https://www.example.com/home", "https://evil.example.net/", "android-app://com.example"}
	headers  = []string{"X-Api-Key", "X-Forwarded-For", "Accept", "X-Debug"}
	cookies  = []string{"session", "theme", "tracking"}
	params   = []string{"id", "q", "page", "debug"}
	values   = []string{"1", "42", "-3", "abc", "admin", "", "x y", "007", "12345678901234567890", "%41b"}
	clients  = []string{"10.0.0.5", "10.1.2.3", "192.168.1.10", "203.0.113.7", "2001:db8::1", "2001:db8:1::9", "::ffff:10.0.0.5", ""}
	blocks   = []string{"10.0.0.0/8", "10.0.0.5", "10.1.0.0/16", "192.168.1.0/24", "203.0.113.7/32", "2001:db8::/32",
		"2001:db8::1", "::ffff:10.0.0.0/104", "0.0.0.0/1"}
)

// categoryOperations are the logic operations of each precise-protection
// category (Huawei's table, as package waf validates it).
var categoryOperations = map[string][]string{
	"url":          textOps,
	"user-agent":   textOps,
	"referer":      textOps,
	"params":       fieldOps,
	"cookie":       fieldOps,
	"header":       fieldOps,
	"ip":           addressOps,
	"ipv6":         addressOps,
	"method":       {"equal", "not_equal"},
	"request_line": lengthOps,
	"request":      lengthOps,
}

var (
	lengthOps  = []string{"len_greater", "len_less", "len_equal", "len_not_equal"}
	tableOps   = []string{"contain_any", "not_contain_all", "equal_any", "not_equal_all", "prefix_any", "not_prefix_all", "suffix_any", "not_suffix_all"}
	textOps    = append(append([]string{"contain", "not_contain", "equal", "not_equal", "prefix", "not_prefix", "suffix", "not_suffix"}, tableOps...), lengthOps...)
	fieldOps   = append([]string{"num_greater", "num_less", "num_equal", "num_not_equal", "exist", "not_exist"}, textOps...)
	addressOps = []string{"equal", "not_equal", "equal_any", "not_equal_all"}
	categories = []string{"url", "user-agent", "referer", "params", "cookie", "header", "ip", "ipv6", "method", "request_line", "request"}
)

// Lists returns one reference table of each type conditions use, keyed by
// ID (the ID is the type).
func Lists(r *rand.Rand) map[string]*waf.ValueList {
	pick := func(from []string, n int) []string {
		out := make([]string, 0, n)
		for range n {
			out = append(out, from[r.IntN(len(from))])
		}
		return out
	}
	text := func(from []string) []string { return fragments(r, pick(from, 1+r.IntN(4))) }
	return map[string]*waf.ValueList{
		"url":        {ID: "url", Type: "url", Values: text(paths)},
		"user-agent": {ID: "user-agent", Type: "user-agent", Values: text(agents)},
		"referer":    {ID: "referer", Type: "referer", Values: text(referers)},
		"params":     {ID: "params", Type: "params", Values: text(values)},
		"cookie":     {ID: "cookie", Type: "cookie", Values: text(values)},
		"header":     {ID: "header", Type: "header", Values: text(values)},
		"ip":         {ID: "ip", Type: "ip", Values: pick(blocks, 1+r.IntN(4))},
	}
}

// fragments returns, for each value, the value itself or a piece of it.
func fragments(r *rand.Rand, vs []string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if len(v) > 1 && r.IntN(2) == 0 {
			i := r.IntN(len(v))
			j := i + 1 + r.IntN(len(v)-i)
			v = v[i:j]
		}
		if v == "" {
			v = "x"
		}
		out = append(out, v)
	}
	return out
}

// Condition returns a random valid condition; its *_any / *_all
// operations name the table of its category's type in Lists.
func Condition(r *rand.Rand) waf.CustomCondition {
	cat := categories[r.IntN(len(categories))]
	ops := categoryOperations[cat]
	c := waf.CustomCondition{Category: cat, LogicOperation: ops[r.IntN(len(ops))]}
	switch cat {
	case "params":
		c.Index = params[r.IntN(len(params))]
	case "cookie":
		c.Index = cookies[r.IntN(len(cookies))]
	case "header":
		c.Index = headers[r.IntN(len(headers))]
		if r.IntN(2) == 0 {
			c.Index = lowerASCII(c.Index)
		}
	}
	op := c.LogicOperation
	switch {
	case op == "equal_any" || op == "not_equal_all" || len(op) > 4 && (op[len(op)-4:] == "_any" || op[len(op)-4:] == "_all"):
		c.ValueListID = cat
		if cat == "ipv6" {
			c.ValueListID = "ip"
		}
	case op == "exist" || op == "not_exist":
	case cat == "ip" || cat == "ipv6":
		c.Contents = []string{blocks[r.IntN(len(blocks))]}
	case len(op) > 4 && (op[:4] == "len_" || op[:4] == "num_"):
		c.Contents = []string{strconv.Itoa(r.IntN(60) - 5*r.IntN(2))}
	case cat == "method":
		c.Contents = []string{methods[r.IntN(len(methods))]}
	default:
		var from []string
		switch cat {
		case "url":
			from = paths
		case "user-agent":
			from = agents
		case "referer":
			from = referers
		default:
			from = values
		}
		c.Contents = fragments(r, []string{from[r.IntN(len(from))]})
	}
	return c
}

// Request returns a random request over the same vocabularies.
func Request(r *rand.Rand) *inspect.Request {
	req := &inspect.Request{Method: methods[r.IntN(len(methods))], Path: paths[r.IntN(len(paths))]}
	if r.IntN(3) > 0 {
		req.Host = "www.example.com"
	}
	if a, err := netip.ParseAddr(clients[r.IntN(len(clients))]); err == nil {
		req.Client = a
	}
	if r.IntN(3) > 0 {
		req.Headers = append(req.Headers, inspect.Pair{Name: "User-Agent", Value: agents[r.IntN(len(agents))]})
	}
	if r.IntN(2) == 0 {
		req.Headers = append(req.Headers, inspect.Pair{Name: "referer", Value: referers[r.IntN(len(referers))]})
	}
	for range r.IntN(4) {
		req.Headers = append(req.Headers, inspect.Pair{Name: headers[r.IntN(len(headers))], Value: values[r.IntN(len(values))]})
	}
	req.Headers = repeat(r, req.Headers, true)
	for range r.IntN(3) {
		req.Cookies = append(req.Cookies, inspect.Pair{Name: cookies[r.IntN(len(cookies))], Value: values[r.IntN(len(values))]})
	}
	req.Cookies = repeat(r, req.Cookies, false)
	var ps []inspect.Pair
	for range r.IntN(4) {
		ps = append(ps, inspect.Pair{Name: params[r.IntN(len(params))], Value: values[r.IntN(len(values))]})
	}
	ps = repeat(r, ps, false)
	if r.IntN(3) == 0 { // a query the matcher splits itself
		for i, p := range ps {
			if i > 0 {
				req.RawQuery += "&"
			}
			req.RawQuery += p.Name + "=" + p.Value
		}
		return req
	}
	req.Params = ps
	if len(ps) > 0 {
		req.RawQuery = "x=1"
	}
	return req
}

// repeat appends, two times in three, more occurrences of names pairs already
// has (headers in another case when fold is set), with random values, so
// that conditions often meet a repeated field whose occurrences disagree.
func repeat(r *rand.Rand, pairs []inspect.Pair, fold bool) []inspect.Pair {
	for len(pairs) > 0 && r.IntN(3) > 0 {
		name := pairs[r.IntN(len(pairs))].Name
		if fold && r.IntN(2) == 0 {
			name = strings.ToUpper(name)
		}
		pairs = append(pairs, inspect.Pair{Name: name, Value: values[r.IntN(len(values))]})
	}
	return pairs
}
