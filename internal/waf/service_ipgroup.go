package waf

import (
	"context"
	"github.com/rampartsec/rampart/internal/rampart"
)

// CreateIPGroup creates an IP address group.
func (s *Service) CreateIPGroup(ctx context.Context, projectID, ep string, in *IPGroupInput) (*IPGroup, error) {
	g := &IPGroup{ID: NewID(), ProjectID: projectID, EnterpriseProjectID: ep, CreatedAt: s.clock()}
	if err := applyIPGroup(g, in, "", true); err != nil {
		return nil, err
	}
	if err := s.store.CreateIPGroup(ctx, g); err != nil {
		return nil, groupNameTaken(err, g.Name)
	}
	g.Rules = []RuleRef{}
	return g, nil
}

func groupNameTaken(err error, name string) error {
	if rampart.ErrorKind(err) == rampart.KindConflict {
		return &rampart.Error{Kind: rampart.KindConflict, Code: CodeNameDuplicate, Field: "name",
			Message: "An IP address group named " + name + " already exists."}
	}
	return err
}

// FindIPGroup returns an IP address group.
func (s *Service) FindIPGroup(ctx context.Context, projectID, id string) (*IPGroup, error) {
	if err := CheckID("id", id); err != nil {
		return nil, err
	}
	return s.store.FindIPGroup(ctx, projectID, id)
}

// FindIPGroups lists IP address groups.
func (s *Service) FindIPGroups(ctx context.Context, f IPGroupFilter) ([]*IPGroup, int, error) {
	return s.store.FindIPGroups(ctx, f)
}

// UpdateIPGroup changes an IP address group; action is add, delete or
// update (the default).
func (s *Service) UpdateIPGroup(ctx context.Context, projectID, id, action string, in *IPGroupInput) (*IPGroup, error) {
	if err := CheckID("id", id); err != nil {
		return nil, err
	}
	if action != "" && action != "add" && action != "delete" && action != "update" {
		return nil, invalid(CodeURLParam, "action", "action must be add, delete or update, not %q.", action)
	}
	g, err := s.store.UpdateIPGroup(ctx, projectID, id, func(g *IPGroup) error { return applyIPGroup(g, in, action, false) })
	if err != nil && in.Name != nil {
		return nil, groupNameTaken(err, *in.Name)
	}
	return g, err
}

// DeleteIPGroup deletes an unused IP address group.
func (s *Service) DeleteIPGroup(ctx context.Context, projectID, id string) (*IPGroup, error) {
	if err := CheckID("id", id); err != nil {
		return nil, err
	}
	return s.store.DeleteIPGroup(ctx, projectID, id)
}
