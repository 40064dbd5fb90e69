package waf

import (
	"testing"
	"time"
)

// The rollup answers the whole hours of a window filtered by hosts only;
// the partial hours at the edges and any other filter go to the events.
func TestPlanEventCount(t *testing.T) {
	h := func(hour, min int) time.Time { return time.Date(2026, 12, 8, hour, min, 0, 0, time.UTC) }
	ms := time.Millisecond
	hosts := map[EventField]EventTerms{EventFieldHostID: {In: []string{"h1"}}}
	cases := []struct {
		name        string
		f           EventFilter
		rolled      bool
		first, last time.Time
		raw         [][2]time.Time
	}{
		{"whole hours only", EventFilter{From: h(1, 0), To: h(4, 0).Add(-ms)}, true, h(1, 0), h(4, 0), nil},
		{"partial edges", EventFilter{From: h(1, 30), To: h(4, 10)}, true, h(2, 0), h(4, 0),
			[][2]time.Time{{h(1, 30), h(2, 0).Add(-ms)}, {h(4, 0), h(4, 10)}}},
		{"host filter", EventFilter{From: h(1, 0), To: h(3, 0), Terms: hosts}, true, h(1, 0), h(3, 0),
			[][2]time.Time{{h(3, 0), h(3, 0)}}},
		{"within one hour", EventFilter{From: h(1, 5), To: h(1, 50)}, false, time.Time{}, time.Time{},
			[][2]time.Time{{h(1, 5), h(1, 50)}}},
		{"open start", EventFilter{To: h(5, 0)}, false, time.Time{}, time.Time{}, [][2]time.Time{{{}, h(5, 0)}}},
		{"another filter", EventFilter{From: h(1, 0), To: h(5, 0), Terms: map[EventField]EventTerms{EventFieldHostID: {NotIn: []string{"h1"}}}},
			false, time.Time{}, time.Time{}, [][2]time.Time{{h(1, 0), h(5, 0)}}},
	}
	for _, c := range cases {
		p := PlanEventCount(c.f)
		if p.Rolled != c.rolled || !p.First.Equal(c.first) || !p.Last.Equal(c.last) || len(p.Raw) != len(c.raw) {
			t.Errorf("%s: plan %+v, want rolled %v [%v, %v) and %d raw parts", c.name, p, c.rolled, c.first, c.last, len(c.raw))
			continue
		}
		for i, part := range p.Raw {
			if !part.From.Equal(c.raw[i][0]) || !part.To.Equal(c.raw[i][1]) || len(part.Terms) != len(c.f.Terms) {
				t.Errorf("%s: raw part %d [%v, %v], want [%v, %v] with the filter's terms", c.name, i, part.From, part.To, c.raw[i][0], c.raw[i][1])
			}
		}
	}
}

func TestTopEventCounts(t *testing.T) {
	in := []EventCount{{Key: "b", Num: 2}, {Key: "a", Host: "y", Num: 5}, {Key: "a", Host: "x", Num: 5}, {Key: "c", Num: 9}}
	got := TopEventCounts(in, 3)
	want := []EventCount{{Key: "c", Num: 9}, {Key: "a", Host: "x", Num: 5}, {Key: "a", Host: "y", Num: 5}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if all := TopEventCounts([]EventCount{{Key: "a", Num: 1}, {Key: "b", Num: 2}}, 0); len(all) != 2 || all[0].Key != "b" {
		t.Fatalf("top 0 kept %v, want both, most first", all)
	}
}
