package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/rampartsec/rampart/internal/waf"
)

const certColumns = `c.id, c.project_id, c.enterprise_project_id, c.name, c.content, c.key, c.expire_time, c.created_at`

func scanCertificate(s wafScanner) (*waf.Certificate, error) {
	var c waf.Certificate
	var exp, created int64
	if err := s.Scan(&c.ID, &c.ProjectID, &c.EnterpriseProjectID, &c.Name, &c.Content, &c.Key, &exp, &created); err != nil {
		return nil, err
	}
	c.ExpireTime, c.CreatedAt = fromMillis(exp), fromMillis(created)
	c.Hosts = []waf.BoundHost{}
	return &c, nil
}

// certHostsWhere matches the hosts of a project using certificate ?
// (over the waf_hosts_certificate expression index).
const certHostsWhere = `project_id = ? AND json_extract(settings, '$.certificateid') = ?`

// certificateHosts fills the hosts using c.
func certificateHosts(ctx context.Context, tx *sql.Tx, c *waf.Certificate) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, hostname FROM waf_hosts WHERE `+certHostsWhere+` ORDER BY seq`, c.ProjectID, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		h := waf.BoundHost{WAFType: "cloud"}
		if err := rows.Scan(&h.ID, &h.Hostname); err != nil {
			return err
		}
		c.Hosts = append(c.Hosts, h)
	}
	return rows.Err()
}

func findCertificate(ctx context.Context, tx *sql.Tx, projectID, id string) (*waf.Certificate, error) {
	c, err := scanCertificate(tx.QueryRowContext(ctx, `SELECT `+certColumns+` FROM waf_certificates c WHERE c.id = ? AND c.project_id = ?`, id, projectID))
	if err == sql.ErrNoRows {
		return nil, waf.NotFound("certificate", id)
	}
	if err != nil {
		return nil, err
	}
	return c, certificateHosts(ctx, tx, c)
}

// hostCertificate checks the certificate a host references and gives the
// host its name; a host without one is left alone.
func hostCertificate(ctx context.Context, tx *sql.Tx, h *waf.Host) error {
	if h.CertificateID == "" {
		return nil
	}
	err := tx.QueryRowContext(ctx, `SELECT name FROM waf_certificates WHERE id = ? AND project_id = ?`, h.CertificateID, h.ProjectID).
		Scan(&h.CertificateName)
	if err == sql.ErrNoRows {
		return waf.NotFound("certificate", h.CertificateID)
	}
	return err
}

// Certificate implements waf.CertificateSource.
func (db *DB) Certificate(ctx context.Context, projectID, id string) (*waf.Certificate, error) {
	var c *waf.Certificate
	err := db.readTx(ctx, func(tx *sql.Tx) (err error) {
		c, err = findCertificate(ctx, tx, projectID, id)
		return err
	})
	return c, err
}

// CreateCertificate implements waf.Store.
func (db *DB) CreateCertificate(ctx context.Context, c *waf.Certificate) error {
	return db.wafWrite(ctx, c.ProjectID, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO waf_certificates (id, project_id, enterprise_project_id, name, content, key,
			expire_time, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.ProjectID, c.EnterpriseProjectID, c.Name,
			c.Content, c.Key, millis(c.ExpireTime), millis(c.CreatedAt))
		if c.Hosts == nil {
			c.Hosts = []waf.BoundHost{}
		}
		return err
	})
}

// FindCertificates implements waf.Store.
func (db *DB) FindCertificates(ctx context.Context, f waf.CertificateFilter) ([]*waf.Certificate, int, error) {
	where := "c.project_id = ?"
	args := []any{f.ProjectID}
	if f.EnterpriseProjectID != waf.AllEnterpriseProjects {
		where += " AND c.enterprise_project_id = ?"
		args = append(args, f.EnterpriseProjectID)
	}
	if f.Name != "" {
		where += ` AND c.name LIKE ? ESCAPE '\'`
		args = append(args, wafLike(f.Name))
	}
	if f.Bound != nil {
		op := "NOT EXISTS"
		if *f.Bound {
			op = "EXISTS"
		}
		where += " AND " + op + ` (SELECT 1 FROM waf_hosts WHERE project_id = c.project_id AND json_extract(settings, '$.certificateid') = c.id)`
	}
	if f.ExpStatus != nil {
		now, soon := millis(f.Now), millis(f.Now.Add(30*24*time.Hour))
		switch *f.ExpStatus {
		case waf.CertExpired:
			where += " AND c.expire_time <= ?"
			args = append(args, now)
		case waf.CertExpiring:
			where += " AND c.expire_time > ? AND c.expire_time <= ?"
			args = append(args, now, soon)
		default:
			where += " AND c.expire_time > ?"
			args = append(args, soon)
		}
	}
	var out []*waf.Certificate
	var total int
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if total, err = wafCount(ctx, tx, `SELECT COUNT(*) FROM waf_certificates c WHERE `+where, args...); err != nil {
			return err
		}
		limit, offset := wafLimit(f.Page)
		rows, err := tx.QueryContext(ctx, `SELECT `+certColumns+` FROM waf_certificates c WHERE `+where+` ORDER BY c.seq LIMIT ? OFFSET ?`,
			append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCertificate(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range out {
			if err := certificateHosts(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return out, total, err
}

// UpdateCertificate implements waf.Store.
func (db *DB) UpdateCertificate(ctx context.Context, projectID, id string, fn func(*waf.Certificate) error) (*waf.Certificate, error) {
	var c *waf.Certificate
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = findCertificate(ctx, tx, projectID, id); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE waf_certificates SET name = ?, content = ?, key = ?, expire_time = ? WHERE id = ?`,
			c.Name, c.Content, c.Key, millis(c.ExpireTime), c.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE waf_hosts SET settings = json_set(settings, '$.certificatename', ?) WHERE `+certHostsWhere,
			c.Name, projectID, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteCertificate implements waf.Store.
func (db *DB) DeleteCertificate(ctx context.Context, projectID, id string) (*waf.Certificate, error) {
	var c *waf.Certificate
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = findCertificate(ctx, tx, projectID, id); err != nil {
			return err
		}
		if len(c.Hosts) > 0 {
			return waf.ErrInUse("The certificate %s is used by host %s; give the host another certificate first.", id, c.Hosts[0].Hostname)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM waf_certificates WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ApplyCertificate implements waf.Store.
func (db *DB) ApplyCertificate(ctx context.Context, projectID, id string, hostIDs []string) (*waf.Certificate, error) {
	var c *waf.Certificate
	err := db.wafWrite(ctx, projectID, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if c, err = findCertificate(ctx, tx, projectID, id); err != nil {
			return err
		}
		for _, hid := range hostIDs {
			res, err := tx.ExecContext(ctx, `UPDATE waf_hosts SET settings = json_set(settings, '$.certificateid', ?, '$.certificatename', ?)
				WHERE id = ? AND project_id = ?`, c.ID, c.Name, hid, projectID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return waf.NotFound("host", hid)
			}
		}
		c.Hosts = c.Hosts[:0]
		return certificateHosts(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
