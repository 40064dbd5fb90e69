package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// changeLog is what the out-of-order test needs of a change log: a write
// of the row named key in a caller's transaction, and a reader that
// returns the keys written after a cursor with the cursor to pass next.
type changeLog struct {
	write func(ctx context.Context, tx pgx.Tx, key string) error
	read  func(ctx context.Context, after int64) (keys []string, cursor int64, err error)
}

// testLogNeverSkipsALaterCommit runs two writers of a change log: the
// first is still open when the second tries to write and commit. A reader
// between the two commits and another after both, each resuming from the
// cursor the previous read returned, must see both rows between them: the
// second writer cannot commit a higher seq while the first one's lower seq
// is uncommitted (without the log's lock it would, and the reader would
// skip the first one's row).
func testLogNeverSkipsALaterCommit(t *testing.T, db *DB, log changeLog) {
	ctx := context.Background()
	// An earlier committed write: the readers start after it.
	if err := db.writeTx(ctx, func(tx pgx.Tx) error { return log.write(ctx, tx, "k0") }); err != nil {
		t.Fatal(err)
	}
	_, start, err := log.read(ctx, 0)
	if err != nil || start == 0 {
		t.Fatalf("cursor after the first write = %d, %v", start, err)
	}
	first, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if err := log.write(ctx, first, "k1"); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() { second <- db.writeTx(ctx, func(tx pgx.Tx) error { return log.write(ctx, tx, "k2") }) }()
	select { // give the second writer every chance to commit first
	case err := <-second:
		second <- err
	case <-time.After(300 * time.Millisecond):
	}
	seen := map[string]bool{}
	read := func(after int64) int64 {
		t.Helper()
		keys, cursor, err := log.read(ctx, after)
		if err != nil {
			t.Fatalf("changes after %d: %v", after, err)
		}
		for _, k := range keys {
			seen[k] = true
		}
		return cursor
	}
	cursor := read(start)
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	read(cursor)
	if !seen["k1"] || !seen["k2"] || seen["k0"] {
		t.Fatalf("the readers saw %v; want k1 and k2 only", seen)
	}
}

func TestEnforcementChangesNeverSkipARowThatCommitsLater(t *testing.T) {
	db := openInternal(t)
	testLogNeverSkipsALaterCommit(t, db, changeLog{
		write: func(ctx context.Context, tx pgx.Tx, key string) error {
			_, err := tx.Exec(ctx, `INSERT INTO secmaster_enforcement (defense_id, policy_id, project_id, target_project_id,
				layer, category, object_type, object) VALUES ($1, 'p', 'p', 'tp', 'WAF', 'BLOCK', 'IP', '192.0.2.1')`, key)
			return err
		},
		read: func(ctx context.Context, after int64) ([]string, int64, error) {
			cur, gone, cursor, complete, err := db.EnforcementChanges(ctx, "tp", after)
			if err == nil && (!complete || len(gone) > 0) {
				t.Fatalf("changes after %d: complete %v, gone %v", after, complete, gone)
			}
			var keys []string
			for _, e := range cur {
				keys = append(keys, e.DefenseID)
			}
			return keys, cursor, err
		},
	})
}

func TestWhiteBlackIPChangesNeverSkipARuleThatCommitsLater(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	if _, err := db.pool.Exec(ctx, `INSERT INTO waf_policies (id, project_id, enterprise_project_id, name, level,
		full_detection, log_action_replaced, robot_action, action, followed_action_id, options, modulex_options, extend)
		VALUES ('pol', 'p', '0', 'policy', 1, false, false, 'log', 'log', '', '{}', '{}', '{}')`); err != nil {
		t.Fatal(err)
	}
	testLogNeverSkipsALaterCommit(t, db, changeLog{
		write: func(ctx context.Context, tx pgx.Tx, key string) error {
			_, err := tx.Exec(ctx, `INSERT INTO waf_whiteblackip_rules (id, project_id, policy_id, enterprise_project_id,
				name, addr, white, status, time_mode, start, terminal, description)
				VALUES ($1, 'p', 'pol', '0', $1, '192.0.2.1', 0, 1, 'permanent', 0, 0, '')`, key)
			return err
		},
		read: func(ctx context.Context, after int64) ([]string, int64, error) {
			ids, cursor, complete, err := db.WhiteBlackIPChanges(ctx, "p", after)
			if err == nil && !complete {
				t.Fatalf("changes after %d: incomplete", after)
			}
			return ids, cursor, err
		},
	})
}
