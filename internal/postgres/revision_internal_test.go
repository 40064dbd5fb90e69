package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/postgres/pgtest"
	"github.com/rampartsec/rampart/internal/rampart"
)

// openInternal opens a store in a fresh schema of the test server.
func openInternal(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.Schema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Two writers of one project's counter commit out of order of their
// start: the second bumps while the first is still open. The second waits
// on the counter's row, so a reader sees revision 1 only once the first
// has committed and revision 2 only after that: a reader that resumes
// after the revision it saw never skips a write.
func TestRevisionsBecomeVisibleInOrderUnderConcurrentCommits(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	const project = "0123456789abcdef0123456789abcdef"

	first, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if rev, err := bumpRevision(ctx, first, project, rampart.FamilyWAF); err != nil || rev != 1 {
		t.Fatalf("first bump = %d, %v; want 1", rev, err)
	}

	second := make(chan int64, 1)
	errs := make(chan error, 1)
	go func() {
		var rev int64
		errs <- db.writeTx(ctx, func(tx pgx.Tx) error {
			var err error
			rev, err = bumpRevision(ctx, tx, project, rampart.FamilyWAF)
			return err
		})
		second <- rev
	}()

	// The second writer is blocked behind the first one's row lock: its
	// commit cannot come first.
	select {
	case err := <-errs:
		t.Fatalf("the second bump committed while the first was open (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	if rev, err := db.Revision(ctx, project, rampart.FamilyWAF); err != nil || rev != 0 {
		t.Fatalf("a reader sees revision %d, %v before any commit; want 0", rev, err)
	}
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if rev := <-second; rev != 2 {
		t.Fatalf("second bump = %d, want 2", rev)
	}
	if rev, err := db.Revision(ctx, project, rampart.FamilyWAF); err != nil || rev != 2 {
		t.Fatalf("revision after both commits = %d, %v; want 2", rev, err)
	}
}

// A writer that rolls back leaves no gap a reader could wait on: the next
// writer takes the number the rolled-back one had.
func TestRolledBackBumpLeavesNoGap(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	const project = "fedcba9876543210fedcba9876543210"
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bumpRevision(ctx, tx, project, rampart.FamilySecMaster); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var rev int64
	err = db.writeTx(ctx, func(tx pgx.Tx) error {
		var err error
		rev, err = bumpRevision(ctx, tx, project, rampart.FamilySecMaster)
		return err
	})
	if err != nil || rev != 1 {
		t.Fatalf("bump after a rollback = %d, %v; want 1", rev, err)
	}
}
