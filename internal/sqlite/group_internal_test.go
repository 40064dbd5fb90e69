package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/waf"
	sqlite3 "modernc.org/sqlite"
)

// cancelInStatement is called by the test trigger below, in the middle of
// an INSERT: it cancels the context of the write that runs the statement.
var cancelInStatement struct {
	sync.Mutex
	cancel context.CancelFunc
}

func init() {
	sqlite3.MustRegisterScalarFunction("rampart_test_cancel", 0, func(*sqlite3.FunctionContext, []driver.Value) (driver.Value, error) {
		cancelInStatement.Lock()
		defer cancelInStatement.Unlock()
		if cancelInStatement.cancel != nil {
			cancelInStatement.cancel()
		}
		return nil, nil
	})
}

// waitPending waits until n writes are queued for the group commit.
func waitPending(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		db.writeMu.Lock()
		got := db.writeQueue.queued
		db.writeMu.Unlock()
		if got >= n {
			return
		}
	}
	t.Fatalf("fewer than %d writes queued", n)
}

// TestGroupWriteCallerCancelledMidStatement: a caller whose context is
// cancelled while its write runs (an HTTP client that disconnects) must not
// undo the other writes committed in the same transaction. SQLite rolls the
// whole transaction back when a write statement inside it is interrupted,
// and the driver interrupts the statement when the context passed to it is
// done.
func TestGroupWriteCallerCancelledMidStatement(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A trigger makes the INSERT of the certificate named "cancel-me" long
	// enough to be interrupted: it cancels the caller's context, then
	// copies many rows.
	for _, q := range []string{
		`CREATE TABLE test_filler (x INTEGER)`,
		`CREATE TABLE test_scratch (x INTEGER)`,
		`INSERT INTO test_filler WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000) SELECT x FROM n`,
		`CREATE TRIGGER test_cancel AFTER INSERT ON waf_certificates WHEN NEW.name = 'cancel-me' BEGIN
			SELECT rampart_test_cancel();
			INSERT INTO test_scratch SELECT x FROM test_filler;
		END`,
	} {
		if _, err := db.wdb.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	const proj = "p0000000000000000000000000000001"
	rev0, _ := db.Revision(ctx, proj, rampart.FamilyWAF)
	cert := func(id, name string) *waf.Certificate {
		return &waf.Certificate{ID: id, ProjectID: proj, EnterpriseProjectID: "0", Name: name, Content: "c", Key: "k",
			ExpireTime: time.Now().Add(time.Hour), CreatedAt: time.Now()}
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cancelInStatement.Lock()
	cancelInStatement.cancel = cancel
	cancelInStatement.Unlock()
	defer func() {
		cancelInStatement.Lock()
		cancelInStatement.cancel = nil
		cancelInStatement.Unlock()
	}()

	// Hold the writer so that both writes queue, then commit them as one
	// batch: first the good one, then the one whose caller goes away.
	db.wmu.Lock()
	errA, errB := make(chan error, 1), make(chan error, 1)
	go func() { errA <- db.CreateCertificate(ctx, cert("a0000000000000000000000000000001", "kept")) }()
	waitPending(t, db, 1)
	go func() { errB <- db.CreateCertificate(cctx, cert("b0000000000000000000000000000001", "cancel-me")) }()
	waitPending(t, db, 2)
	db.wmu.Unlock()

	if err := <-errA; err != nil {
		t.Fatalf("the neighbour's write failed: %v", err)
	}
	if _, err := db.Certificate(ctx, proj, "a0000000000000000000000000000001"); err != nil {
		t.Fatalf("the neighbour's acknowledged write is not stored: %v", err)
	}
	// The cancelled caller's outcome must match the store.
	_, findErr := db.Certificate(ctx, proj, "b0000000000000000000000000000001")
	if err := <-errB; (err == nil) != (findErr == nil) {
		t.Fatalf("cancelled write reported %v, stored: %v", err, findErr)
	}
	if rev, _ := db.Revision(ctx, proj, rampart.FamilyWAF); rev <= rev0 {
		t.Fatalf("revision %d not bumped (was %d)", rev, rev0)
	}
}

// TestGroupWriteFairBetweenProjects: a write of one project queued behind
// hundreds of another project's writes is committed in the first
// transaction, right after the first write of the busy project, and no
// transaction carries more than maxGroupWrites writes. Counted in writes,
// not measured in time.
func TestGroupWriteFairBetweenProjects(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "rampart.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const busy, quiet = "p00000000000000000000000000000b1", "p00000000000000000000000000000q1"
	var mu sync.Mutex
	var ran []string // projects of the writes, in the order they ran
	rev0, _ := db.Revision(ctx, busy, rampart.FamilyWAF)
	write := func(project string) error {
		return db.groupWrite(ctx, rampart.FamilyWAF, project, func(context.Context, *sql.Tx) error {
			mu.Lock()
			ran = append(ran, project)
			mu.Unlock()
			return nil
		})
	}
	db.wmu.Lock() // the writer is busy: everything below queues
	var wg sync.WaitGroup
	const n = 3*maxGroupWrites + 10
	for range n {
		wg.Go(func() {
			if err := write(busy); err != nil {
				t.Error(err)
			}
		})
	}
	waitPending(t, db, n)
	wg.Go(func() {
		if err := write(quiet); err != nil {
			t.Error(err)
		}
	})
	waitPending(t, db, n+1)
	db.wmu.Unlock()
	wg.Wait()
	if len(ran) != n+1 {
		t.Fatalf("%d writes ran, want %d", len(ran), n+1)
	}
	if i := slices.Index(ran, quiet); i > 1 {
		t.Fatalf("the quiet project's write ran after %d writes of the busy project", i)
	}
	// One revision bump per transaction: at least n/maxGroupWrites of them.
	rev, _ := db.Revision(ctx, busy, rampart.FamilyWAF)
	if got := rev - rev0; got < int64(n/maxGroupWrites)+1 {
		t.Fatalf("the busy project's %d writes took %d transactions; at most %d writes fit in one", n, got, maxGroupWrites)
	}
}
