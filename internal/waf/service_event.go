package waf

import (
	"context"
	"net/url"
	"time"
)

// EventService answers the protection-event queries over an EventStore. It
// is safe for concurrent use.
type EventService struct {
	store EventStore
	now   func() time.Time
}

// NewEventService returns a service over store; now defaults to time.Now.
func NewEventService(store EventStore, now func() time.Time) *EventService {
	if now == nil {
		now = time.Now
	}
	return &EventService{store: store, now: now}
}

// FindEvent returns an event of the project (ShowEvent). KindInvalid for a
// malformed ID, KindNotFound for an unknown one.
func (s *EventService) FindEvent(ctx context.Context, projectID, id string) (*Event, error) {
	if err := CheckID("eventid", id); err != nil {
		return nil, err
	}
	return s.store.FindEvent(ctx, projectID, id)
}

// FindEvents validates a ListEvent query (see ParseEventQuery) and returns
// a page of events and the number matching.
func (s *EventService) FindEvents(ctx context.Context, projectID string, q url.Values) ([]*Event, int, error) {
	f, err := ParseEventQuery(projectID, q, s.now())
	if err != nil {
		return nil, 0, err
	}
	return s.store.FindEvents(ctx, f)
}
