package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const hostColumns = `h.id, h.project_id, h.enterprise_project_id, h.hostname, h.policy_id, p.name, h.servers, h.proxy,
	h.lb_algorithm, h.protect_status, h.access_status, h.access_code, h.settings, h.created_at`

const hostFrom = ` FROM waf_hosts h JOIN waf_policies p ON p.id = h.policy_id`

func scanHost(row pgx.Row) (*waf.Host, error) {
	var h waf.Host
	var servers, settings []byte
	var created *time.Time
	if err := row.Scan(&h.ID, &h.ProjectID, &h.EnterpriseProjectID, &h.Hostname, &h.PolicyID, &h.PolicyName, &servers,
		&h.Proxy, &h.LBAlgorithm, &h.ProtectStatus, &h.AccessStatus, &h.AccessCode, &settings, &created); err != nil {
		return nil, err
	}
	h.CreatedAt = unstamp(created)
	if err := storeform.DecodeHost(&h, servers, settings); err != nil {
		return nil, unreadable("waf_hosts", h.ID, err)
	}
	return &h, nil
}

// hostPolicy checks the policy a host points to and gives the host its
// name; the policy's row is share-locked until the transaction ends.
func hostPolicy(ctx context.Context, tx pgx.Tx, h *waf.Host) error {
	err := tx.QueryRow(ctx, `SELECT name FROM waf_policies WHERE id = $1 AND project_id = $2 FOR SHARE`,
		h.PolicyID, h.ProjectID).Scan(&h.PolicyName)
	if errors.Is(err, pgx.ErrNoRows) {
		return waf.NotFound("policy", h.PolicyID)
	}
	return err
}

// CreateHost implements waf.Store. Host names are unique per project
// regardless of case (the unique index on lower(hostname)).
func (db *DB) CreateHost(ctx context.Context, h *waf.Host, newPolicy *waf.Policy) error {
	return db.wafWrite(ctx, h.ProjectID, func(tx pgx.Tx) error {
		if newPolicy != nil {
			if err := insertPolicy(ctx, tx, newPolicy); err != nil {
				return err
			}
		}
		if err := hostPolicy(ctx, tx, h); err != nil {
			return err
		}
		if err := hostCertificate(ctx, tx, h); err != nil {
			return err
		}
		servers, settings := storeform.EncodeHost(h)
		_, err := tx.Exec(ctx, `INSERT INTO waf_hosts (id, project_id, enterprise_project_id, hostname, policy_id, servers,
			proxy, lb_algorithm, protect_status, access_status, access_code, settings, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			h.ID, h.ProjectID, h.EnterpriseProjectID, h.Hostname, h.PolicyID, servers, h.Proxy, h.LBAlgorithm,
			h.ProtectStatus, h.AccessStatus, h.AccessCode, settings, stamp(h.CreatedAt))
		return err
	})
}

// findHost reads a host of the project; lock adds FOR UPDATE of its row.
func findHost(ctx context.Context, q querier, projectID, id string, lock bool) (*waf.Host, error) {
	sql := `SELECT ` + hostColumns + hostFrom + ` WHERE h.id = $1 AND h.project_id = $2`
	if lock {
		sql += ` FOR UPDATE OF h`
	}
	return findRow(ctx, q, scanHost, func() error { return waf.NotFound("host", id) }, false, sql, id, projectID)
}

// FindHost implements waf.Store.
func (db *DB) FindHost(ctx context.Context, projectID, id string) (*waf.Host, error) {
	h, err := findHost(ctx, db.pool, projectID, id, false)
	return h, formatError(err)
}

// FindHosts implements waf.Store.
func (db *DB) FindHosts(ctx context.Context, f waf.HostFilter) ([]*waf.Host, int, error) {
	var a sqlArgs
	where := "h.project_id = " + a.add(f.ProjectID)
	if f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND h.enterprise_project_id = " + a.add(f.EnterpriseProjectID)
	}
	if f.Hostname != "" {
		where += " AND h.hostname LIKE " + a.add("%"+likeEscape(f.Hostname)+"%")
	}
	if f.PolicyName != "" {
		where += " AND p.name LIKE " + a.add("%"+likeEscape(f.PolicyName)+"%")
	}
	var out []*waf.Host
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*)`+hostFrom+` WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		page := a
		rows, err := tx.Query(ctx, `SELECT `+hostColumns+hostFrom+` WHERE `+where+` ORDER BY h.seq LIMIT `+
			page.add(wafPageLimit(f.Page))+` OFFSET `+page.add(f.Page.Offset), page...)
		if err != nil {
			return err
		}
		out, err = collectReadable(db, rows, scanHost)
		return err
	})
	return out, total, err
}

// AllHosts implements waf.Store.
func (db *DB) AllHosts(ctx context.Context) ([]*waf.Host, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+hostColumns+hostFrom+` ORDER BY h.seq`)
	if err != nil {
		return nil, formatError(err)
	}
	out, err := collectReadable(db, rows, scanHost)
	return out, formatError(err)
}

// UpdateHost implements waf.Store.
func (db *DB) UpdateHost(ctx context.Context, projectID, id string, fn func(*waf.Host) error) (*waf.Host, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.Host, error) { return findHost(ctx, tx, projectID, id, true) }, fn,
		func(tx pgx.Tx, h *waf.Host) error {
			if err := hostPolicy(ctx, tx, h); err != nil {
				return err
			}
			if err := hostCertificate(ctx, tx, h); err != nil {
				return err
			}
			servers, settings := storeform.EncodeHost(h)
			_, err := tx.Exec(ctx, `UPDATE waf_hosts SET policy_id = $1, servers = $2, proxy = $3, lb_algorithm = $4,
				protect_status = $5, access_status = $6, settings = $7 WHERE id = $8`,
				h.PolicyID, servers, h.Proxy, h.LBAlgorithm, h.ProtectStatus, h.AccessStatus, settings, h.ID)
			return err
		})
}

// DeleteHost implements waf.Store.
func (db *DB) DeleteHost(ctx context.Context, projectID, id string) (*waf.Host, error) {
	return wafModify(ctx, db, projectID, func(tx pgx.Tx) (*waf.Host, error) { return findHost(ctx, tx, projectID, id, true) }, nil,
		func(tx pgx.Tx, h *waf.Host) error {
			_, err := tx.Exec(ctx, `DELETE FROM waf_hosts WHERE id = $1`, id)
			return err
		})
}
