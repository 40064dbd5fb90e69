package sqlite

import (
	"context"
	"database/sql"

	"github.com/rampartsec/rampart/internal/rampart"
	"github.com/rampartsec/rampart/internal/storeform"
	"github.com/rampartsec/rampart/internal/waf"
)

const hostColumns = `h.id, h.project_id, h.enterprise_project_id, h.hostname, h.policy_id, p.name, h.servers, h.proxy,
	h.lb_algorithm, h.protect_status, h.access_status, h.access_code, h.settings, h.created_at`

const hostFrom = ` FROM waf_hosts h JOIN waf_policies p ON p.id = h.policy_id`

func scanHost(s wafScanner) (*waf.Host, error) {
	var h waf.Host
	var servers, settings string
	var created int64
	if err := s.Scan(&h.ID, &h.ProjectID, &h.EnterpriseProjectID, &h.Hostname, &h.PolicyID, &h.PolicyName, &servers,
		&h.Proxy, &h.LBAlgorithm, &h.ProtectStatus, &h.AccessStatus, &h.AccessCode, &settings, &created); err != nil {
		return nil, err
	}
	h.CreatedAt = fromMillis(created)
	if err := storeform.DecodeHost(&h, []byte(servers), []byte(settings)); err != nil {
		return nil, unreadable("waf_hosts", h.ID, err)
	}
	return &h, nil
}

// CreateHost implements waf.Store.
func (db *DB) CreateHost(ctx context.Context, h *waf.Host, newPolicy *waf.Policy) error {
	return db.wafWrite(ctx, h.ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		if newPolicy != nil {
			if err := insertPolicy(ctx, tx, newPolicy); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM waf_policies WHERE id = ? AND project_id = ?`,
			h.PolicyID, h.ProjectID).Scan(&h.PolicyName); err == sql.ErrNoRows {
			return waf.NotFound("policy", h.PolicyID)
		} else if err != nil {
			return err
		}
		if err := hostCertificate(ctx, tx, h); err != nil {
			return err
		}
		// Host names are case-insensitive (the data plane serves one host
		// per name), while the UNIQUE constraint compares them exactly.
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM waf_hosts WHERE project_id = ? AND hostname = ? COLLATE NOCASE`,
			h.ProjectID, h.Hostname).Scan(&one); err {
		case nil:
			return rampart.Errorf(rampart.KindConflict, "Resource already exists.")
		case sql.ErrNoRows:
		default:
			return err
		}
		servers, settings := storeform.EncodeHost(h)
		_, err := tx.ExecContext(ctx, `INSERT INTO waf_hosts (id, project_id, enterprise_project_id, hostname, policy_id, servers,
			proxy, lb_algorithm, protect_status, access_status, access_code, settings, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.ID, h.ProjectID, h.EnterpriseProjectID, h.Hostname, h.PolicyID, servers, h.Proxy, h.LBAlgorithm,
			h.ProtectStatus, h.AccessStatus, h.AccessCode, settings, millis(h.CreatedAt))
		return err
	})
}

func findHost(ctx context.Context, tx *sql.Tx, projectID, id string) (*waf.Host, error) {
	h, err := scanHost(tx.QueryRowContext(ctx, `SELECT `+hostColumns+hostFrom+` WHERE h.id = ? AND h.project_id = ?`, id, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("host", id)
	}
	return h, err
}

// FindHost implements waf.Store.
func (db *DB) FindHost(ctx context.Context, projectID, id string) (*waf.Host, error) {
	var h *waf.Host
	err := db.readTx(ctx, func(tx *sql.Tx) (err error) {
		h, err = findHost(ctx, tx, projectID, id)
		return err
	})
	return h, err
}

// FindHosts implements waf.Store.
func (db *DB) FindHosts(ctx context.Context, f waf.HostFilter) ([]*waf.Host, int, error) {
	where := "h.project_id = ?"
	args := []any{f.ProjectID}
	if f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND h.enterprise_project_id = ?"
		args = append(args, f.EnterpriseProjectID)
	}
	if f.Hostname != "" {
		where += ` AND h.hostname LIKE ? ESCAPE '\'`
		args = append(args, wafLike(f.Hostname))
	}
	if f.PolicyName != "" {
		where += ` AND p.name LIKE ? ESCAPE '\'`
		args = append(args, wafLike(f.PolicyName))
	}
	var out []*waf.Host
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = wafCount(ctx, tx, `SELECT COUNT(*)`+hostFrom+` WHERE `+where, args...); err != nil {
			return err
		}
		limit, offset := wafLimit(f.Page)
		out, err = db.queryHosts(ctx, tx, `SELECT `+hostColumns+hostFrom+` WHERE `+where+` ORDER BY h.seq LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		return err
	})
	return out, total, err
}

// AllHosts implements waf.Store.
func (db *DB) AllHosts(ctx context.Context) ([]*waf.Host, error) {
	var out []*waf.Host
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = db.queryHosts(ctx, tx, `SELECT `+hostColumns+hostFrom+` ORDER BY h.seq`)
		return err
	})
	return out, err
}

// queryHosts runs a query selecting hostColumns and scans the hosts,
// skipping unreadable ones.
func (db *DB) queryHosts(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]*waf.Host, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanAll(db, rows, scanHost)
}

// UpdateHost implements waf.Store.
func (db *DB) UpdateHost(ctx context.Context, projectID, id string, fn func(*waf.Host) error) (*waf.Host, error) {
	var h *waf.Host
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if h, err = findHost(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := fn(h); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM waf_policies WHERE id = ? AND project_id = ?`,
			h.PolicyID, projectID).Scan(&h.PolicyName); err == sql.ErrNoRows {
			return waf.NotFound("policy", h.PolicyID)
		} else if err != nil {
			return err
		}
		if err := hostCertificate(ctx, tx, h); err != nil {
			return err
		}
		servers, settings := storeform.EncodeHost(h)
		_, err = tx.ExecContext(ctx, `UPDATE waf_hosts SET policy_id = ?, servers = ?, proxy = ?, lb_algorithm = ?,
			protect_status = ?, access_status = ?, settings = ? WHERE id = ?`,
			h.PolicyID, servers, h.Proxy, h.LBAlgorithm, h.ProtectStatus, h.AccessStatus, settings, h.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// DeleteHost implements waf.Store.
func (db *DB) DeleteHost(ctx context.Context, projectID, id string) (*waf.Host, error) {
	var h *waf.Host
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if h, err = findHost(ctx, tx, projectID, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM waf_hosts WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}
