package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/rampartsec/rampart/internal/bouncer"
	"github.com/rampartsec/rampart/internal/decision"
	"github.com/rampartsec/rampart/internal/rampart"
)

var _ bouncer.Store = (*DB)(nil)

// CreateBouncer implements bouncer.Store.
func (db *DB) CreateBouncer(ctx context.Context, k bouncer.Key) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bouncer_keys (id, name, project_id, layer, key_hash, created_at, last_pull_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, k.Name, k.ProjectID, k.Layer.String(), k.Hash, millis(k.CreatedAt), millis(k.LastPull))
		return err
	})
}

const bouncerColumns = `id, name, project_id, layer, key_hash, created_at, last_pull_at`

func scanBouncer(row interface{ Scan(...any) error }) (bouncer.Key, error) {
	var k bouncer.Key
	var layer string
	var created, pulled int64
	if err := row.Scan(&k.ID, &k.Name, &k.ProjectID, &layer, &k.Hash, &created, &pulled); err != nil {
		return bouncer.Key{}, err
	}
	l, ok := decision.ParseLayer(layer)
	if !ok {
		return bouncer.Key{}, rampart.Errorf(rampart.KindInternal, "bouncer %s: stored layer %q", k.Name, layer)
	}
	k.Layer, k.CreatedAt, k.LastPull = l, fromMillis(created), fromMillis(pulled)
	return k, nil
}

// Bouncers implements bouncer.Store.
func (db *DB) Bouncers(ctx context.Context) ([]bouncer.Key, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+bouncerColumns+` FROM bouncer_keys ORDER BY name`)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []bouncer.Key
	for rows.Next() {
		k, err := scanBouncer(rows)
		if err != nil {
			return nil, formatError(err)
		}
		out = append(out, k)
	}
	return out, formatError(rows.Err())
}

// BouncerByHash implements bouncer.Store.
func (db *DB) BouncerByHash(ctx context.Context, hash string) (bouncer.Key, error) {
	k, err := scanBouncer(db.rdb.QueryRowContext(ctx, `SELECT `+bouncerColumns+` FROM bouncer_keys WHERE key_hash = ?`, hash))
	return k, formatError(err)
}

// DeleteBouncer implements bouncer.Store.
func (db *DB) DeleteBouncer(ctx context.Context, name string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM bouncer_sent_deltas WHERE bouncer_id = (SELECT id FROM bouncer_keys WHERE name = ?)`, name); err != nil {
			return err
		}
		return mustAffect(tx.ExecContext(ctx, `DELETE FROM bouncer_keys WHERE name = ?`, name))
	})
}

// TouchBouncer implements bouncer.Store.
func (db *DB) TouchBouncer(ctx context.Context, id string, at time.Time) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, `UPDATE bouncer_keys SET last_pull_at = ? WHERE id = ?`, millis(at), id))
	})
}

// ResetSent implements bouncer.Store.
func (db *DB) ResetSent(ctx context.Context, id string, snapshot []byte) error {
	if snapshot == nil {
		snapshot = []byte{}
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE bouncer_keys SET sent = ? WHERE id = ?`, snapshot, id)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM bouncer_sent_deltas WHERE bouncer_id = ?`, id)
		return err
	})
}

// AppendSent implements bouncer.Store.
func (db *DB) AppendSent(ctx context.Context, id string, delta []byte) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bouncer_sent_deltas (bouncer_id, seq, delta)
			SELECT ?, COALESCE(MAX(seq), 0) + 1, ? FROM bouncer_sent_deltas WHERE bouncer_id = ?`, id, delta, id)
		return err
	})
}

// Sent implements bouncer.Store.
func (db *DB) Sent(ctx context.Context, id string) (snapshot []byte, deltas [][]byte, err error) {
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		var has bool
		if err := tx.QueryRowContext(ctx, `SELECT sent IS NOT NULL, sent FROM bouncer_keys WHERE id = ?`, id).Scan(&has, &snapshot); err != nil {
			return err
		}
		if has && snapshot == nil {
			snapshot = []byte{} // an empty snapshot: nothing sent, unlike none
		}
		rows, err := tx.QueryContext(ctx, `SELECT delta FROM bouncer_sent_deltas WHERE bouncer_id = ? ORDER BY seq`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d []byte
			if err := rows.Scan(&d); err != nil {
				return err
			}
			deltas = append(deltas, d)
		}
		return rows.Err()
	})
	return snapshot, deltas, formatError(err)
}
