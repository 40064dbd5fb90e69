package iam_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/aksk"
	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// openDB opens (or creates) the SQLite database at path until the test ends.
func openDB(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

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
	db := openDB(t, filepath.Join(t.TempDir(), "r.db"))
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
	db := openDB(t, filepath.Join(t.TempDir(), "r.db"))
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

// writeCountingStore counts the lockout writes that reach the store.
type writeCountingStore struct {
	rampart.IdentityStore
	writes *atomic.Int64
}

func (w writeCountingStore) SaveLockout(ctx context.Context, l rampart.Lockout) error {
	w.writes.Add(1)
	return w.IdentityStore.SaveLockout(ctx, l)
}

func (w writeCountingStore) DeleteLockout(ctx context.Context, key string) error {
	w.writes.Add(1)
	return w.IdentityStore.DeleteLockout(ctx, key)
}

// A locked user and a locked access key stay locked when the process that
// locked them is gone and a new one opens the same database file; the lock
// still ends after LockoutDuration.
func TestLockoutSurvivesRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	now := time.Now()
	clock := func() time.Time { return now }
	open := func() *iam.Service {
		return iam.New(openDB(t, path), iam.Config{PasswordIterations: 1000, Now: clock})
	}
	first := open()
	creds, _, err := first.Bootstrap(ctx, iam.BootstrapInput{AdminPassword: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	password := func(s *iam.Service, pw string) string {
		_, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: pw})
		return rampart.AsError(err).Code
	}
	signed := func(s *iam.Service, sk string) error {
		req, _ := http.NewRequest("GET", "http://127.0.0.1:8080/v3/projects", nil)
		aksk.Sign(req, nil, creds.AccessKey, sk, now)
		_, err := s.AuthenticateSignature(ctx, req, nil)
		return err
	}
	for i := 0; i < 5; i++ {
		if c := password(first, "wrong-password"); c != iam.CodeIAMWrongPassword {
			t.Fatalf("wrong password %d: code %q", i+1, c)
		}
		if err := signed(first, "wrong-secret-wrong-secret"); err == nil {
			t.Fatalf("bad signature %d accepted", i+1)
		}
	}

	second := open() // a new process on the same file
	if c := password(second, "admin-password"); c != iam.CodeIAMAccountLocked {
		t.Fatalf("right password after the restart: code %q, want %s", c, iam.CodeIAMAccountLocked)
	}
	if err := signed(second, creds.SecretKey); err == nil || !strings.Contains(rampart.AsError(err).Message, "limit") {
		t.Fatalf("right signature after the restart: %v, want the locked-key refusal", err)
	}

	now = now.Add(5*time.Minute + time.Second)
	third := open()
	if c := password(third, "admin-password"); c != "" {
		t.Fatalf("right password once the lock ended: code %q", c)
	}
	if err := signed(third, creds.SecretKey); err != nil {
		t.Fatalf("right signature once the lock ended: %v", err)
	}
}

// Authentications that succeed with no failure counted before them write
// nothing to the store: persisting the lockout costs the success path
// nothing.
func TestSuccessfulAuthenticationWritesNoLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "r.db"))
	var writes atomic.Int64
	s := iam.New(writeCountingStore{db, &writes}, iam.Config{PasswordIterations: 1000})
	creds, _, err := s.Bootstrap(ctx, iam.BootstrapInput{AdminPassword: "admin-password"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:8080/v3/projects", nil)
	aksk.Sign(req, nil, creds.AccessKey, creds.SecretKey, time.Now())
	for i := 0; i < 3; i++ {
		if _, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateSignature(ctx, req, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := writes.Load(); n != 0 {
		t.Fatalf("%d lockout writes for successful authentications, want 0", n)
	}
	// One failure is saved, and the success after it clears it once.
	if _, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "wrong-password"}); err == nil {
		t.Fatal("wrong password accepted")
	}
	for i := 0; i < 2; i++ {
		if _, err := s.IssueToken(ctx, iam.PasswordAuth{AccountName: creds.Account, UserName: "admin", Password: "admin-password"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := writes.Load(); n != 2 {
		t.Fatalf("%d lockout writes for one failure and two successes, want 2", n)
	}
}
