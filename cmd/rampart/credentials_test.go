package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampartsec/rampart/internal/iam"
	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/sqlite"
)

// A credentials.json left in the data dir with a looser mode (an old copy,
// a reset store) must not keep that mode when the secrets are written into it.
func TestBootstrapCredentialsFileIsPrivateEvenIfOneExisted(t *testing.T) {
	dir := t.TempDir()
	credPath := filepath.Join(dir, "credentials.json")
	if err := os.WriteFile(credPath, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(credPath, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, stop := startServe(t, dir, map[string]string{"RAMPART_ADMIN_PASSWORD": "first-password"})
	defer stop()
	fi, err := os.Stat(credPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials.json mode %v, want 0600", fi.Mode().Perm())
	}
	raw, _ := os.ReadFile(credPath)
	var creds map[string]string
	if err := json.Unmarshal(raw, &creds); err != nil || creds["password"] != "first-password" {
		t.Fatalf("credentials.json = %s (%v)", raw, err)
	}
}

// When credentials.json cannot be written, the generated credentials must
// not be committed to the store: otherwise the next start finds a
// bootstrapped store, writes nothing, and the generated password and secret
// key are lost.
func TestBootstrapDoesNotLoseCredentialsWhenTheFileCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	credPath := filepath.Join(dir, "credentials.json")
	if err := os.MkdirAll(filepath.Join(credPath, "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	err := run(context.Background(), []string{"serve", "--listen", freeAddr(t), "--data-dir", dir, "--metrics-listen", ""}, env(nil), logs, logs)
	if err == nil {
		t.Fatalf("serve started although credentials.json could not be written\n%s", logs)
	}
	if err := os.RemoveAll(credPath); err != nil {
		t.Fatal(err)
	}
	_, _, stop := startServe(t, dir, nil)
	defer stop()
	raw, err := os.ReadFile(credPath)
	if err != nil {
		t.Fatalf("no credentials.json after the failed first start was fixed: %v", err)
	}
	var creds map[string]string
	if err := json.Unmarshal(raw, &creds); err != nil || creds["password"] == "" || creds["secret_key"] == "" {
		t.Fatalf("credentials.json = %s (%v)", raw, err)
	}
}

// `rampart admin` pointed at a data dir without a store (a typo, or before
// the first `serve`) must fail without creating a database there: an empty
// store left behind would later be bootstrapped with new credentials.
func TestAdminDoesNotCreateAStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "typo")
	logs := &syncBuffer{}
	err := run(context.Background(), []string{"admin", "--data-dir", dir, "user", "create", "alice"}, env(nil), logs, logs)
	if err == nil {
		t.Fatalf("admin succeeded on a data dir without a store\n%s", logs)
	}
	if _, serr := os.Stat(dir); !os.IsNotExist(serr) {
		t.Fatalf("admin created %s (%v); error was %v", dir, serr, err)
	}
}

// savedAtCommit is an identity store that looks, as soon as the bootstrap
// has committed, whether credentials.json already holds the credentials:
// a crash right after the commit must not lose them.
type savedAtCommit struct {
	rampart.IdentityStore
	path     string
	password string
	saved    bool
}

func (s *savedAtCommit) Bootstrap(ctx context.Context, b *rampart.Bootstrap) (bool, error) {
	created, err := s.IdentityStore.Bootstrap(ctx, b)
	raw, _ := os.ReadFile(s.path)
	var creds map[string]string
	s.saved = json.Unmarshal(raw, &creds) == nil && creds["password"] == s.password
	return created, err
}

func TestBootstrapSavesCredentialsBeforeTheCommit(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "rampart.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := &savedAtCommit{IdentityStore: db, path: filepath.Join(dir, "credentials.json"), password: "first-password"}
	vars := map[string]string{"RAMPART_ADMIN_PASSWORD": st.password}
	if err := bootstrap(ctx, iam.New(st, iam.Config{}), st, dir, env(vars), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if !st.saved {
		t.Fatal("the bootstrap committed before credentials.json was written: a crash then loses the credentials")
	}
}

// The first-start variables are read only when the store is empty (README,
// "First-start values"): a restart with one of them invalid starts, keeps
// the identities and says the variables were ignored.
func TestRestartIgnoresInvalidFirstStartVariables(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := startServe(t, dir, map[string]string{"RAMPART_ADMIN_PASSWORD": "first-password"})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "credentials.json"))
	for _, vars := range []map[string]string{
		{"RAMPART_PROJECT_ID": "not-hex"},
		{"RAMPART_ADMIN_PASSWORD": "short"},
		{"RAMPART_ACCESS_KEY": "a b"},
		{"RAMPART_SECRET_KEY": "short"},
		{"RAMPART_ACCOUNT": "bad name"},
		{"RAMPART_PROJECT_NAME": "bad name"},
	} {
		_, logs, stop := startServe(t, dir, vars)
		if err := stop(); err != nil {
			t.Fatalf("%v: serve returned %v", vars, err)
		}
		for name := range vars {
			if !strings.Contains(logs.String(), "ignored") || !strings.Contains(logs.String(), name) {
				t.Errorf("%v: the log does not say %s was ignored:\n%s", vars, name, logs)
			}
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, "credentials.json"))
	if string(before) != string(after) {
		t.Fatal("credentials.json changed on a restart")
	}
}

// On the first start an invalid first-start variable still fails the
// start, before anything is created.
func TestFirstStartRefusesInvalidFirstStartVariables(t *testing.T) {
	dir := t.TempDir()
	logs := &syncBuffer{}
	err := run(context.Background(), []string{"serve", "--listen", freeAddr(t), "--data-dir", dir, "--metrics-listen", ""},
		env(map[string]string{"RAMPART_PROJECT_ID": "not-hex"}), logs, logs)
	if err == nil || !strings.Contains(err.Error(), "RAMPART_PROJECT_ID") {
		t.Fatalf("err = %v, want RAMPART_PROJECT_ID refused\n%s", err, logs)
	}
	if _, serr := os.Stat(filepath.Join(dir, "credentials.json")); !os.IsNotExist(serr) {
		t.Fatalf("credentials.json written by a refused first start (%v)", serr)
	}
}
