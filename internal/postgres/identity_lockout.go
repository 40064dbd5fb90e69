package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
)

// Lockouts implements rampart.IdentityStore.
func (db *DB) Lockouts(ctx context.Context) ([]rampart.Lockout, error) {
	return collect(ctx, db.pool, func(row pgx.Row) (rampart.Lockout, error) {
		var l rampart.Lockout
		var until *time.Time
		err := row.Scan(&l.Key, &l.Failures, &until)
		l.LockedUntil = unstamp(until)
		return l, err
	}, `SELECT key, failures, locked_until FROM lockouts`)
}

// SaveLockout implements rampart.IdentityStore.
func (db *DB) SaveLockout(ctx context.Context, l rampart.Lockout) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO lockouts (key, failures, locked_until) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
		l.Key, l.Failures, stamp(l.LockedUntil))
	return formatError(err)
}

// DeleteLockout implements rampart.IdentityStore.
func (db *DB) DeleteLockout(ctx context.Context, key string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM lockouts WHERE key = $1`, key)
	return formatError(err)
}

// DeleteExpiredLockouts implements rampart.IdentityStore.
func (db *DB) DeleteExpiredLockouts(ctx context.Context, before time.Time) (int64, error) {
	n, err := affected(db.pool.Exec(ctx, `DELETE FROM lockouts WHERE locked_until < $1`, stamp(before)))
	return n, formatError(err)
}
