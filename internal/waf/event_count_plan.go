package waf

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// EventCountPlan is how a store answers CountEvents from an hourly rollup
// of the events: the whole UTC hours [First, Last) of the window from the
// rollup (when Rolled), and the Raw parts from the events themselves.
type EventCountPlan struct {
	Rolled      bool
	First, Last time.Time
	Raw         []EventFilter
}

// PlanEventCount splits f's window. Only a window with both ends that spans
// at least one whole hour, filtered by nothing but host IDs (the rollup's
// only dimension besides the project and enterprise project), uses the
// rollup; the partial hours at its edges, and every other filter, are read
// from the events.
func PlanEventCount(f EventFilter) EventCountPlan {
	first, last := f.From.Truncate(time.Hour), f.To.Add(time.Millisecond).Truncate(time.Hour) // whole hours: [first, last)
	if !first.Equal(f.From) {
		first = first.Add(time.Hour)
	}
	rolled := first.Before(last) && !f.From.IsZero() && !f.To.IsZero()
	for field, term := range f.Terms {
		rolled = rolled && field == EventFieldHostID && len(term.NotIn) == 0 && term.Contains == "" && term.NotContains == ""
	}
	if !rolled {
		return EventCountPlan{Raw: []EventFilter{f}}
	}
	plan := EventCountPlan{Rolled: true, First: first, Last: last}
	head, tail := f, f
	head.To = first.Add(-time.Millisecond)
	tail.From = last
	for _, part := range []EventFilter{head, tail} {
		if !part.From.After(part.To) {
			plan.Raw = append(plan.Raw, part)
		}
	}
	return plan
}

// TopEventCounts orders counts as CountEvents returns them, most events
// first, ties by key and host, and keeps the first top (top <= 0: all).
func TopEventCounts(counts []EventCount, top int) []EventCount {
	slices.SortFunc(counts, func(a, b EventCount) int {
		if a.Num != b.Num {
			return cmp.Compare(b.Num, a.Num)
		}
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.Host, b.Host))
	})
	if top > 0 && len(counts) > top {
		counts = counts[:top]
	}
	return counts
}
