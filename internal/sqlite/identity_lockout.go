package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Lockouts implements rampart.IdentityStore.
func (db *DB) Lockouts(ctx context.Context) ([]rampart.Lockout, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT key, failures, locked_until FROM lockouts`)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []rampart.Lockout
	for rows.Next() {
		var l rampart.Lockout
		var until int64
		if err := rows.Scan(&l.Key, &l.Failures, &until); err != nil {
			return nil, formatError(err)
		}
		l.LockedUntil = fromMillis(until)
		out = append(out, l)
	}
	return out, formatError(rows.Err())
}

// SaveLockout implements rampart.IdentityStore.
func (db *DB) SaveLockout(ctx context.Context, l rampart.Lockout) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO lockouts (key, failures, locked_until) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
			l.Key, l.Failures, millis(l.LockedUntil))
		return err
	})
}

// DeleteLockout implements rampart.IdentityStore.
func (db *DB) DeleteLockout(ctx context.Context, key string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM lockouts WHERE key = ?`, key)
		return err
	})
}

// DeleteExpiredLockouts implements rampart.IdentityStore.
func (db *DB) DeleteExpiredLockouts(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM lockouts WHERE locked_until != 0 AND locked_until < ?`, millis(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
