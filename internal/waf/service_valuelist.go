package waf

import (
	"context"

	"github.com/rampartsec/rampart/internal/rampart"
)

// CreateValueList creates a reference table.
func (s *Service) CreateValueList(ctx context.Context, projectID, ep string, in *ValueListInput) (*ValueList, error) {
	l := &ValueList{ID: NewID(), ProjectID: projectID, EnterpriseProjectID: ep, CreatedAt: s.clock()}
	if err := applyValueList(l, in, true); err != nil {
		return nil, err
	}
	if err := s.store.CreateValueList(ctx, l, MaxValueLists); err != nil {
		return nil, valueListNameTaken(err, l.Name)
	}
	return l, nil
}

func valueListNameTaken(err error, name string) error {
	if rampart.ErrorKind(err) == rampart.KindConflict {
		return &rampart.Error{Kind: rampart.KindConflict, Code: CodeNameDuplicate, Field: "name",
			Message: "A reference table named " + name + " already exists."}
	}
	return err
}

// FindValueList returns a reference table of the project. Precise and CC
// rule validation use it to check that a value_list_id names a table of
// the caller's project (KindNotFound otherwise).
func (s *Service) FindValueList(ctx context.Context, projectID, id string) (*ValueList, error) {
	if err := CheckID("valuelistid", id); err != nil {
		return nil, err
	}
	return s.store.FindValueList(ctx, projectID, id)
}

// FindValueLists lists reference tables.
func (s *Service) FindValueLists(ctx context.Context, f ValueListFilter) ([]*ValueList, int, error) {
	return s.store.FindValueLists(ctx, f)
}

// UpdateValueList changes a reference table's name, values and
// description; its type cannot change.
func (s *Service) UpdateValueList(ctx context.Context, projectID, id string, in *ValueListInput) (*ValueList, error) {
	if err := CheckID("valuelistid", id); err != nil {
		return nil, err
	}
	l, err := s.store.UpdateValueList(ctx, projectID, id, func(l *ValueList) error { return applyValueList(l, in, false) })
	if err != nil && in.Name != nil {
		return nil, valueListNameTaken(err, *in.Name)
	}
	return l, err
}

// DeleteValueList deletes a reference table that no rule uses.
func (s *Service) DeleteValueList(ctx context.Context, projectID, id string) (*ValueList, error) {
	if err := CheckID("valuelistid", id); err != nil {
		return nil, err
	}
	l, err := s.store.DeleteValueList(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	l.DeletedAt = s.clock()
	return l, nil
}
