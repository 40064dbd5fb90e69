package iam_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/sqlite"
)

func mustService(tb testing.TB) (*iam.Service, *iam.Credentials) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "r.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	s := iam.New(db, iam.Config{PasswordIterations: 1000})
	creds, created, err := s.Bootstrap(ctx, iam.BootstrapInput{AdminPassword: "admin-password"})
	if err != nil || !created {
		tb.Fatalf("bootstrap: %v %v", created, err)
	}
	return s, creds
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := iam.HashPassword("s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "s3cret-pass") || !strings.HasPrefix(h, "pbkdf2-sha512$") {
		t.Fatalf("hash = %q", h)
	}
	h2, _ := iam.HashPassword("s3cret-pass")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h, "pbkdf2-sha512$210000$") {
		t.Fatalf("default cost not used: %q", h)
	}
	if !iam.CheckPassword(h, "s3cret-pass") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"s3cret-pasS", "", "s3cret-pass "} {
		if iam.CheckPassword(h, bad) {
			t.Fatalf("wrong password %q accepted", bad)
		}
	}
	for _, enc := range []string{"", "plain", "pbkdf2-sha512$x$a$b", "md5$1$a$b", "pbkdf2-sha512$1$!!$b"} {
		if iam.CheckPassword(enc, "") {
			t.Fatalf("malformed hash %q accepted", enc)
		}
	}
}

func TestBootstrapValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		in   iam.BootstrapInput
		want string
	}{
		{"ProjectID", iam.BootstrapInput{ProjectID: "not-hex"}, "RAMPART_PROJECT_ID"},
		{"AccessKey", iam.BootstrapInput{AccessKey: "a b"}, "RAMPART_ACCESS_KEY"},
		{"SecretKey", iam.BootstrapInput{SecretKey: "short"}, "RAMPART_SECRET_KEY"},
		{"Password", iam.BootstrapInput{AdminPassword: "short"}, "RAMPART_ADMIN_PASSWORD"},
		{"Account", iam.BootstrapInput{AccountName: "bad name"}, "RAMPART_ACCOUNT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			_, _, err = iam.New(db, iam.Config{}).Bootstrap(ctx, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want mention of %s", err, tc.want)
			}
			if _, err := db.FindAccountByName(ctx, "rampart"); rampart.ErrorKind(err) != rampart.KindNotFound {
				t.Fatalf("invalid bootstrap stored an account: %v", err)
			}
		})
	}
}

func TestAuthorizeScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, creds := mustService(t)
	other, err := s.CreateProject(ctx, creds.Account, "other", "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password", ScopeProjectName: "local"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.AuthenticateToken(ctx, tok.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authorize(ctx, p, creds.ProjectID); err != nil {
		t.Fatalf("own project: %v", err)
	}
	// Even after a grant, a project-scoped token stays on its project.
	if _, err := s.Grant(ctx, creds.Account, "admin", "other"); err != nil {
		t.Fatal(err)
	}
	if err := s.Authorize(ctx, p, other.ID); rampart.ErrorKind(err) != rampart.KindForbidden {
		t.Fatalf("project token on another project: %v", err)
	}
	domainTok, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	dp, err := s.AuthenticateToken(ctx, domainTok.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authorize(ctx, dp, other.ID); err != nil {
		t.Fatalf("account token on granted project: %v", err)
	}
	if err := s.Authorize(ctx, dp, "0123456789abcdef0123456789abcdef"); rampart.ErrorKind(err) != rampart.KindForbidden {
		t.Fatalf("account token on unknown project: %v", err)
	}
}

func TestRevokedAccessKeyRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, creds := mustService(t)
	if err := s.RevokeAccessKey(ctx, creds.AccessKey); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAccessKey(ctx, "NOPE0000"); rampart.ErrorKind(err) != rampart.KindNotFound {
		t.Fatalf("unknown key: %v", err)
	}
}
