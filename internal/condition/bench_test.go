package condition_test

import (
	"fmt"
	"testing"

	"github.com/rampartsec/rampart/internal/condition"
	"github.com/rampartsec/rampart/internal/inspect"
	"github.com/rampartsec/rampart/internal/waf"
)

// benchConditions are single conditions of each kind, each of which holds
// on request() (so Match does all its work).
var benchConditions = map[string][]waf.CustomCondition{
	"url-prefix":        {cond("url", "", "prefix", "/api/")},
	"header-equal":      {cond("header", "x-api-key", "equal", "k-42")},
	"ip-table":          {table("ip", "not_equal_all", "private")},
	"params-num":        {cond("params", "page", "num_less", "10")},
	"request-len":       {cond("request", "", "len_greater", "100")},
	"ua-contain_any-30": {table("user-agent", "not_contain_all", "agents30")},
	"five":              {cond("url", "", "prefix", "/api/"), cond("method", "", "equal", "GET"), table("ip", "equal_any", "nets"), cond("cookie", "theme", "equal", "dark"), cond("user-agent", "", "contain", "Firefox")},
}

func benchLists() map[string]*waf.ValueList {
	l := map[string]*waf.ValueList{}
	for k, v := range lists {
		l[k] = v
	}
	var agents []string
	for i := range 30 {
		agents = append(agents, fmt.Sprintf("scanner-%02d/", i))
	}
	l["agents30"] = &waf.ValueList{ID: "agents30", Type: "user-agent", Values: agents}
	return l
}

func TestMatchDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	encoded := request()
	encoded.Params, encoded.RawQuery = nil, "q=red+shoes&page=%32"
	for name, conds := range benchConditions {
		s, err := condition.Compile(append(conds, cond("params", "page", "equal", "2")), benchLists())
		if err != nil {
			t.Fatal(err)
		}
		for _, req := range []*inspect.Request{request(), encoded} {
			if !s.Match(req) {
				t.Fatalf("%s: no match", name)
			}
			if n := testing.AllocsPerRun(200, func() { s.Match(req) }); n != 0 {
				t.Errorf("%s: %.1f allocations per match, want 0", name, n)
			}
		}
	}
}

// BenchmarkMatch times one compiled condition set on a request it
// matches.
func BenchmarkMatch(b *testing.B) {
	req := request()
	for name, conds := range benchConditions {
		s, err := condition.Compile(conds, benchLists())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !s.Match(req) {
					b.Fatal("no match")
				}
			}
		})
	}
}
