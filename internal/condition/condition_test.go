package condition_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// request is a search request from 203.0.113.7 with the usual browser
// parts.
func request() *inspect.Request {
	return &inspect.Request{
		Host: "www.example.com", Client: netip.MustParseAddr("203.0.113.7"),
		Method: "GET", Path: "/api/search", RawQuery: "q=1&page=2",
		Params:  []inspect.Pair{{Name: "q", Value: "shoes"}, {Name: "page", Value: "2"}, {Name: "q", Value: "boots"}},
		Cookies: []inspect.Pair{{Name: "session", Value: "abc123"}, {Name: "theme", Value: "dark"}},
		Headers: []inspect.Pair{{Name: "User-Agent", Value: "Mozilla/5.0 Firefox/128.0"},
			{Name: "Referer", Value: "https://www.example.com/home"}, {Name: "X-Api-Key", Value: "k-42"}},
	}
}

func cond(category, index, op string, contents ...string) waf.CustomCondition {
	return waf.CustomCondition{Category: category, Index: index, LogicOperation: op, Contents: contents}
}

func table(category, op, id string) waf.CustomCondition {
	return waf.CustomCondition{Category: category, LogicOperation: op, ValueListID: id}
}

func fieldTable(category, index, op, id string) waf.CustomCondition {
	return waf.CustomCondition{Category: category, Index: index, LogicOperation: op, ValueListID: id}
}

// lists are the reference tables of the tests.
var lists = map[string]*waf.ValueList{
	"paths":   {ID: "paths", Type: "url", Values: []string{"/admin", "/api/"}},
	"suffix":  {ID: "suffix", Type: "url", Values: []string{".php", "/search"}},
	"agents":  {ID: "agents", Type: "user-agent", Values: []string{"sqlmap", "curl/"}},
	"nets":    {ID: "nets", Type: "ip", Values: []string{"10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32"}},
	"private": {ID: "private", Type: "ip", Values: []string{"10.0.0.0/8", "192.168.0.0/16"}},
	"v6":      {ID: "v6", Type: "ip", Values: []string{"2001:db8::/32"}},
	"keys":    {ID: "keys", Type: "header", Values: []string{"k-41", "k-42"}},
	"themes":  {ID: "themes", Type: "cookie", Values: []string{"light"}},
	"terms":   {ID: "terms", Type: "params", Values: []string{"hoe", "boot"}},
	"refs":    {ID: "refs", Type: "referer", Values: []string{"https://www.example.com/"}},
}

