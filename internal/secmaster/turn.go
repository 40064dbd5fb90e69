package secmaster

import (
	"cmp"
	"slices"
	"sync"
)

// TurnRows bounds the enforcement rows one delivery transaction writes: a
// large task is delivered over several transactions, so that the writes
// and deliveries of other projects wait for one bounded transaction, never
// for a whole large task. An entry delivered for the first time is written
// in parts of at most TurnRows rows (it stays pending until its last part
// is stored); an entry delivered again (its rows are replaced at once) is
// written whole, at most MaxTargets rows.
const TurnRows = 200

// pendingEntry is one part of an entry waiting for delivery: the
// enforcement rows from..to of its objects (to is past the end for the
// last part).
type pendingEntry struct {
	policy   *Policy
	entry    *DefenseEntry
	objects  int // the policy's
	from, to int
}

// last reports whether the part ends the entry's delivery.
func (w *pendingEntry) last() bool { return w.to >= w.objects }

// turns shares the delivery worker between projects: each transaction
// starts with the projects served least recently.
type turns struct {
	mu       sync.Mutex
	n        uint64            // transactions planned
	served   map[string]uint64 // project → the last transaction that carried one of its entries
	progress map[string]int    // entry/task → objects stored by earlier transactions (first deliveries only)
}

func progressKey(e *DefenseEntry) string { return e.ID + "/" + e.PendingTaskID }

// plan picks the entry parts of the next delivery transaction from the
// pending tasks and policies PendingTasks returned: round-robin between
// projects (one part of each per pass, the projects served least recently
// first), each project's entries in the order of its tasks (oldest first),
// until the parts reach budget rows.
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
	progress := map[string]int{}
	for _, p := range policies {
		n := len(p.Targets())
		for i := range p.Defenses {
			e := &p.Defenses[i]
			if _, ok := age[e.PendingTaskID]; !ok {
				continue // in force, failed, or pending for a task not read
			}
			w := pendingEntry{policy: p, entry: e, objects: n, to: n}
			if e.DeliveredAt.IsZero() { // a first delivery: in parts
				k := progressKey(e)
				w.from = t.progress[k]
				progress[k] = w.from
				w.to = min(n, w.from+TurnRows)
			}
			if queues[p.ProjectID] == nil {
				projects = append(projects, p.ProjectID)
			}
			queues[p.ProjectID] = append(queues[p.ProjectID], w)
		}
	}
	t.progress = progress // forget entries no longer pending
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
			w := q[0]
			out = append(out, w)
			rows += max(1, w.to-w.from)
			if w.last() {
				q = q[1:]
			} else { // the entry's next part
				q[0].from, q[0].to = w.to, min(w.objects, w.to+TurnRows)
			}
			queues[id] = q
			left += len(q)
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

// stored records that the parts of a turn were stored: the next parts of
// their entries start where they ended.
func (t *turns) stored(turn []pendingEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range turn {
		if w.entry.DeliveredAt.IsZero() && !w.last() {
			t.progress[progressKey(w.entry)] = w.to
		} else {
			delete(t.progress, progressKey(w.entry))
		}
	}
}
