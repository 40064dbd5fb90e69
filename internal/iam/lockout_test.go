package iam_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// barrierStore holds every FindUserByName until n callers have arrived, so
// that n password attempts reach the lockout check together.
type barrierStore struct {
	rampart.IdentityStore
	wg *sync.WaitGroup
}

func (b barrierStore) FindUserByName(ctx context.Context, accountID, name string) (*rampart.User, error) {
	u, err := b.IdentityStore.FindUserByName(ctx, accountID, name)
	b.wg.Done()
	b.wg.Wait()
	return u, err
}

// Concurrent wrong passwords must not get more guesses than the lockout
// allows: every attempt past the fifth failure is refused as locked, even
// when they all arrived before the first one was checked.
func TestConcurrentWrongPasswordsDoNotBypassLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const attempts = 20
	var wg sync.WaitGroup
	wg.Add(1)
	s := iam.New(barrierStore{db, &wg}, iam.Config{PasswordIterations: 20000})
	creds, _, err := s.Bootstrap(ctx, iam.BootstrapInput{AdminPassword: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	// One call that checks the wiring passes the barrier alone.
	if _, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password"}); err != nil {
		t.Fatal(err)
	}
	wg.Add(attempts)
	codes := make(chan string, attempts)
	for i := 0; i < attempts; i++ {
		go func() {
			_, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "wrong-password"})
			codes <- rampart.AsError(err).Code
		}()
	}
	checked := 0
	for i := 0; i < attempts; i++ {
		switch c := <-codes; c {
		case iam.CodeIAMWrongPassword:
			checked++
		case iam.CodeIAMAccountLocked:
		default:
			t.Errorf("unexpected code %q", c)
		}
	}
	if checked > 5 {
		t.Fatalf("%d of %d concurrent wrong passwords were checked; the lockout allows 5", checked, attempts)
	}
	wg.Add(1)
	if _, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password"}); rampart.AsError(err).Code != iam.CodeIAMAccountLocked {
		t.Fatalf("right password after the lockout: %v, want %s", err, iam.CodeIAMAccountLocked)
	}
}

// pausingStore lets a test run code between a token's store read and the
// caching of its result.
type pausingStore struct {
	rampart.IdentityStore
	read, resume chan struct{}
	once         *sync.Once
}

func (p pausingStore) FindToken(ctx context.Context, id string) (*rampart.Token, error) {
	t, err := p.IdentityStore.FindToken(ctx, id)
	p.once.Do(func() {
		p.read <- struct{}{}
		<-p.resume
	})
	return t, err
}

// A revocation through the service applies at once, even when it lands
// while another request is between reading the token and caching it.
func TestRevocationDuringTokenLoadIsNotUndone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ps := pausingStore{db, make(chan struct{}), make(chan struct{}), new(sync.Once)}
	s := iam.New(ps, iam.Config{PasswordIterations: 1000})
	creds, _, err := s.Bootstrap(ctx, iam.BootstrapInput{AdminPassword: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.AuthenticateToken(ctx, tok.Token); done <- err }()
	<-ps.read // the request has read the token, not yet cached it
	if err := s.RevokeToken(ctx, tok.Token); err != nil {
		t.Fatal(err)
	}
	close(ps.resume)
	<-done
	if _, err := s.AuthenticateToken(ctx, tok.Token); err == nil {
		t.Fatal("a token revoked through the service was accepted afterwards")
	}
}
