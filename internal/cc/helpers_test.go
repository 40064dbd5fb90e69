package cc_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/cc"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/ratelimit"
	"github.com/rampartsec/rampart/internal/waf"
)

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

const sec = time.Second

// ccRule is an enabled block rule on every path of the site, limit 1 per
// minute by client address; opts adjust it.
func ccRule(id string, opts ...func(*waf.CCRule)) *waf.CCRule {
	r := &waf.CCRule{
		ID: id, PolicyID: "pol1", Mode: 0, URL: "/", Prefix: true,
		Action: waf.CCAction{Category: "block"}, TagType: "ip",
		LimitNum: 1, LimitPeriod: 60, Status: 1, CreatedAt: t0,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

func intp(n int) *int { return &n }

// conditions is a small condition compiler for the tests: method equal
// and header contain.
func conditions(conds []waf.CustomCondition) (cc.Matcher, error) {
	var ms []func(*inspect.Request) bool
	for _, c := range conds {
		switch {
		case c.Category == "method" && c.LogicOperation == "equal":
			want := c.Contents[0]
			ms = append(ms, func(r *inspect.Request) bool { return r.Method == want })
		case c.Category == "header" && c.LogicOperation == "contain":
			name, want := c.Index, c.Contents[0]
			ms = append(ms, func(r *inspect.Request) bool {
				for _, h := range r.Headers {
					if strings.EqualFold(h.Name, name) && strings.Contains(h.Value, want) {
						return true
					}
				}
				return false
			})
		default:
			return nil, errors.New("unsupported condition")
		}
	}
	return allOf(ms), nil
}

type allOf []func(*inspect.Request) bool

func (a allOf) Match(r *inspect.Request) bool {
	for _, m := range a {
		if !m(r) {
			return false
		}
	}
	return true
}

func mustCompile(tb testing.TB, tab *ratelimit.Table, rules ...*waf.CCRule) *cc.Set {
	tb.Helper()
	s, errs := cc.Compile(rules, tab, conditions)
	if len(errs) > 0 {
		tb.Fatalf("compile: %v", errs)
	}
	return s
}

func newTable(tb testing.TB, n int) *ratelimit.Table {
	tb.Helper()
	t, err := ratelimit.New(n)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// req is a GET of path on www.example.com from 198.51.100.7.
func req(path string, opts ...func(*inspect.Request)) *inspect.Request {
	r := &inspect.Request{
		Host: "www.example.com", Client: netip.MustParseAddr("198.51.100.7"),
		Method: "GET", Path: path,
	}
	if p, q, ok := strings.Cut(path, "?"); ok {
		r.Path, r.RawQuery = p, q
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

func from(addr string) func(*inspect.Request) {
	return func(r *inspect.Request) { r.Client = netip.MustParseAddr(addr) }
}

func host(h string) func(*inspect.Request) { return func(r *inspect.Request) { r.Host = h } }

func withHeader(name, value string) func(*inspect.Request) {
	return func(r *inspect.Request) { r.Headers = append(r.Headers, inspect.Pair{Name: name, Value: value}) }
}

func withCookie(name, value string) func(*inspect.Request) {
	return func(r *inspect.Request) { r.Cookies = append(r.Cookies, inspect.Pair{Name: name, Value: value}) }
}

func method(m string) func(*inspect.Request) { return func(r *inspect.Request) { r.Method = m } }

type setHolder struct{ s *cc.Set }
