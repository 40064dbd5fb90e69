package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/waf"
)

const certColumns = `t.id, t.project_id, t.enterprise_project_id, t.name, t.content, t.key, t.expire_time, t.created_at`

func scanCertificate(row pgx.Row) (*waf.Certificate, error) {
	var c waf.Certificate
	var exp, created *time.Time
	if err := row.Scan(&c.ID, &c.ProjectID, &c.EnterpriseProjectID, &c.Name, &c.Content, &c.Key, &exp, &created); err != nil {
		return nil, err
	}
	c.ExpireTime, c.CreatedAt = unstamp(exp), unstamp(created)
	c.Hosts = []waf.BoundHost{}
	return &c, nil
}

// certHostsWhere matches the hosts of project $1 using certificate $2
// (over the waf_hosts_certificate expression index).
const certHostsWhere = `project_id = $1 AND settings ->> 'certificateid' = $2`

// certificateHosts fills the hosts using c.
func certificateHosts(ctx context.Context, q querier, c *waf.Certificate) error {
	hs, err := collect(ctx, q, func(row pgx.Row) (waf.BoundHost, error) {
		h := waf.BoundHost{WAFType: "cloud"}
		err := row.Scan(&h.ID, &h.Hostname)
		return h, err
	}, `SELECT id, hostname FROM waf_hosts WHERE `+certHostsWhere+` ORDER BY seq`, c.ProjectID, c.ID)
	c.Hosts = append(c.Hosts[:0], hs...)
	return err
}

// findCertificate reads a certificate of the project with its hosts; lock
// adds FOR UPDATE of its row.
func findCertificate(ctx context.Context, q querier, projectID, id string, lock bool) (*waf.Certificate, error) {
	c, err := findRow(ctx, q, scanCertificate, func() error { return waf.NotFound("certificate", id) }, lock,
		`SELECT `+certColumns+` FROM waf_certificates t WHERE t.id = $1 AND t.project_id = $2`, id, projectID)
	if err != nil {
		return nil, err
	}
	return c, certificateHosts(ctx, q, c)
}

// hostCertificate checks the certificate a host references and gives the
// host its name (the certificate's row is share-locked, so that a
// concurrent deletion waits and then sees the host); a host without one is
// left alone.
func hostCertificate(ctx context.Context, tx pgx.Tx, h *waf.Host) error {
	if h.CertificateID == "" {
		return nil
	}
	err := tx.QueryRow(ctx, `SELECT name FROM waf_certificates WHERE id = $1 AND project_id = $2 FOR SHARE`,
		h.CertificateID, h.ProjectID).Scan(&h.CertificateName)
	if errors.Is(err, pgx.ErrNoRows) {
		return waf.NotFound("certificate", h.CertificateID)
	}
	return err
}

// Certificate implements waf.CertificateSource.
func (db *DB) Certificate(ctx context.Context, projectID, id string) (*waf.Certificate, error) {
	var c *waf.Certificate
	err := db.readTx(ctx, func(tx pgx.Tx) (err error) {
		c, err = findCertificate(ctx, tx, projectID, id, false)
		return err
	})
	return c, err
}

// CreateCertificate implements waf.Store.
func (db *DB) CreateCertificate(ctx context.Context, c *waf.Certificate) error {
	if c.Hosts == nil {
		c.Hosts = []waf.BoundHost{}
	}
	return db.wafWrite(ctx, c.ProjectID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO waf_certificates (id, project_id, enterprise_project_id, name, content, key,
			expire_time, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.ProjectID, c.EnterpriseProjectID, c.Name,
			c.Content, c.Key, stamp(c.ExpireTime), stamp(c.CreatedAt))
		return err
	})
}

// FindCertificates implements waf.Store.
func (db *DB) FindCertificates(ctx context.Context, f waf.CertificateFilter) ([]*waf.Certificate, int, error) {
	var a sqlArgs
	where := wafNamedWhere(&a, f.ProjectID, f.EnterpriseProjectID, "t.name", f.Name)
	if f.Bound != nil {
		op := "NOT EXISTS"
		if *f.Bound {
			op = "EXISTS"
		}
		where += " AND " + op + ` (SELECT 1 FROM waf_hosts h WHERE h.project_id = t.project_id AND h.settings ->> 'certificateid' = t.id)`
	}
	if f.ExpStatus != nil {
		now, soon := stamp(f.Now), stamp(f.Now.Add(30*24*time.Hour))
		switch *f.ExpStatus {
		case waf.CertExpired:
			where += " AND t.expire_time <= " + a.add(now)
		case waf.CertExpiring:
			where += " AND t.expire_time > " + a.add(now) + " AND t.expire_time <= " + a.add(soon)
		default:
			where += " AND t.expire_time > " + a.add(soon)
		}
	}
	var out []*waf.Certificate
	var total int
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM waf_certificates t WHERE `+where, a...).Scan(&total); err != nil {
			return err
		}
		page := a
		var err error
		out, err = collect(ctx, tx, scanCertificate, `SELECT `+certColumns+` FROM waf_certificates t WHERE `+where+
			` ORDER BY t.seq LIMIT `+page.add(wafPageLimit(f.Page))+` OFFSET `+page.add(f.Page.Offset), page...)
		if err != nil {
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
	return wafModify(ctx, db, projectID, db.lockCertificate(ctx, projectID, id), fn, func(tx pgx.Tx, c *waf.Certificate) error {
		if _, err := tx.Exec(ctx, `UPDATE waf_certificates SET name = $1, content = $2, key = $3, expire_time = $4 WHERE id = $5`,
			c.Name, c.Content, c.Key, stamp(c.ExpireTime), c.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE waf_hosts SET settings = jsonb_set(settings, '{certificatename}', to_jsonb($3::text))
			WHERE `+certHostsWhere, projectID, c.ID, c.Name)
		return err
	})
}

// lockCertificate returns the finder of a certificate with its row locked.
func (db *DB) lockCertificate(ctx context.Context, projectID, id string) func(tx pgx.Tx) (*waf.Certificate, error) {
	return func(tx pgx.Tx) (*waf.Certificate, error) { return findCertificate(ctx, tx, projectID, id, true) }
}

// DeleteCertificate implements waf.Store.
func (db *DB) DeleteCertificate(ctx context.Context, projectID, id string) (*waf.Certificate, error) {
	return wafModify(ctx, db, projectID, db.lockCertificate(ctx, projectID, id), nil, func(tx pgx.Tx, c *waf.Certificate) error {
		if len(c.Hosts) > 0 {
			return waf.ErrInUse("The certificate %s is used by host %s; give the host another certificate first.", id, c.Hosts[0].Hostname)
		}
		_, err := tx.Exec(ctx, `DELETE FROM waf_certificates WHERE id = $1`, id)
		return err
	})
}

// ApplyCertificate implements waf.Store.
func (db *DB) ApplyCertificate(ctx context.Context, projectID, id string, hostIDs []string) (*waf.Certificate, error) {
	return wafModify(ctx, db, projectID, db.lockCertificate(ctx, projectID, id), nil, func(tx pgx.Tx, c *waf.Certificate) error {
		for _, hid := range hostIDs {
			tag, err := tx.Exec(ctx, `UPDATE waf_hosts SET settings = settings ||
				jsonb_build_object('certificateid', $1::text, 'certificatename', $2::text)
				WHERE id = $3 AND project_id = $4`, c.ID, c.Name, hid, projectID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return waf.NotFound("host", hid)
			}
		}
		return certificateHosts(ctx, tx, c)
	})
}
