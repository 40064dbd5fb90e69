package secmaster

import (
	"cmp"
	"slices"
	"sync"
)

// TurnRows bounds the enforcement rows one delivery transaction writes
// (beyond the first entry it carries, which may alone reach it): a large
// task is delivered over several transactions, so that the writes and
// deliveries of other projects wait for one bounded transaction, never
// for a whole large task. It is one entry of MaxTargets objects.
const TurnRows = MaxTargets

// pendingEntry is one entry waiting for delivery.
type pendingEntry struct {
	policy *Policy
	entry  *DefenseEntry
	rows   int // enforcement rows it expands to (at least 1)
}

// turns shares the delivery worker between projects: each transaction
// starts with the projects served least recently.
type turns struct {
	mu     sync.Mutex
	n      uint64            // transactions planned
	served map[string]uint64 // project → the last transaction that carried one of its entries
}

// plan picks the entries of the next delivery transaction from the
// pending tasks and policies PendingTasks returned: round-robin between
// projects (one entry of each per pass, the projects served least
// recently first), each project's entries in the order of its tasks
// (oldest first), until the entries reach budget rows.
func (t *turns) plan(tasks []*Task, policies []*Policy, budget int) []pendingEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	age := make(map[string]int, len(tasks)) // task → position, oldest first
	for i, tk := range tasks {
		age[tk.ID] = i
	}
	queues := map[string][]pendingEntry{}
	var projects []string
	for _, p := range policies {
		rows := max(1, len(p.Targets()))
		for i := range p.Defenses {
			e := &p.Defenses[i]
			if _, ok := age[e.PendingTaskID]; !ok {
				continue // in force, failed, or pending for a task not read
			}
			if queues[p.ProjectID] == nil {
				projects = append(projects, p.ProjectID)
			}
			queues[p.ProjectID] = append(queues[p.ProjectID], pendingEntry{policy: p, entry: e, rows: rows})
		}
	}
	oldest := map[string]int{}
	for _, id := range projects {
		q := queues[id]
		slices.SortStableFunc(q, func(a, b pendingEntry) int {
			return cmp.Compare(age[a.entry.PendingTaskID], age[b.entry.PendingTaskID])
		})
		oldest[id] = age[q[0].entry.PendingTaskID]
	}
	slices.SortFunc(projects, func(a, b string) int {
		return cmp.Or(cmp.Compare(t.served[a], t.served[b]), cmp.Compare(oldest[a], oldest[b]))
	})
	var out []pendingEntry
	rows := 0
	for left := len(projects); left > 0 && rows < budget; {
		left = 0
		for _, id := range projects {
			q := queues[id]
			if len(q) == 0 || rows >= budget {
				continue
			}
			out = append(out, q[0])
			rows += q[0].rows
			queues[id] = q[1:]
			left += len(q) - 1
		}
	}
	// Remember who was served; forget the projects with nothing pending.
	served := make(map[string]uint64, len(projects))
	for _, id := range projects {
		served[id] = t.served[id]
	}
	for _, w := range out {
		served[w.policy.ProjectID] = t.n
	}
	t.served = served
	return out
}
