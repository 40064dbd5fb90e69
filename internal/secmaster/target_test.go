package secmaster

import (
	"strings"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

func TestParseTargets(t *testing.T) {
	for _, tc := range []struct {
		typ, in, want string // want "" means invalid
	}{
		{TypeSourceIP, "1.2.3.4", "1.2.3.4"},
		{TypeSourceIP, " 1.2.3.4 , 10.0.0.0/8", "1.2.3.4,10.0.0.0/8"},
		{TypeSourceIP, "1.2.3.4/32", "1.2.3.4"},
		{TypeSourceIP, "2001:DB8::1,2001:db8::/32", "2001:db8::1,2001:db8::/32"},
		{TypeSourceIP, "::ffff:1.2.3.4", "1.2.3.4"},
		{TypeSourceIP, "1.2.3.4,1.2.3.4", "1.2.3.4"},
		{TypeSourceIP, "10.0.0.1/8", ""},
		{TypeSourceIP, "1.2.3", ""},
		{TypeSourceIP, "fe80::1%eth0", ""},
		{TypeSourceIP, "1.2.3.4/33", ""},
		{TypeSourceIP, "1.2.3.4,", ""},
		{TypeSourceIP, "", ""},
		{TypeSourceIP, "example.com", ""},
		{TypeDomainName, "Example.COM", "example.com"},
		{TypeDomainName, "*.evil.org,a-b.c.io.", "*.evil.org,a-b.c.io"},
		{TypeDomainName, "localhost", ""},
		{TypeDomainName, "-a.com", ""},
		{TypeDomainName, "a_b.com", ""},
		{TypeDomainName, "1.2.3.4", ""},
		{TypeDomainName, strings.Repeat("a", 64) + ".com", ""},
		{TypeUserName, "alice,bob.smith,c d", "alice,bob.smith,c d"},
		{TypeUserName, "1alice", "1alice"},
		{TypeUserName, "al;ice", ""},
		{TypeUserName, strings.Repeat("a", 65), ""},
		{"Source IP", "1.2.3.4", ""},
	} {
		got, err := ParseTargets(tc.typ, tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s %q: accepted as %v", tc.typ, tc.in, got)
			} else if e := rampart.AsError(err); e.Kind != rampart.KindInvalid || e.Code != CodeInvalid {
				t.Errorf("%s %q: error %v", tc.typ, tc.in, err)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tc.want {
			t.Errorf("%s %q = %v, %v; want %s", tc.typ, tc.in, got, err, tc.want)
		}
	}
	many := strings.TrimSuffix(strings.Repeat("1.2.3.4,", MaxTargets+1), ",")
	if _, err := ParseTargets(TypeSourceIP, many); err == nil {
		t.Error("more than MaxTargets accepted")
	}
}

func TestBuildQuery(t *testing.T) {
	ten, neg := 10, -1
	q, err := buildQuery(SearchInput{}, PolicyFields)
	if err != nil || q.Limit != LimitDefault || q.Offset != 0 {
		t.Fatalf("defaults: %+v %v", q, err)
	}
	q, err = buildQuery(SearchInput{Limit: &ten, Conditions: []ConditionInput{
		{Name: "policy_category", Data: []string{"BLOCK"}},
		{Name: "x", Data: []string{"block_target", "like", "10."}},
		{Name: "policy_id", Data: []string{"p1"}},
	}, Logics: []string{"or"}, Sort: []SortInput{{SortBy: "create_time", Order: "DESC"}}}, PolicyFields)
	if err != nil {
		t.Fatal(err)
	}
	if q.Limit != 10 || q.Conditions[1].Field != "block_target" || q.Conditions[1].Op != OpLike ||
		q.Conditions[2].Field != "id" || strings.Join(q.Logics, ",") != "OR,AND" || !q.Sort[0].Desc {
		t.Fatalf("query = %+v", q)
	}
	for _, in := range []SearchInput{
		{Limit: &neg}, {Offset: &neg},
		{Conditions: []ConditionInput{{Name: "nope", Data: []string{"x"}}}},
		{Conditions: []ConditionInput{{Name: "policy_category"}}},
		{Conditions: []ConditionInput{{Name: "policy_category", Data: []string{"A"}}}, Logics: []string{"AND"}},
		{Sort: []SortInput{{SortBy: "create_time", Order: "sideways"}}},
	} {
		if _, err := buildQuery(in, PolicyFields); rampart.ErrorKind(err) != rampart.KindInvalid {
			t.Errorf("%+v accepted: %v", in, err)
		}
	}
}

func TestValidateCreateMessagesNameTheField(t *testing.T) {
	now := time.Now()
	yes := true
	typ := TypeSourceIP
	valid := func() *PolicyInput {
		return &PolicyInput{BlockAge: &BlockAge{IsBlockAgeing: &yes, BlockAgeing: "9999999999999"}, BlockTarget: "1.2.3.4",
			Category: CategoryBlock, PolicyType: &typ, RegionID: "r",
			Defenses: []DefenseInput{{ConnectionID: "c", ConnectionName: "c", ConnectionRegionID: "r", ConnectionRegionName: "r",
				DefenseType: LayerWAF, TargetEnterpriseID: "0", TargetEnterpriseName: "d", TargetProjectID: "t", TargetProjectName: "t"}}}
	}
	if _, err := validateCreate(valid(), now); err != nil {
		t.Fatal(err)
	}
	for field, mutate := range map[string]func(*PolicyInput){
		"block_age":           func(p *PolicyInput) { p.BlockAge = nil },
		"is_block_ageing":     func(p *PolicyInput) { p.BlockAge.IsBlockAgeing = nil },
		"block_target":        func(p *PolicyInput) { p.BlockTarget = "" },
		"defense_policy_list": func(p *PolicyInput) { p.Defenses = nil },
		"policy_category":     func(p *PolicyInput) { p.Category = "" },
		"policy_type":         func(p *PolicyInput) { p.PolicyType = nil },
		"region_id":           func(p *PolicyInput) { p.RegionID = " " },
		"description":         func(p *PolicyInput) { p.Description = strings.Repeat("x", MaxDescriptionLen+1) },
		"defense_type":        func(p *PolicyInput) { p.Defenses[0].DefenseType = "waf" },
	} {
		in := valid()
		mutate(in)
		_, err := validateCreate(in, now)
		e := rampart.AsError(err)
		if e.Kind != rampart.KindInvalid || !strings.Contains(e.Message, field) || !strings.Contains(e.Field, field) {
			t.Errorf("%s: %v (field %q)", field, err, e.Field)
		}
	}
}

// FuzzParseTargets checks that the target parser never panics and that
// what it accepts is stable: parsing its own output gives the same objects.
func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.0/8, ::1", "example.com", "*.a.b", "alice", "1.2.3.4,,", "::ffff:1.2.3.4/128"} {
		f.Add(0, s)
		f.Add(1, s)
		f.Add(2, s)
	}
	types := []string{TypeSourceIP, TypeDomainName, TypeUserName}
	f.Fuzz(func(t *testing.T, ti int, s string) {
		if ti < 0 {
			ti = -ti
		}
		typ := types[ti%len(types)]
		got, err := ParseTargets(typ, s)
		if err != nil {
			if rampart.ErrorKind(err) != rampart.KindInvalid {
				t.Fatalf("error kind %v", err)
			}
			return
		}
		if len(got) == 0 || len(got) > MaxTargets {
			t.Fatalf("accepted %d objects", len(got))
		}
		again, err := ParseTargets(typ, strings.Join(got, ","))
		if err != nil || strings.Join(again, ",") != strings.Join(got, ",") {
			t.Fatalf("not stable: %q -> %v -> %v (%v)", s, got, again, err)
		}
	})
}

