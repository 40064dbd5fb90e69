package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// groupWrite runs fn in a write transaction, bumps the project's revision
// of family in it (once per transaction, whatever the number of writes it
// carries) and returns once the transaction has committed.
//
// Concurrent writes are committed together ("group commit"): one caller,
// the leader, runs the writes queued so far (up to maxGroupWrites, taken
// round-robin between projects) in one transaction, each inside its own
// savepoint, then hands the lead to a caller whose write is still queued;
// so a write that fails is rolled back alone and the others commit; a
// write sees the writes of its project queued before it. A commit costs about as much as the small writes themselves,
// so this raises the throughput of concurrent clients without changing what
// a caller observes.
//
// fn gets a context that is never cancelled: the transaction carries other
// callers' writes too, and SQLite rolls the whole transaction back when a
// statement in it is interrupted, which the driver does when the
// statement's context is done. The caller's ctx still withdraws a write
// that has not started.
func (db *DB) groupWrite(ctx context.Context, family rampart.Family, projectID string, fn func(ctx context.Context, tx *sql.Tx) error) error {
	start := time.Now()
	defer func() { db.observer.ObserveStoreLatency(OpGroupWrite, time.Since(start)) }()
	q := &db.writeQueue
	j := &writeJob{ctx: ctx, rev: revKey{projectID, family}, fn: fn, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	db.writeMu.Lock()
	q.push(j)
	leader := !q.running
	q.running = true
	db.writeMu.Unlock()
	if leader {
		db.leadWrites()
	}
	select {
	case <-j.done:
	case <-j.lead:
		db.leadWrites()
		<-j.done
	}
	return j.err
}

// leadWrites commits up to maxGroupWrites queued writes, taken fairly
// between projects (see writeQueue), in one transaction, then hands the
// lead to the next queued write (whose caller is waiting), so that callers
// do not contend for the writer lock.
func (db *DB) leadWrites() {
	q := &db.writeQueue
	db.wmu.Lock()
	db.writeMu.Lock()
	jobs := q.take(maxGroupWrites)
	db.writeMu.Unlock()
	if len(jobs) > 0 {
		db.runWriteJobs(jobs)
	}
	db.wmu.Unlock()
	db.writeMu.Lock()
	if j := q.next(); j != nil {
		j.lead <- struct{}{}
	} else {
		q.running = false
	}
	db.writeMu.Unlock()
}

// revKey names one revision counter.
type revKey struct {
	projectID string
	family    rampart.Family
}

type writeJob struct {
	ctx  context.Context
	rev  revKey
	fn   func(ctx context.Context, tx *sql.Tx) error
	err  error
	done chan struct{} // closed once err is set
	lead chan struct{} // receives when this job's caller must lead the next batch
}

// runWriteJob runs one job's callback, turning a panic into an error so
// that the other jobs of the batch still complete.
func runWriteJob(j *writeJob, tx *sql.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sqlite: panic in a %s write: %v", j.rev.family, r)
		}
	}()
	return j.fn(context.WithoutCancel(j.ctx), tx)
}

// runWriteJobs runs jobs in one transaction; the caller holds db.wmu.
func (db *DB) runWriteJobs(jobs []*writeJob) {
	finish := func(err error) {
		for _, j := range jobs {
			if j.err == nil {
				j.err = err
			}
			close(j.done)
		}
	}
	ctx := context.Background()
	// A lone write needs no savepoint: its failure rolls the transaction
	// back. Batches use prepared savepoint statements (prepared before the
	// transaction takes the writer connection).
	var save, undo, release *sql.Stmt
	if len(jobs) > 1 {
		var err error
		for _, st := range []struct {
			dst   **sql.Stmt
			query string
		}{{&save, `SAVEPOINT group_write`}, {&undo, `ROLLBACK TO group_write`}, {&release, `RELEASE group_write`}} {
			if *st.dst, err = db.prepared(ctx, st.query); err != nil {
				finish(err)
				return
			}
		}
	}
	tx, err := db.wdb.BeginTx(ctx, nil)
	if err != nil {
		finish(formatError(err))
		return
	}
	defer tx.Rollback()
	report := db.trackRevisions(tx)
	defer func() { report(false) }() // a no-op once reported
	changed := map[revKey]bool{}     // counters of successful writes
	exec := func(st *sql.Stmt) error {
		_, err := tx.StmtContext(ctx, st).ExecContext(ctx)
		return formatError(err)
	}
	for _, j := range jobs {
		if err := j.ctx.Err(); err != nil {
			j.err = err
			continue
		}
		if save != nil {
			if err := exec(save); err != nil {
				finish(err)
				return
			}
		}
		err := runWriteJob(j, tx)
		if err == nil {
			changed[j.rev] = true
		}
		if err != nil {
			j.err = formatError(err)
			if save == nil {
				finish(nil) // the deferred rollback undoes the lone write
				return
			}
			if err := exec(undo); err != nil {
				finish(err) // the transaction is unusable: fail everyone
				return
			}
		}
		if release != nil {
			if err := exec(release); err != nil {
				finish(err)
				return
			}
		}
	}
	// One revision bump per counter per transaction: the decision engine
	// needs to see that something changed, not how many writes did.
	for k := range changed {
		if _, err := bumpRevision(ctx, tx, k.projectID, k.family); err != nil {
			finish(formatError(err))
			return
		}
	}
	err = tx.Commit()
	report(err == nil)
	finish(formatError(err))
}

// prepared returns query prepared on the writer connection (cached in
// db.stmts: SQLite parses a statement on every prepare, which is a large
// share of a small write), for use in a write transaction through
// tx.StmtContext (which reuses it on that connection). It must be called
// outside a transaction: the writer pool has one connection.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	return db.cachedStmt(ctx, db.wdb, query, query)
}

// readPrepared returns query prepared on the read pool (cached in
// db.stmts under the key "read " + query; database/sql prepares it on each
// read connection once), for queries run often, such as the revision
// polls (not timed as store reads: a poll is not an operation).
func (db *DB) readPrepared(ctx context.Context, query string) (*sql.Stmt, error) {
	return db.cachedStmt(ctx, db.rdb.DB, "read "+query, query)
}

// cachedStmt returns query prepared on pool, cached in db.stmts under key.
func (db *DB) cachedStmt(ctx context.Context, pool *sql.DB, key, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(key); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, formatError(err)
	}
	if prev, loaded := db.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}
