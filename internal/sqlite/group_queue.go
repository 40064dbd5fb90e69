package sqlite

// maxGroupWrites bounds the writes one group-commit transaction carries,
// so that a burst of writes is committed in several bounded transactions.
const maxGroupWrites = 64

// writeQueue holds the writes waiting for a group commit, one FIFO per
// project: a transaction takes them round-robin (one write of each project
// per pass), so a project with hundreds of writes queued delays another
// project's write by at most one write of its own, not by all of them.
type writeQueue struct {
	byProject map[string][]*writeJob
	order     []string // projects with queued writes, the next to serve first
	queued    int
	running   bool // a leader is committing or about to
}

// push queues j behind the other writes of its project.
func (q *writeQueue) push(j *writeJob) {
	if q.byProject == nil {
		q.byProject = map[string][]*writeJob{}
	}
	p := j.rev.projectID
	if len(q.byProject[p]) == 0 {
		q.order = append(q.order, p)
	}
	q.byProject[p] = append(q.byProject[p], j)
	q.queued++
}

// take removes up to max writes, round-robin between projects; the next
// call starts with the project after the last one served.
func (q *writeQueue) take(max int) []*writeJob {
	var jobs []*writeJob
	i := 0
	for len(jobs) < max && len(q.order) > 0 {
		p := q.order[i]
		js := q.byProject[p]
		jobs = append(jobs, js[0])
		if len(js) == 1 {
			delete(q.byProject, p)
			q.order = append(q.order[:i], q.order[i+1:]...)
		} else {
			q.byProject[p] = js[1:]
			i++
		}
		if i >= len(q.order) {
			i = 0
		}
	}
	q.order = append(q.order[i:], q.order[:i]...)
	q.queued -= len(jobs)
	return jobs
}

// next returns a queued write (the one next to be served), nil if none.
func (q *writeQueue) next() *writeJob {
	if len(q.order) == 0 {
		return nil
	}
	return q.byProject[q.order[0]][0]
}
