package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// findRow runs a query selecting one row (FOR UPDATE appended when lock is
// set) and scans it; no row gives the error missing returns.
func findRow[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), missing func() error, lock bool,
	sql string, args ...any) (T, error) {
	if lock {
		sql += ` FOR UPDATE`
	}
	v, err := scan(q.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		var none T
		return none, missing()
	}
	return v, err
}

// attach reads the children of parents with query (whose one argument is
// the parents' IDs and whose rows scan into a parent ID and a child) and
// hands each child to add with its parent.
func attach[P, C any](ctx context.Context, q querier, parents []P, id func(P) string, add func(P, C),
	scan func(pgx.Row) (string, C, error), query string) error {
	if len(parents) == 0 {
		return nil
	}
	byID := make(map[string]P, len(parents))
	ids := make([]string, len(parents))
	for i, p := range parents {
		ids[i] = id(p)
		byID[ids[i]] = p
	}
	type child struct {
		parent string
		value  C
	}
	children, err := collect(ctx, q, func(row pgx.Row) (child, error) {
		var c child
		var err error
		c.parent, c.value, err = scan(row)
		return c, err
	}, query, ids)
	if err != nil {
		return err
	}
	for _, c := range children {
		if p, ok := byID[c.parent]; ok {
			add(p, c.value)
		}
	}
	return nil
}

// wafModify loads an object with its row locked (find), lets fn change it,
// and stores it with save, in one WAF write of the project; it returns the
// object as stored. A delete passes a save that checks and deletes.
func wafModify[T any](ctx context.Context, db *DB, projectID string, find func(tx pgx.Tx) (T, error), fn func(T) error,
	save func(tx pgx.Tx, v T) error) (T, error) {
	var out T
	err := db.wafWrite(ctx, projectID, func(tx pgx.Tx) error {
		v, err := find(tx)
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(v); err != nil {
				return err
			}
		}
		if err := save(tx, v); err != nil {
			return err
		}
		out = v
		return nil
	})
	if err != nil {
		var none T
		return none, err
	}
	return out, nil
}