// FuzzBuildQuery checks that any search input either is refused as
// invalid or gives a query within the documented bounds.
func FuzzBuildQuery(f *testing.F) {
	f.Add(10, 0, "policy_category", "BLOCK", "", "AND", "create_time", "desc")
	f.Add(-1, 5, "x", "block_target", "like", "or", "nope", "up")
	f.Fuzz(func(t *testing.T, limit, offset int, name, d0, d1, logic, sortBy, order string) {
		in := SearchInput{Limit: &limit, Offset: &offset,
			Conditions: []ConditionInput{{Name: name, Data: []string{d0, d1, "v"}}, {Name: "policy_category", Data: []string{d0}}},
			Logics:     []string{logic}, Sort: []SortInput{{SortBy: sortBy, Order: order}}}
		q, err := buildQuery(in, PolicyFields)
		if err != nil {
			if rampart.ErrorKind(err) != rampart.KindInvalid {
				t.Fatalf("error kind %v", err)
			}
			return
		}
		if q.Limit <= 0 || q.Limit > LimitMax || q.Offset < 0 || len(q.Logics) != len(q.Conditions)-1 {
			t.Fatalf("query out of bounds: %+v", q)
		}
		for _, c := range q.Conditions {
			if !contains(PolicyFields, c.Field) || len(c.Values) == 0 {
				t.Fatalf("condition %+v", c)
			}
		}
	})
}
