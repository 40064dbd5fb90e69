package iam

import (
	"context"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Lockout after repeated failures. The counts live in memory, where every
// authentication consults them, and in the store, so that a restart (or a
// crash) does not unlock a locked credential: the first lockout check of a
// process loads what earlier runs saved. A failure is saved before its
// answer is sent; a success with no failure counted before it — the common
// case — touches neither the store nor a lock key's gate.
//
// The saves of one key are ordered by the key's gate (serialize): the
// caller of recordFailure and recordSuccess holds it.

type lockState struct {
	failures    int
	lockedUntil time.Time
}

// loadLockouts puts the lockouts saved by earlier runs into memory, once
// per process. A failed load is retried by the next check.
func (s *Service) loadLockouts(ctx context.Context) error {
	if s.locksLoaded.Load() {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.locksLoaded.Load() {
		return nil
	}
	saved, err := s.store.Lockouts(ctx)
	if err != nil {
		return err
	}
	s.lockMu.Lock()
	for _, l := range saved {
		if _, ok := s.locks[l.Key]; !ok { // this process's own counts are newer
			s.locks[l.Key] = &lockState{failures: l.Failures, lockedUntil: l.LockedUntil}
		}
	}
	s.lockMu.Unlock()
	s.locksLoaded.Store(true)
	return nil
}

// locked reports whether the credential is locked now.
func (s *Service) locked(ctx context.Context, key string, now time.Time) (bool, error) {
	if err := s.loadLockouts(ctx); err != nil {
		return false, err
	}
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	st := s.locks[key]
	return st != nil && now.Before(st.lockedUntil), nil
}

// hasFailures reports whether failures of the credential are counted.
func (s *Service) hasFailures(key string) bool {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	return s.locks[key] != nil
}

// recordFailure counts a consecutive failure, locks the credential when the
// threshold is reached and saves the count. The caller holds key's gate.
func (s *Service) recordFailure(ctx context.Context, key string, now time.Time) error {
	s.lockMu.Lock()
	st := s.locks[key]
	if st == nil {
		st = &lockState{}
		s.locks[key] = st
	}
	if !st.lockedUntil.IsZero() && !now.Before(st.lockedUntil) {
		st.failures, st.lockedUntil = 0, time.Time{}
	}
	st.failures++
	if st.failures >= s.cfg.LockoutFailures {
		st.lockedUntil = now.Add(s.cfg.LockoutDuration)
	}
	l := rampart.Lockout{Key: key, Failures: st.failures, LockedUntil: st.lockedUntil}
	s.lockMu.Unlock()
	// Saved even if the client has gone: the failure was counted.
	return s.store.SaveLockout(context.WithoutCancel(ctx), l)
}

// recordSuccess resets the consecutive-failure count. The caller holds
// key's gate.
func (s *Service) recordSuccess(ctx context.Context, key string) error {
	if !s.hasFailures(key) {
		return nil
	}
	if err := s.store.DeleteLockout(context.WithoutCancel(ctx), key); err != nil {
		return err // the count stays, so the next success deletes it again
	}
	s.lockMu.Lock()
	delete(s.locks, key)
	s.lockMu.Unlock()
	return nil
}

// pruneLockouts forgets the locks that ended before now, in memory and in
// the store.
func (s *Service) pruneLockouts(ctx context.Context, now time.Time) error {
	s.lockMu.Lock()
	for k, st := range s.locks {
		if !st.lockedUntil.IsZero() && now.After(st.lockedUntil) {
			delete(s.locks, k)
		}
	}
	s.lockMu.Unlock()
	_, err := s.store.DeleteExpiredLockouts(ctx, now)
	return err
}
