package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

var _ bouncer.Store = (*DB)(nil)

// CreateBouncer implements bouncer.Store.
func (db *DB) CreateBouncer(ctx context.Context, k bouncer.Key) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO bouncer_keys (id, name, project_id, layer, key_hash, created_at, last_pull_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, k.Name, k.ProjectID, k.Layer.String(), k.Hash, stamp(k.CreatedAt), stamp(k.LastPull))
	return formatError(err)
}

const bouncerColumns = `id, name, project_id, layer, key_hash, created_at, last_pull_at`

func scanBouncer(row pgx.Row) (bouncer.Key, error) {
	var k bouncer.Key
	var layer string
	var created time.Time
	var pulled *time.Time
	if err := row.Scan(&k.ID, &k.Name, &k.ProjectID, &layer, &k.Hash, &created, &pulled); err != nil {
		return bouncer.Key{}, err
	}
	l, ok := decision.ParseLayer(layer)
	if !ok {
		return bouncer.Key{}, rampart.Errorf(rampart.KindInternal, "bouncer %s: stored layer %q", k.Name, layer)
	}
	k.Layer, k.CreatedAt, k.LastPull = l, created.UTC(), unstamp(pulled)
	return k, nil
}

// Bouncers implements bouncer.Store.
func (db *DB) Bouncers(ctx context.Context) ([]bouncer.Key, error) {
	return collect(ctx, db.pool, scanBouncer, `SELECT `+bouncerColumns+` FROM bouncer_keys ORDER BY name`)
}

// BouncerByHash implements bouncer.Store.
func (db *DB) BouncerByHash(ctx context.Context, hash string) (bouncer.Key, error) {
	k, err := scanBouncer(db.pool.QueryRow(ctx, `SELECT `+bouncerColumns+` FROM bouncer_keys WHERE key_hash = $1`, hash))
	return k, formatError(err)
}

// DeleteBouncer implements bouncer.Store. Its sent deltas go with it (ON
// DELETE CASCADE).
func (db *DB) DeleteBouncer(ctx context.Context, name string) error {
	return formatError(mustAffect(db.pool.Exec(ctx, `DELETE FROM bouncer_keys WHERE name = $1`, name)))
}

// TouchBouncer implements bouncer.Store.
func (db *DB) TouchBouncer(ctx context.Context, id string, at time.Time) error {
	return formatError(mustAffect(db.pool.Exec(ctx, `UPDATE bouncer_keys SET last_pull_at = $1 WHERE id = $2`, stamp(at), id)))
}

// ResetSent implements bouncer.Store.
func (db *DB) ResetSent(ctx context.Context, id string, snapshot []byte) error {
	if snapshot == nil {
		snapshot = []byte{}
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		if err := mustAffect(tx.Exec(ctx, `UPDATE bouncer_keys SET sent = $1 WHERE id = $2`, snapshot, id)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM bouncer_sent_deltas WHERE bouncer_id = $1`, id)
		return err
	})
}

// AppendSent implements bouncer.Store. The key's row is locked first, so
// the appends (and resets) of one key follow each other and a delta's seq
// is its place in the order of writing.
func (db *DB) AppendSent(ctx context.Context, id string, delta []byte) error {
	if delta == nil {
		delta = []byte{}
	}
	return db.writeTx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM bouncer_keys WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
			return notFound(err, "Bouncer not found.")
		}
		_, err := tx.Exec(ctx, `INSERT INTO bouncer_sent_deltas (bouncer_id, delta) VALUES ($1, $2)`, id, delta)
		return err
	})
}

// Sent implements bouncer.Store.
func (db *DB) Sent(ctx context.Context, id string) (snapshot []byte, deltas [][]byte, err error) {
	err = db.readTx(ctx, func(tx pgx.Tx) error {
		var has bool
		if err := tx.QueryRow(ctx, `SELECT sent IS NOT NULL, sent FROM bouncer_keys WHERE id = $1`, id).Scan(&has, &snapshot); err != nil {
			return err
		}
		switch {
		case !has:
			snapshot = nil
		case snapshot == nil:
			snapshot = []byte{} // an empty snapshot: nothing sent, unlike none
		}
		rows, _ := tx.Query(ctx, `SELECT delta FROM bouncer_sent_deltas WHERE bouncer_id = $1 ORDER BY seq`, id)
		all, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		if len(all) > 0 {
			deltas = all
		}
		return err
	})
	return snapshot, deltas, err
}
