package iam

import (
	"context"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Operator actions behind `rampart admin`. They validate their input and
// return KindInvalid, KindNotFound or KindConflict errors.

// CreateUser adds a user to the named account. An empty password is
// generated and returned.
func (s *Service) CreateUser(ctx context.Context, accountName, name, password string) (*rampart.User, string, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, "", err
	}
	if !ValidName(name) {
		return nil, "", rampart.Invalid("name", "User names are 1-64 letters, digits, '-', '_' or '.'.")
	}
	if password == "" {
		password = NewPassword()
	}
	if err := ValidatePassword(password); err != nil {
		return nil, "", err
	}
	hash, err := hashPasswordCost(password, s.cfg.PasswordIterations)
	if err != nil {
		return nil, "", err
	}
	u := &rampart.User{ID: NewID(), AccountID: acc.ID, Name: name, PasswordHash: hash, Enabled: true}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// Users lists the users of the named account.
func (s *Service) Users(ctx context.Context, accountName string) ([]*rampart.User, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, err
	}
	return s.store.FindUsers(ctx, acc.ID)
}

// CreateProject adds a project to the named account. An empty id is
// generated.
func (s *Service) CreateProject(ctx context.Context, accountName, name, id string) (*rampart.Project, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, err
	}
	if !ValidName(name) {
		return nil, rampart.Invalid("name", "Project names are 1-64 letters, digits, '-', '_' or '.'.")
	}
	if id == "" {
		id = NewID()
	}
	if !ValidProjectID(id) {
		return nil, rampart.Invalid("id", "Project IDs are 32 lower-case hex characters.")
	}
	p := &rampart.Project{ID: id, AccountID: acc.ID, Name: name, Enabled: true}
	if err := s.store.CreateProject(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Projects lists the projects of the named account.
func (s *Service) Projects(ctx context.Context, accountName string) ([]*rampart.Project, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, err
	}
	return s.store.FindProjects(ctx, rampart.ProjectFilter{AccountID: acc.ID})
}

// Grant lets a user act on a project, given by ID or name.
func (s *Service) Grant(ctx context.Context, accountName, userName, project string) (*rampart.Project, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByName(ctx, acc.ID, userName)
	if err != nil {
		return nil, err
	}
	p, err := s.findProject(ctx, acc, project)
	if err != nil {
		return nil, err
	}
	if err := s.store.GrantProject(ctx, u.ID, p.ID); err != nil {
		return nil, err
	}
	s.mu.Lock()
	delete(s.grants, grantKey{u.ID, p.ID})
	s.gen++
	s.mu.Unlock()
	return p, nil
}

func (s *Service) findProject(ctx context.Context, acc *rampart.Account, project string) (*rampart.Project, error) {
	if ValidProjectID(project) {
		if p, err := s.store.FindProjectByID(ctx, project); err == nil && p.AccountID == acc.ID {
			return p, nil
		}
	}
	ps, err := s.store.FindProjects(ctx, rampart.ProjectFilter{AccountID: acc.ID, Name: project})
	if err != nil {
		return nil, err
	}
	if len(ps) != 1 {
		return nil, rampart.Errorf(rampart.KindNotFound, "Project %q not found.", project)
	}
	return ps[0], nil
}

// CreateAccessKey issues a new AK/SK pair for a user.
func (s *Service) CreateAccessKey(ctx context.Context, accountName, userName string) (*rampart.AccessKey, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByName(ctx, acc.ID, userName)
	if err != nil {
		return nil, err
	}
	k := &rampart.AccessKey{AccessKey: NewAccessKey(), SecretKey: NewSecretKey(), UserID: u.ID, Active: true}
	if err := s.store.CreateAccessKey(ctx, k); err != nil {
		return nil, err
	}
	return k, nil
}

// AccessKeys lists a user's access keys.
func (s *Service) AccessKeys(ctx context.Context, accountName, userName string) ([]*rampart.AccessKey, error) {
	acc, err := s.store.FindAccountByName(ctx, accountName)
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByName(ctx, acc.ID, userName)
	if err != nil {
		return nil, err
	}
	return s.store.FindAccessKeys(ctx, u.ID)
}

// RevokeAccessKey deactivates an access key.
func (s *Service) RevokeAccessKey(ctx context.Context, ak string) error {
	if err := s.store.RevokeAccessKey(ctx, ak); err != nil {
		return err
	}
	s.ForgetAccessKey(ak)
	return nil
}
