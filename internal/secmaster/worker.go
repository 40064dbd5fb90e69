package secmaster

import (
	"context"
	"time"
)

// Worker tuning.
const (
	workerBatch    = 256                    // tasks per delivery transaction
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

// DeliverPending delivers every pending task once and returns how many
// tasks it completed.
func (s *Service) DeliverPending(ctx context.Context) (int, error) {
	done := 0
	for {
		tasks, policies, err := s.store.PendingTasks(ctx, workerBatch)
		if err != nil || len(tasks) == 0 {
			return done, err
		}
		var results []DeliveryResult
		batch := make(map[string]bool, len(tasks))
		for _, t := range tasks {
			batch[t.ID] = true
		}
		checked := map[[3]string]string{}
		for _, p := range policies {
			for i := range p.Defenses {
				e := &p.Defenses[i]
				if !batch[e.PendingTaskID] {
					continue // in force, failed, or pending for a later task
				}
				r := DeliveryResult{PolicyID: p.ID, EntryID: e.ID, TaskID: e.PendingTaskID, Fresh: e.DeliveredAt.IsZero()}
				why, err := s.deliveryAllowed(ctx, p, e, checked)
				if err != nil {
					return done, err
				}
				if why != "" {
					r.Failure = why
					results = append(results, r)
					continue
				}
				enf, err := s.deliverer.Deliver(ctx, p, e)
				if err != nil {
					r.Failure = err.Error()
					if r.Failure == "" {
						r.Failure = "delivery failed"
					}
				} else {
					r.Enforce = enf
				}
				results = append(results, r)
			}
		}
		ids := make([]string, len(tasks))
		for i, t := range tasks {
			ids[i] = t.ID
		}
		err = s.store.CompleteDeliveries(ctx, ids, results, policies)
		if err != nil {
			return done, err
		}
		done += len(tasks)
		if len(tasks) < workerBatch {
			return done, nil
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
