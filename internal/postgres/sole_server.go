package postgres

import (
	"context"
	"errors"
	"fmt"
)

// lockSoleServer is the advisory lock key an API server holds for as long
// as it runs (see ClaimSoleServer).
const lockSoleServer = 0x52414d06

// ErrServerRunning is ClaimSoleServer's error when another API server
// holds the store.
var ErrServerRunning = errors.New("postgres: another rampart serve runs on this store (one API server per PostgreSQL store until several nodes are supported)")

// ClaimSoleServer takes, on a connection of its own kept outside the
// pool, the session advisory lock that lets one API server at a time run
// on this store, and returns the function that gives it back. Several API
// nodes on one store are not supported yet: their SecMaster workers,
// lockout counters and caches do not coordinate. The lock ends with the
// connection, so a server that dies releases it; a server whose
// connection is cut loses it silently.
func (db *DB) ClaimSoleServer(ctx context.Context) (release func(), err error) {
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	conn := pc.Hijack()
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext(current_schema()))`, lockSoleServer).Scan(&ok); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("postgres: server lock: %w", err)
	}
	if !ok {
		conn.Close(ctx)
		return nil, ErrServerRunning
	}
	return func() { conn.Close(context.WithoutCancel(ctx)) }, nil
}
