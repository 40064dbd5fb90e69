package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// RunIdentity runs the IdentityStore conformance tests. newStore must return
// a fresh, empty store for each call.
func RunIdentity(t *testing.T, newStore func(t *testing.T) rampart.IdentityStore) {
	ctx := context.Background()

	bootstrap := func(t *testing.T) *rampart.Bootstrap {
		acc := newID(t)
		usr := newID(t)
		return &rampart.Bootstrap{
			Account:   rampart.Account{ID: acc, Name: "acme"},
			User:      rampart.User{ID: usr, AccountID: acc, Name: "admin", PasswordHash: "h", Enabled: true},
			Project:   rampart.Project{ID: newID(t), AccountID: acc, Name: "local", Enabled: true},
			AccessKey: rampart.AccessKey{AccessKey: "AKBOOT" + newID(t)[:10], SecretKey: "sk", UserID: usr, Active: true},
		}
	}

	t.Run("BootstrapBeforeCommitFails", func(t *testing.T) {
		s := newStore(t)
		b := bootstrap(t)
		ran := false
		b.BeforeCommit = func() error { ran = true; return errors.New("cannot save the credentials") }
		if _, err := s.Bootstrap(ctx, b); err == nil || !ran {
			t.Fatalf("bootstrap with a failing BeforeCommit: ran %v, err %v", ran, err)
		}
		if _, err := s.FindAccountByName(ctx, "acme"); rampart.ErrorKind(err) != rampart.KindNotFound {
			t.Fatalf("a failed bootstrap left its account: %v", err)
		}
		created, err := s.Bootstrap(ctx, bootstrap(t))
		must(t, err)
		if !created {
			t.Fatal("bootstrap after a failed one did not create")
		}
	})

	t.Run("BootstrapOnce", func(t *testing.T) {
		s := newStore(t)
		b := bootstrap(t)
		created, err := s.Bootstrap(ctx, b)
		must(t, err)
		if !created {
			t.Fatal("first bootstrap did not create")
		}
		second := bootstrap(t)
		created, err = s.Bootstrap(ctx, second)
		must(t, err)
		if created {
			t.Fatal("second bootstrap created again")
		}
		acc, err := s.FindAccountByName(ctx, "acme")
		must(t, err)
		if acc.ID != b.Account.ID {
			t.Fatalf("account id = %s, want the first bootstrap's %s", acc.ID, b.Account.ID)
		}
		ok, err := s.HasGrant(ctx, b.User.ID, b.Project.ID)
		must(t, err)
		if !ok {
			t.Fatal("bootstrap user not granted the bootstrap project")
		}
		k, err := s.FindAccessKey(ctx, b.AccessKey.AccessKey)
		must(t, err)
		if k.SecretKey != "sk" || k.UserID != b.User.ID || !k.Active {
			t.Fatalf("access key = %+v", k)
		}
		if _, err := s.FindAccessKey(ctx, second.AccessKey.AccessKey); rampart.ErrorKind(err) != rampart.KindNotFound {
			t.Fatalf("second bootstrap's key exists: %v", err)
		}
	})

	t.Run("UsersAndProjects", func(t *testing.T) {
		s := newStore(t)
		b := bootstrap(t)
		_, err := s.Bootstrap(ctx, b)
		must(t, err)
		accID := b.Account.ID

		u := &rampart.User{ID: newID(t), AccountID: accID, Name: "alice", PasswordHash: "x", Enabled: true}
		must(t, s.CreateUser(ctx, u))
		if u.CreatedAt.IsZero() {
			t.Fatal("CreatedAt not set")
		}
		dup := &rampart.User{ID: newID(t), AccountID: accID, Name: "alice", PasswordHash: "y", Enabled: true}
		wantKind(t, s.CreateUser(ctx, dup), rampart.KindConflict)

		got, err := s.FindUserByName(ctx, accID, "alice")
		must(t, err)
		if got.ID != u.ID || got.PasswordHash != "x" || !got.Enabled {
			t.Fatalf("user = %+v", got)
		}
		_, err = s.FindUserByName(ctx, accID, "bob")
		wantKind(t, err, rampart.KindNotFound)
		_, err = s.FindUserByID(ctx, newID(t))
		wantKind(t, err, rampart.KindNotFound)
		users, err := s.FindUsers(ctx, accID)
		must(t, err)
		if len(users) != 2 || users[0].Name != "admin" || users[1].Name != "alice" {
			t.Fatalf("users = %v", users)
		}

		p := &rampart.Project{ID: newID(t), AccountID: accID, Name: "eu-west-0", Enabled: true}
		must(t, s.CreateProject(ctx, p))
		wantKind(t, s.CreateProject(ctx, &rampart.Project{ID: newID(t), AccountID: accID, Name: "eu-west-0"}), rampart.KindConflict)

		ps, err := s.FindProjects(ctx, rampart.ProjectFilter{AccountID: accID})
		must(t, err)
		if len(ps) != 2 {
			t.Fatalf("projects = %d, want 2", len(ps))
		}
		ps, err = s.FindProjects(ctx, rampart.ProjectFilter{AccountID: accID, Name: "eu-west-0"})
		must(t, err)
		if len(ps) != 1 || ps[0].ID != p.ID {
			t.Fatalf("projects by name = %v", ps)
		}
		ps, err = s.FindProjects(ctx, rampart.ProjectFilter{UserID: u.ID})
		must(t, err)
		if len(ps) != 0 {
			t.Fatalf("alice sees %d projects before any grant", len(ps))
		}
		must(t, s.GrantProject(ctx, u.ID, p.ID))
		must(t, s.GrantProject(ctx, u.ID, p.ID)) // idempotent
		ps, err = s.FindProjects(ctx, rampart.ProjectFilter{UserID: u.ID})
		must(t, err)
		if len(ps) != 1 || ps[0].ID != p.ID {
			t.Fatalf("alice's projects = %v", ps)
		}
		ok, err := s.HasGrant(ctx, u.ID, b.Project.ID)
		must(t, err)
		if ok {
			t.Fatal("alice granted a project she was never given")
		}
		wantKind(t, s.GrantProject(ctx, u.ID, newID(t)), rampart.KindNotFound)
	})

	t.Run("AccessKeys", func(t *testing.T) {
		s := newStore(t)
		b := bootstrap(t)
		_, err := s.Bootstrap(ctx, b)
		must(t, err)
		k := &rampart.AccessKey{AccessKey: "AK2" + newID(t)[:12], SecretKey: "s2", UserID: b.User.ID, Active: true}
		must(t, s.CreateAccessKey(ctx, k))
		wantKind(t, s.CreateAccessKey(ctx, &rampart.AccessKey{AccessKey: k.AccessKey, SecretKey: "z", UserID: b.User.ID}), rampart.KindConflict)
		keys, err := s.FindAccessKeys(ctx, b.User.ID)
		must(t, err)
		if len(keys) != 2 {
			t.Fatalf("keys = %d, want 2", len(keys))
		}
		must(t, s.RevokeAccessKey(ctx, k.AccessKey))
		got, err := s.FindAccessKey(ctx, k.AccessKey)
		must(t, err)
		if got.Active {
			t.Fatal("revoked key still active")
		}
		wantKind(t, s.RevokeAccessKey(ctx, "AKNOPE"), rampart.KindNotFound)
	})

	t.Run("Tokens", func(t *testing.T) {
		s := newStore(t)
		b := bootstrap(t)
		_, err := s.Bootstrap(ctx, b)
		must(t, err)
		now := time.Now().UTC().Truncate(time.Millisecond)
		live := &rampart.Token{ID: newID(t), UserID: b.User.ID, AccountID: b.Account.ID, ProjectID: b.Project.ID,
			IssuedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
		old := &rampart.Token{ID: newID(t), UserID: b.User.ID, AccountID: b.Account.ID,
			IssuedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(-24 * time.Hour)}
		must(t, s.CreateToken(ctx, live))
		must(t, s.CreateToken(ctx, old))
		got, err := s.FindToken(ctx, live.ID)
		must(t, err)
		if got.ProjectID != b.Project.ID || !got.ExpiresAt.Equal(live.ExpiresAt) || !got.IssuedAt.Equal(now) || got.Revoked {
			t.Fatalf("token = %+v, want %+v", got, live)
		}
		must(t, s.RevokeToken(ctx, live.ID))
		got, err = s.FindToken(ctx, live.ID)
		must(t, err)
		if !got.Revoked {
			t.Fatal("token not revoked")
		}
		wantKind(t, s.RevokeToken(ctx, newID(t)), rampart.KindNotFound)
		n, err := s.DeleteExpiredTokens(ctx, now)
		must(t, err)
		if n != 1 {
			t.Fatalf("deleted %d expired tokens, want 1", n)
		}
		_, err = s.FindToken(ctx, old.ID)
		wantKind(t, err, rampart.KindNotFound)
	})

	t.Run("Lockouts", func(t *testing.T) {
		s := newStore(t)
		now := time.Now().UTC().Truncate(time.Millisecond)
		ls, err := s.Lockouts(ctx)
		must(t, err)
		if len(ls) != 0 {
			t.Fatalf("a fresh store has lockouts: %v", ls)
		}
		counting := rampart.Lockout{Key: "user:" + newID(t), Failures: 3}
		locked := rampart.Lockout{Key: "ak:AKLOCKED", Failures: 5, LockedUntil: now.Add(5 * time.Minute)}
		ended := rampart.Lockout{Key: "ak:AKENDED", Failures: 5, LockedUntil: now.Add(-time.Minute)}
		for _, l := range []rampart.Lockout{counting, locked, ended} {
			must(t, s.SaveLockout(ctx, l))
		}
		counting.Failures = 4 // a later save replaces the earlier one
		must(t, s.SaveLockout(ctx, counting))
		wantLockouts(t, s, counting, locked, ended)

		must(t, s.DeleteLockout(ctx, counting.Key))
		must(t, s.DeleteLockout(ctx, "user:unknown"))
		wantLockouts(t, s, locked, ended)

		must(t, s.SaveLockout(ctx, counting))
		n, err := s.DeleteExpiredLockouts(ctx, now)
		must(t, err)
		if n != 1 {
			t.Fatalf("deleted %d expired lockouts, want 1", n)
		}
		wantLockouts(t, s, counting, locked)
	})
}

// wantLockouts fails the test unless s holds exactly want, in any order.
func wantLockouts(t *testing.T, s rampart.IdentityStore, want ...rampart.Lockout) {
	t.Helper()
	got, err := s.Lockouts(context.Background())
	must(t, err)
	byKey := make(map[string]rampart.Lockout, len(got))
	for _, l := range got {
		byKey[l.Key] = l
	}
	if len(byKey) != len(got) || len(got) != len(want) {
		t.Fatalf("lockouts = %+v, want %+v", got, want)
	}
	for _, w := range want {
		g, ok := byKey[w.Key]
		if !ok || g.Failures != w.Failures || !g.LockedUntil.Equal(w.LockedUntil) {
			t.Fatalf("lockouts = %+v, want %+v", got, want)
		}
	}
}
