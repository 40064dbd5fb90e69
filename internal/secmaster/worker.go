package secmaster

import (
	"context"
	"time"
)

// Worker tuning.
const (
	workerBatch    = 256                    // pending tasks read per project and transaction
	expireBatch    = 2000                   // policies per expiry transaction
	workerInterval = 200 * time.Millisecond // poll interval (aging precision)
	coalesce       = 10 * time.Millisecond  // wait after a wake-up before delivering
)

// Run delivers pending tasks and expires aged policies until ctx ends. At
// start it resumes the tasks left pending by a previous process and
// expires what aged meanwhile. Errors are logged and retried on the next
// round.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(workerInterval)
	defer t.Stop()
	for {
		if _, err := s.ExpireDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("expiring SecMaster policies", "err", err)
		}
		if _, err := s.DeliverPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("delivering SecMaster policies", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
			// Let concurrent writes gather: one delivery transaction then
			// serves many tasks.
			select {
			case <-ctx.Done():
				return
			case <-time.After(coalesce):
			}
		case <-t.C:
		}
	}
}

// DeliverPending delivers every pending entry and returns how many it
// delivered (in force or failed). It works in transactions of about
// TurnRows enforcement rows, shared between projects (see turns.plan), so
// a task of one project is delivered within a few transactions of its
// creation however large the tasks of other projects are; a crash between
// two transactions leaves the remaining entries pending, and the next run
// resumes them.
func (s *Service) DeliverPending(ctx context.Context) (int, error) {
	done := 0
	for {
		tasks, policies, err := s.store.PendingTasks(ctx, workerBatch)
		if err != nil || len(tasks) == 0 {
			return done, err
		}
		turn := s.turns.plan(tasks, policies, TurnRows)
		results := make([]DeliveryResult, 0, len(turn))
		checked := map[[3]string]string{}
		for _, w := range turn {
			p, e := w.policy, w.entry
			r := DeliveryResult{PolicyID: p.ID, EntryID: e.ID, TaskID: e.PendingTaskID, Fresh: e.DeliveredAt.IsZero()}
			// The target is checked again at delivery: a grant withdrawn
			// since the request fails the entry instead of delivering it.
			why, err := s.deliveryAllowed(ctx, p, e, checked)
			if err != nil {
				return done, err
			}
			if why != "" {
				r.Failure = why
				r.Fresh = r.Fresh && w.from == 0 // else the parts stored before are lifted
				results = append(results, r)
				continue
			}
			enf, err := s.deliverer.Deliver(ctx, p, e)
			switch {
			case err != nil:
				r.Failure = err.Error()
				if r.Failure == "" {
					r.Failure = "delivery failed"
				}
				r.Fresh = r.Fresh && w.from == 0 // else the parts stored before are lifted
			case !w.last() && w.to < len(enf):
				r.Enforce, r.Partial = enf[w.from:w.to], true
			default:
				r.Enforce = enf[min(w.from, len(enf)):]
			}
			results = append(results, r)
		}
		ids := make([]string, len(tasks))
		for i, t := range tasks {
			ids[i] = t.ID // those left with nothing pending are marked done
		}
		if err := s.store.CompleteDeliveries(ctx, ids, results, policies); err != nil {
			return done, err
		}
		s.turns.stored(turn)
		for i, r := range results {
			if !r.Partial {
				done++
				s.counts.count(turn[i].entry.DefenseType, r.Failure != "")
			}
		}
		if len(turn) == 0 {
			return done, nil // the tasks read had nothing left to deliver: now done
		}
	}
}

// ExpireDue ends every policy whose aging time has come and returns how
// many it ended.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.store.ExpirePolicies(ctx, s.clock(), expireBatch)
		total += n
		if err != nil || n < expireBatch {
			return total, err
		}
	}
}

// FindTask returns a delivery task of the project. Errors: KindNotFound.
func (s *Service) FindTask(ctx context.Context, projectID, id string) (*Task, error) {
	return s.store.FindTask(ctx, projectID, id)
}
