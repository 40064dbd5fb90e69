package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/sqlite"
	"github.com/rampartsec/rampart/internal/storetest"
)

// MustOpen opens a fresh database in a temporary directory and closes it when
// the test ends.
func MustOpen(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "rampart.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func TestIdentityConformance(t *testing.T) {
	storetest.RunIdentity(t, func(t *testing.T) rampart.IdentityStore { return MustOpen(t) })
}

func TestReopenKeepsDataAndSkipsMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rampart.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: "full"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(ctx, &rampart.Account{ID: "0123456789abcdef0123456789abcdef", Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.FindAccountByName(ctx, "acme"); err != nil {
		t.Fatalf("account lost across reopen: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRejectsBadSynchronous(t *testing.T) {
	_, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"), sqlite.Options{Synchronous: "OFF"})
	if err == nil {
		t.Fatal("synchronous=OFF accepted")
	}
}

// Several processes may open a new database at once (a `rampart proxy` or
// `rampart admin` started beside the first `rampart serve`): each open
// applies the pending migrations or finds them applied, and none fails.
// Every Open has its own connections, so SQLite locks them against each
// other as it locks separate processes.
func TestConcurrentOpensOfANewDatabaseAllSucceed(t *testing.T) {
	ctx := context.Background()
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "rampart.db")
		const opens = 4
		errs := make(chan error, opens)
		dbs := make(chan *sqlite.DB, opens)
		for range opens {
			go func() {
				db, err := sqlite.Open(ctx, path, sqlite.Options{})
				errs <- err
				dbs <- db
			}()
		}
		for range opens {
			if err := <-errs; err != nil {
				t.Errorf("round %d: concurrent open failed: %v", round, err)
			}
			if db := <-dbs; db != nil {
				if err := db.Close(); err != nil {
					t.Error(err)
				}
			}
		}
		db, err := sqlite.Open(ctx, path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAccount(ctx, &rampart.Account{ID: "0123456789abcdef0123456789abcdef", Name: "acme"}); err != nil {
			t.Fatalf("round %d: the concurrently migrated database does not work: %v", round, err)
		}
		db.Close()
	}
}