// The request line "GET /api/search?q=1&page=2 HTTP/1.1" is 35 bytes; the
// head adds CRLF (2), "Host: www.example.com" and CRLF (23), the three
// headers with their CRLF (39 + 39 + 17) and the closing CRLF (2): 157.
func TestCategoriesAndOperations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    waf.CustomCondition
		want bool
	}{
		{"url contain", cond("url", "", "contain", "search"), true},
		{"url contain no", cond("url", "", "contain", "login"), false},
		{"url contain is case-sensitive", cond("url", "", "contain", "SEARCH"), false},
		{"url not_contain", cond("url", "", "not_contain", "login"), true},
		{"url not_contain no", cond("url", "", "not_contain", "search"), false},
		{"url equal", cond("url", "", "equal", "/api/search"), true},
		{"url equal has no query", cond("url", "", "equal", "/api/search?q=1&page=2"), false},
		{"url not_equal", cond("url", "", "not_equal", "/api"), true},
		{"url not_equal no", cond("url", "", "not_equal", "/api/search"), false},
		{"url prefix", cond("url", "", "prefix", "/api/"), true},
		{"url prefix no", cond("url", "", "prefix", "/admin"), false},
		{"url not_prefix", cond("url", "", "not_prefix", "/admin"), true},
		{"url not_prefix no", cond("url", "", "not_prefix", "/api"), false},
		{"url suffix", cond("url", "", "suffix", "search"), true},
		{"url suffix no", cond("url", "", "suffix", ".php"), false},
		{"url not_suffix", cond("url", "", "not_suffix", ".php"), true},
		{"url not_suffix no", cond("url", "", "not_suffix", "/search"), false},
		{"url len_equal", cond("url", "", "len_equal", "11"), true},
		{"url len_equal no", cond("url", "", "len_equal", "10"), false},
		{"url len_not_equal", cond("url", "", "len_not_equal", "10"), true},
		{"url len_not_equal no", cond("url", "", "len_not_equal", "11"), false},
		{"url len_greater", cond("url", "", "len_greater", "10"), true},
		{"url len_greater no", cond("url", "", "len_greater", "11"), false},
		{"url len_less", cond("url", "", "len_less", "12"), true},
		{"url len_less no", cond("url", "", "len_less", "11"), false},
		{"url contain_any", table("url", "contain_any", "paths"), true},
		{"url not_contain_all no", table("url", "not_contain_all", "paths"), false},
		{"url prefix_any", table("url", "prefix_any", "paths"), true},
		{"url not_prefix_all no", table("url", "not_prefix_all", "paths"), false},
		{"url equal_any no", table("url", "equal_any", "paths"), false},
		{"url not_equal_all", table("url", "not_equal_all", "paths"), true},
		{"url suffix_any", table("url", "suffix_any", "suffix"), true},
		{"url not_suffix_all no", table("url", "not_suffix_all", "suffix"), false},
		{"user-agent contain", cond("user-agent", "", "contain", "Firefox"), true},
		{"user-agent prefix no", cond("user-agent", "", "prefix", "curl"), false},
		{"user-agent contain_any no", table("user-agent", "contain_any", "agents"), false},
		{"user-agent not_contain_all", table("user-agent", "not_contain_all", "agents"), true},
		{"user-agent len_equal", cond("user-agent", "", "len_equal", "25"), true},
		{"referer equal", cond("referer", "", "equal", "https://www.example.com/home"), true},
		{"referer prefix_any", table("referer", "prefix_any", "refs"), true},
		{"referer suffix no", cond("referer", "", "suffix", "/login"), false},
		{"ip equal address", cond("ip", "", "equal", "203.0.113.7"), true},
		{"ip equal CIDR", cond("ip", "", "equal", "203.0.113.0/24"), true},
		{"ip equal CIDR with host bits", cond("ip", "", "equal", "203.0.113.99/24"), true},
		{"ip equal no", cond("ip", "", "equal", "203.0.114.0/24"), false},
		{"ip not_equal", cond("ip", "", "not_equal", "10.0.0.0/8"), true},
		{"ip not_equal no", cond("ip", "", "not_equal", "203.0.0.0/8"), false},
		{"ip equal_any", table("ip", "equal_any", "nets"), true},
		{"ip equal_any no", table("ip", "equal_any", "private"), false},
		{"ip not_equal_all", table("ip", "not_equal_all", "private"), true},
		{"ip not_equal_all no", table("ip", "not_equal_all", "nets"), false},
		{"ipv6 of an IPv4 client: equal", cond("ipv6", "", "equal", "::/1"), false},
		{"ipv6 of an IPv4 client: not_equal", cond("ipv6", "", "not_equal", "2001:db8::/32"), true},
		{"method equal", cond("method", "", "equal", "GET"), true},
		{"method equal is case-sensitive", cond("method", "", "equal", "get"), false},
		{"method not_equal", cond("method", "", "not_equal", "POST"), true},
		{"method not_equal no", cond("method", "", "not_equal", "GET"), false},
		{"request_line len_equal", cond("request_line", "", "len_equal", "35"), true},
		{"request_line len_greater no", cond("request_line", "", "len_greater", "35"), false},
		{"request_line len_less", cond("request_line", "", "len_less", "36"), true},
		{"request_line len_not_equal", cond("request_line", "", "len_not_equal", "34"), true},
		{"request len_equal", cond("request", "", "len_equal", "157"), true},
		{"request len_greater", cond("request", "", "len_greater", "156"), true},
		{"request len_less no", cond("request", "", "len_less", "157"), false},
		{"params equal", cond("params", "page", "equal", "2"), true},
		{"params first occurrence", cond("params", "q", "equal", "shoes"), true},
		{"params later occurrence", cond("params", "q", "equal", "boots"), true},
		{"params name is case-sensitive", cond("params", "Page", "exist"), false},
		{"params exist", cond("params", "q", "exist"), true},
		{"params not_exist", cond("params", "id", "not_exist"), true},
		{"params not_exist no", cond("params", "q", "not_exist"), false},
		{"params contain_any", fieldTable("params", "q", "contain_any", "terms"), true},
		{"params num_equal", cond("params", "page", "num_equal", "2"), true},
		{"params num_not_equal", cond("params", "page", "num_not_equal", "3"), true},
		{"params num_not_equal no", cond("params", "page", "num_not_equal", "2"), false},
		{"params num_greater", cond("params", "page", "num_greater", "1"), true},
		{"params num_greater no", cond("params", "page", "num_greater", "2"), false},
		{"params num_less", cond("params", "page", "num_less", "3"), true},
		{"params num of a non-number", cond("params", "q", "num_not_equal", "2"), false},
		{"params missing contain", cond("params", "id", "contain", "x"), false},
		{"params missing not_contain", cond("params", "id", "not_contain", "x"), true},
		{"params missing len_less (length 0)", cond("params", "id", "len_less", "1"), true},
		{"params missing num_not_equal", cond("params", "id", "num_not_equal", "1"), false},
		{"params missing equal_any", fieldTable("params", "id", "equal_any", "terms"), false},
		{"params missing not_equal_all", fieldTable("params", "id", "not_equal_all", "terms"), true},
		{"cookie equal", cond("cookie", "theme", "equal", "dark"), true},
		{"cookie name is case-sensitive", cond("cookie", "Theme", "exist"), false},
		{"cookie equal_any no", fieldTable("cookie", "theme", "equal_any", "themes"), false},
		{"cookie not_equal_all", fieldTable("cookie", "theme", "not_equal_all", "themes"), true},
		{"cookie len_greater", cond("cookie", "session", "len_greater", "5"), true},
		{"header name is case-insensitive", cond("header", "x-api-key", "equal", "k-42"), true},
		{"header value is case-sensitive", cond("header", "X-API-KEY", "equal", "K-42"), false},
		{"header equal_any", fieldTable("header", "X-Api-Key", "equal_any", "keys"), true},
		{"header missing not_exist", cond("header", "X-Forwarded-For", "not_exist"), true},
		{"header missing exist", cond("header", "X-Forwarded-For", "exist"), false},
		{"header suffix", cond("header", "user-agent", "suffix", "/128.0"), true},
	} {
		s, err := condition.Compile([]waf.CustomCondition{tc.c}, lists)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := s.Match(request()); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAbsentParts(t *testing.T) {
	t.Parallel()
	bare := &inspect.Request{Method: "GET", Path: "/"}
	for _, tc := range []struct {
		name string
		c    waf.CustomCondition
		want bool
	}{
		{"no user-agent: contain", cond("user-agent", "", "contain", "a"), false},
		{"no user-agent: not_contain", cond("user-agent", "", "not_contain", "a"), true},
		{"no user-agent: not_suffix_all", table("user-agent", "not_suffix_all", "agents"), true},
		{"no user-agent: len_less", cond("user-agent", "", "len_less", "1"), true},
		{"no referer: equal", cond("referer", "", "equal", "x"), false},
		{"no client: ip equal", cond("ip", "", "equal", "0.0.0.0/1"), false},
		{"no client: ip not_equal", cond("ip", "", "not_equal", "10.0.0.1"), true},
		{"no client: ipv6 equal_any", table("ipv6", "equal_any", "v6"), false},
		{"no client: ipv6 not_equal_all", table("ipv6", "not_equal_all", "v6"), true},
		{"request line without query", cond("request_line", "", "len_equal", "14"), true},
		{"request head without headers or host", cond("request", "", "len_equal", "18"), true},
	} {
		s, err := condition.Compile([]waf.CustomCondition{tc.c}, lists)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := s.Match(bare); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestClientAddresses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		client string
		c      waf.CustomCondition
		want   bool
	}{
		{"10.9.8.7", table("ip", "equal_any", "private"), true},
		{"::ffff:10.9.8.7", table("ip", "equal_any", "private"), true}, // IPv4-mapped: IPv4
		{"::ffff:10.9.8.7", cond("ipv6", "", "equal", "::ffff:0:0/96"), false},
		{"2001:db8::1", table("ipv6", "equal_any", "v6"), true},
		{"2001:db8::1", table("ipv6", "equal_any", "nets"), true}, // an ip table holds both families
		{"2001:db9::1", table("ipv6", "not_equal_all", "v6"), true},
		{"2001:db8::1", cond("ipv6", "", "equal", "2001:db8::1"), true},
		{"2001:db8::2", cond("ipv6", "", "equal", "2001:db8::1"), false},
		{"2001:db8::1", cond("ip", "", "equal", "10.0.0.0/8"), false},
		{"2001:db8::1", cond("ip", "", "not_equal", "10.0.0.0/8"), true},
		{"10.0.0.1", cond("ip", "", "equal", "10.0.0.1/32"), true},
		{"10.0.0.2", cond("ip", "", "equal", "10.0.0.1/31"), false},
		{"10.0.0.1", cond("ip", "", "equal", "10.0.0.0/31"), true},
	} {
		s, err := condition.Compile([]waf.CustomCondition{tc.c}, lists)
		if err != nil {
			t.Fatalf("%s %v: %v", tc.client, tc.c, err)
		}
		req := request()
		req.Client = netip.MustParseAddr(tc.client)
		if got := s.Match(req); got != tc.want {
			t.Errorf("client %s, %s %s %v%s: %v, want %v", tc.client, tc.c.Category, tc.c.LogicOperation, tc.c.Contents, tc.c.ValueListID, got, tc.want)
		}
	}
}

func TestEveryConditionMustHold(t *testing.T) {
	t.Parallel()
	var none *condition.Set
	if !none.Match(request()) {
		t.Fatal("a nil set does not match")
	}
	if s, err := condition.Compile(nil, nil); err != nil || s != nil {
		t.Fatalf("no conditions: %v, %v; want a nil set", s, err)
	}
	both := []waf.CustomCondition{cond("url", "", "prefix", "/api"), cond("method", "", "equal", "GET")}
	s, err := condition.Compile(both, nil)
	if err != nil || !s.Match(request()) {
		t.Fatalf("two true conditions: %v, %v", s.Match(request()), err)
	}
	both[1] = cond("method", "", "equal", "POST")
	if s, _ := condition.Compile(both, nil); s.Match(request()) {
		t.Fatal("matched with one of two conditions false")
	}
}

func TestQueryWithoutParams(t *testing.T) {
	t.Parallel()
	req := request()
	req.Params = nil
	req.RawQuery = "q=red+shoes&x=%41%zz&id=%2541&q=other"
	for _, tc := range []struct {
		c    waf.CustomCondition
		want bool
	}{
		{cond("params", "q", "equal", "red shoes"), true},
		{cond("params", "x", "equal", "A%zz"), true}, // an invalid escape is kept, the rest decoded
		{cond("params", "id", "equal", "%41"), true}, // decoded once
		{cond("params", "page", "not_exist"), true},
	} {
		s, err := condition.Compile([]waf.CustomCondition{tc.c}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Match(req); got != tc.want {
			t.Errorf("%s %s %v over the raw query: %v, want %v", tc.c.Index, tc.c.LogicOperation, tc.c.Contents, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    waf.CustomCondition
		want error
	}{
		{"unknown category", cond("asn", "", "equal", "1"), condition.ErrCategory},
		{"unknown operation", cond("url", "", "like", "x"), condition.ErrOperation},
		{"ip contain", cond("ip", "", "contain", "10."), condition.ErrOperation},
		{"request_line equal", cond("request_line", "", "equal", "x"), condition.ErrOperation},
		{"url exist", cond("url", "", "exist"), condition.ErrOperation},
		{"method num", cond("method", "", "num_equal", "1"), condition.ErrOperation},
		{"params without index", cond("params", "", "equal", "1"), condition.ErrIndex},
		{"url with index", cond("url", "x", "equal", "/"), condition.ErrIndex},
		{"two contents", cond("url", "", "equal", "/a", "/b"), condition.ErrContents},
		{"no contents", cond("url", "", "equal"), condition.ErrContents},
		{"exist with contents", cond("params", "q", "exist", "1"), condition.ErrContents},
		{"length not a number", cond("url", "", "len_less", "ten"), condition.ErrContents},
		{"bad address", cond("ip", "", "equal", "10.0.0.300"), condition.ErrContents},
		{"address with zone", cond("ipv6", "", "equal", "fe80::1%eth0"), condition.ErrContents},
		{"unknown table", table("url", "contain_any", "nope"), condition.ErrNoList},
		{"table of another type", table("url", "contain_any", "agents"), condition.ErrListType},
		{"ip table for a header", fieldTable("header", "x", "equal_any", "nets"), condition.ErrListType},
		{"table with contents", waf.CustomCondition{Category: "url", LogicOperation: "equal_any", ValueListID: "paths", Contents: []string{"/"}}, condition.ErrContents},
		{"value_list_id on equal", waf.CustomCondition{Category: "url", LogicOperation: "equal", ValueListID: "paths", Contents: []string{"/"}}, condition.ErrContents},
		{"bad address in the table", table("ip", "equal_any", "bad-ip"), condition.ErrContents},
	} {
		l := map[string]*waf.ValueList{"bad-ip": {ID: "bad-ip", Type: "ip", Values: []string{"10.0.0.1", "nowhere"}}}
		for k, v := range lists {
			l[k] = v
		}
		ok := cond("method", "", "equal", "GET")
		s, err := condition.Compile([]waf.CustomCondition{ok, tc.c}, l)
		if !errors.Is(err, tc.want) || s != nil {
			t.Errorf("%s: %v (set %v), want %v", tc.name, err, s, tc.want)
		}
	}
}

func TestIgnoreConditions(t *testing.T) {
	t.Parallel()
	req := request()
	req.Body = []byte(`{"note":"it's fine"}`)
	for _, tc := range []struct {
		name string
		c    waf.IgnoreCondition
		want bool
	}{
		{"regular_match", waf.IgnoreCondition{Category: "url", LogicOperation: "regular_match", Contents: []string{`^/api/[a-z]+$`}}, true},
		{"regular_not_match", waf.IgnoreCondition{Category: "url", LogicOperation: "regular_not_match", Contents: []string{`search`}}, false},
		{"body contain", waf.IgnoreCondition{Category: "request_body", LogicOperation: "contain", Contents: []string{"it's"}}, true},
		{"body not_contain", waf.IgnoreCondition{Category: "request_body", LogicOperation: "not_contain", Contents: []string{"<?xml"}}, true},
		{"len_greater_equal", waf.IgnoreCondition{Category: "url", LogicOperation: "len_greater_equal", Contents: []string{"11"}}, true},
		{"len_less_equal no", waf.IgnoreCondition{Category: "url", LogicOperation: "len_less_equal", Contents: []string{"10"}}, false},
		{"every cookie", waf.IgnoreCondition{Category: "cookie", LogicOperation: "len_less", Contents: []string{"7"}, CheckAllIndexes: 1}, true},
		{"every cookie no", waf.IgnoreCondition{Category: "cookie", LogicOperation: "len_less", Contents: []string{"6"}, CheckAllIndexes: 1}, false},
		{"any header", waf.IgnoreCondition{Category: "header", LogicOperation: "prefix", Contents: []string{"k-"}, CheckAllIndexes: 2}, true},
		{"any param exists", waf.IgnoreCondition{Category: "params", LogicOperation: "exist", CheckAllIndexes: 2}, true},
	} {
		s, err := condition.CompileIgnore([]waf.IgnoreCondition{tc.c})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := s.Match(req); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := condition.CompileIgnore([]waf.IgnoreCondition{{Category: "url", LogicOperation: "regular_match", Contents: []string{"(unclosed"}}}); !errors.Is(err, condition.ErrContents) {
		t.Errorf("bad regular expression: %v", err)
	}
	if _, err := condition.CompileIgnore([]waf.IgnoreCondition{{Category: "header", LogicOperation: "exist", CheckAllIndexes: 1, Index: "x"}}); err != nil {
		t.Errorf("index and every field: %v (an ignore rule's index is ignored with check_all_indexes_logic)", err)
	}
}
