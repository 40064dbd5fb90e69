package iam

import (
	"context"
	"fmt"
	"regexp"

	"github.com/rampartsec/rampart/internal/rampart"
)

// BootstrapInput holds operator-supplied values for the first start. Empty
// fields are generated.
type BootstrapInput struct {
	AccountName   string // default "rampart"
	AdminPassword string
	AccessKey     string
	SecretKey     string
	ProjectID     string
	ProjectName   string // default "local"
	// Save, when not nil, is given the credentials of a first start before
	// they are committed; if it fails, nothing is committed and Bootstrap
	// returns its error.
	Save func(*Credentials) error
}

// Credentials is what a bootstrap created, in the shape written to
// credentials.json.
type Credentials struct {
	Account     string `json:"account"`
	AccountID   string `json:"account_id"`
	User        string `json:"user"`
	UserID      string `json:"user_id"`
	Password    string `json:"password"`
	AccessKey   string `json:"access_key"`
	SecretKey   string `json:"secret_key"`
	ProjectID   string `json:"project_id"`
	ProjectName string `json:"project_name"`
}

// AdminUserName is the name of the user the bootstrap creates.
const AdminUserName = "admin"

var (
	projectIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	accessKeyPattern = regexp.MustCompile(`^[A-Za-z0-9]{8,128}$`)
	namePattern      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)
)

// ValidProjectID reports whether id has Huawei's project ID shape.
func ValidProjectID(id string) bool { return projectIDPattern.MatchString(id) }

// ValidAccessKey reports whether ak is an acceptable access key ID.
func ValidAccessKey(ak string) bool { return accessKeyPattern.MatchString(ak) }

// ValidName reports whether s is an acceptable account, user or project name.
func ValidName(s string) bool { return namePattern.MatchString(s) }

// ValidatePassword checks the minimal password policy.
func ValidatePassword(pw string) error {
	if len(pw) < 8 || len(pw) > 128 {
		return rampart.Invalid("password", "The password must be 8 to 128 characters long.")
	}
	return nil
}

// Bootstrap creates the first account, admin user, project and access key if
// the store is empty. It returns the credentials and whether they were
// created now; on later starts it returns created == false and leaves the
// store untouched.
func (s *Service) Bootstrap(ctx context.Context, in BootstrapInput) (*Credentials, bool, error) {
	if in.AccountName == "" {
		in.AccountName = "rampart"
	}
	if in.ProjectName == "" {
		in.ProjectName = "local"
	}
	if in.AdminPassword == "" {
		in.AdminPassword = NewPassword()
	}
	if in.AccessKey == "" {
		in.AccessKey = NewAccessKey()
	}
	if in.SecretKey == "" {
		in.SecretKey = NewSecretKey()
	}
	if in.ProjectID == "" {
		in.ProjectID = NewID()
	}
	switch {
	case !ValidName(in.AccountName):
		return nil, false, fmt.Errorf("RAMPART_ACCOUNT %q: use 1-64 letters, digits, '-', '_' or '.'", in.AccountName)
	case !ValidName(in.ProjectName):
		return nil, false, fmt.Errorf("RAMPART_PROJECT_NAME %q: use 1-64 letters, digits, '-', '_' or '.'", in.ProjectName)
	case !ValidProjectID(in.ProjectID):
		return nil, false, fmt.Errorf("RAMPART_PROJECT_ID must be 32 lower-case hex characters")
	case !ValidAccessKey(in.AccessKey):
		return nil, false, fmt.Errorf("RAMPART_ACCESS_KEY must be 8-128 letters or digits")
	case len(in.SecretKey) < 16 || len(in.SecretKey) > 256:
		return nil, false, fmt.Errorf("RAMPART_SECRET_KEY must be 16-256 characters")
	}
	if err := ValidatePassword(in.AdminPassword); err != nil {
		return nil, false, fmt.Errorf("RAMPART_ADMIN_PASSWORD: %s", rampart.AsError(err).Message)
	}
	hash, err := hashPasswordCost(in.AdminPassword, s.cfg.PasswordIterations)
	if err != nil {
		return nil, false, err
	}
	accID, userID := NewID(), NewID()
	b := &rampart.Bootstrap{
		Account:   rampart.Account{ID: accID, Name: in.AccountName},
		User:      rampart.User{ID: userID, AccountID: accID, Name: AdminUserName, PasswordHash: hash, Enabled: true},
		Project:   rampart.Project{ID: in.ProjectID, AccountID: accID, Name: in.ProjectName, Enabled: true},
		AccessKey: rampart.AccessKey{AccessKey: in.AccessKey, SecretKey: in.SecretKey, UserID: userID, Active: true},
	}
	creds := &Credentials{
		Account: in.AccountName, AccountID: accID, User: AdminUserName, UserID: userID,
		Password: in.AdminPassword, AccessKey: in.AccessKey, SecretKey: in.SecretKey,
		ProjectID: in.ProjectID, ProjectName: in.ProjectName,
	}
	if in.Save != nil {
		b.BeforeCommit = func() error { return in.Save(creds) }
	}
	created, err := s.store.Bootstrap(ctx, b)
	if err != nil || !created {
		return nil, false, err
	}
	return creds, true, nil
}
