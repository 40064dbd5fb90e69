package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/rampartsec/rampart/internal/rampart"
)

var _ rampart.IdentityStore = (*DB)(nil)

// Bootstrap implements rampart.IdentityStore.
func (db *DB) Bootstrap(ctx context.Context, b *rampart.Bootstrap) (bool, error) {
	created := false
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		now := db.now()
		b.Account.CreatedAt, b.User.CreatedAt, b.Project.CreatedAt, b.AccessKey.CreatedAt = now, now, now, now
		if err := insertAccount(ctx, tx, &b.Account); err != nil {
			return err
		}
		if err := insertUser(ctx, tx, &b.User); err != nil {
			return err
		}
		if err := insertProject(ctx, tx, &b.Project); err != nil {
			return err
		}
		if err := insertGrant(ctx, tx, b.User.ID, b.Project.ID); err != nil {
			return err
		}
		if err := insertAccessKey(ctx, tx, &b.AccessKey); err != nil {
			return err
		}
		if b.BeforeCommit != nil {
			if err := b.BeforeCommit(); err != nil {
				return err
			}
		}
		created = true
		return nil
	})
	return created, err
}

// CreateAccount implements rampart.IdentityStore.
func (db *DB) CreateAccount(ctx context.Context, a *rampart.Account) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		a.CreatedAt = db.now()
		return insertAccount(ctx, tx, a)
	})
}

func insertAccount(ctx context.Context, tx *sql.Tx, a *rampart.Account) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)`,
		a.ID, a.Name, millis(a.CreatedAt))
	return err
}

// FindAccountByID implements rampart.IdentityStore.
func (db *DB) FindAccountByID(ctx context.Context, id string) (*rampart.Account, error) {
	return db.findAccount(ctx, `id = ?`, id)
}

// FindAccountByName implements rampart.IdentityStore.
func (db *DB) FindAccountByName(ctx context.Context, name string) (*rampart.Account, error) {
	return db.findAccount(ctx, `name = ?`, name)
}

func (db *DB) findAccount(ctx context.Context, where string, arg any) (*rampart.Account, error) {
	var a rampart.Account
	var created int64
	err := db.rdb.QueryRowContext(ctx, `SELECT id, name, created_at FROM accounts WHERE `+where, arg).
		Scan(&a.ID, &a.Name, &created)
	if err != nil {
		return nil, notFound(err, "Account not found.")
	}
	a.CreatedAt = fromMillis(created)
	return &a, nil
}

// CreateUser implements rampart.IdentityStore.
func (db *DB) CreateUser(ctx context.Context, u *rampart.User) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		u.CreatedAt = db.now()
		return insertUser(ctx, tx, u)
	})
}

func insertUser(ctx context.Context, tx *sql.Tx, u *rampart.User) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, account_id, name, password_hash, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, u.AccountID, u.Name, u.PasswordHash, u.Enabled, millis(u.CreatedAt))
	return err
}

const userColumns = `id, account_id, name, password_hash, enabled, created_at`

func scanUser(s interface{ Scan(...any) error }) (*rampart.User, error) {
	var u rampart.User
	var created int64
	if err := s.Scan(&u.ID, &u.AccountID, &u.Name, &u.PasswordHash, &u.Enabled, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMillis(created)
	return &u, nil
}

// FindUserByID implements rampart.IdentityStore.
func (db *DB) FindUserByID(ctx context.Context, id string) (*rampart.User, error) {
	u, err := scanUser(db.rdb.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "User not found.")
}

// FindUserByName implements rampart.IdentityStore.
func (db *DB) FindUserByName(ctx context.Context, accountID, name string) (*rampart.User, error) {
	u, err := scanUser(db.rdb.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE account_id = ? AND name = ?`, accountID, name))
	return u, notFound(err, "User not found.")
}

// FindUsers implements rampart.IdentityStore.
func (db *DB) FindUsers(ctx context.Context, accountID string) ([]*rampart.User, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE account_id = ? ORDER BY name`, accountID)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []*rampart.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, formatError(rows.Err())
}

// CreateProject implements rampart.IdentityStore.
func (db *DB) CreateProject(ctx context.Context, p *rampart.Project) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		p.CreatedAt = db.now()
		return insertProject(ctx, tx, p)
	})
}

func insertProject(ctx context.Context, tx *sql.Tx, p *rampart.Project) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO projects (id, account_id, name, description, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, p.ID, p.AccountID, p.Name, p.Description, p.Enabled, millis(p.CreatedAt))
	return err
}

const projectColumns = `p.id, p.account_id, p.name, p.description, p.enabled, p.created_at`

func scanProject(s interface{ Scan(...any) error }) (*rampart.Project, error) {
	var p rampart.Project
	var created int64
	if err := s.Scan(&p.ID, &p.AccountID, &p.Name, &p.Description, &p.Enabled, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMillis(created)
	return &p, nil
}

// FindProjectByID implements rampart.IdentityStore.
func (db *DB) FindProjectByID(ctx context.Context, id string) (*rampart.Project, error) {
	p, err := scanProject(db.rdb.QueryRowContext(ctx, `SELECT `+projectColumns+` FROM projects p WHERE p.id = ?`, id))
	return p, notFound(err, "Project not found.")
}

// FindProjects implements rampart.IdentityStore.
func (db *DB) FindProjects(ctx context.Context, f rampart.ProjectFilter) ([]*rampart.Project, error) {
	q := `SELECT ` + projectColumns + ` FROM projects p`
	var args []any
	where := ` WHERE 1=1`
	if f.UserID != "" {
		q += ` JOIN project_grants g ON g.project_id = p.id`
		where += ` AND g.user_id = ?`
		args = append(args, f.UserID)
	}
	if f.AccountID != "" {
		where += ` AND p.account_id = ?`
		args = append(args, f.AccountID)
	}
	if f.Name != "" {
		where += ` AND p.name = ?`
		args = append(args, f.Name)
	}
	rows, err := db.rdb.QueryContext(ctx, q+where+` ORDER BY p.name, p.id`, args...)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []*rampart.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, formatError(rows.Err())
}

// GrantProject implements rampart.IdentityStore.
func (db *DB) GrantProject(ctx context.Context, userID, projectID string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error { return insertGrant(ctx, tx, userID, projectID) })
}

func insertGrant(ctx context.Context, tx *sql.Tx, userID, projectID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO project_grants (user_id, project_id) VALUES (?, ?)
		ON CONFLICT (user_id, project_id) DO NOTHING`, userID, projectID)
	return err
}

// HasGrant implements rampart.IdentityStore.
func (db *DB) HasGrant(ctx context.Context, userID, projectID string) (bool, error) {
	var n int
	err := db.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_grants WHERE user_id = ? AND project_id = ?`,
		userID, projectID).Scan(&n)
	return n > 0, formatError(err)
}

// CreateAccessKey implements rampart.IdentityStore.
func (db *DB) CreateAccessKey(ctx context.Context, k *rampart.AccessKey) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		k.CreatedAt = db.now()
		return insertAccessKey(ctx, tx, k)
	})
}

func insertAccessKey(ctx context.Context, tx *sql.Tx, k *rampart.AccessKey) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO access_keys (access_key, secret_key, user_id, active, created_at)
		VALUES (?, ?, ?, ?, ?)`, k.AccessKey, k.SecretKey, k.UserID, k.Active, millis(k.CreatedAt))
	return err
}

const accessKeyColumns = `access_key, secret_key, user_id, active, created_at`

func scanAccessKey(s interface{ Scan(...any) error }) (*rampart.AccessKey, error) {
	var k rampart.AccessKey
	var created int64
	if err := s.Scan(&k.AccessKey, &k.SecretKey, &k.UserID, &k.Active, &created); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMillis(created)
	return &k, nil
}

// FindAccessKey implements rampart.IdentityStore.
func (db *DB) FindAccessKey(ctx context.Context, accessKey string) (*rampart.AccessKey, error) {
	k, err := scanAccessKey(db.rdb.QueryRowContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE access_key = ?`, accessKey))
	return k, notFound(err, "Access key not found.")
}

// FindAccessKeys implements rampart.IdentityStore.
func (db *DB) FindAccessKeys(ctx context.Context, userID string) ([]*rampart.AccessKey, error) {
	rows, err := db.rdb.QueryContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE user_id = ? ORDER BY created_at, access_key`, userID)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []*rampart.AccessKey
	for rows.Next() {
		k, err := scanAccessKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, formatError(rows.Err())
}

// RevokeAccessKey implements rampart.IdentityStore.
func (db *DB) RevokeAccessKey(ctx context.Context, accessKey string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, `UPDATE access_keys SET active = 0 WHERE access_key = ?`, accessKey))
	})
}

// CreateToken implements rampart.IdentityStore.
func (db *DB) CreateToken(ctx context.Context, t *rampart.Token) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, user_id, account_id, project_id, issued_at, expires_at, revoked)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.UserID, t.AccountID, t.ProjectID, millis(t.IssuedAt), millis(t.ExpiresAt), t.Revoked)
		return err
	})
}

// FindToken implements rampart.IdentityStore.
func (db *DB) FindToken(ctx context.Context, id string) (*rampart.Token, error) {
	var t rampart.Token
	var issued, expires int64
	err := db.rdb.QueryRowContext(ctx, `SELECT id, user_id, account_id, project_id, issued_at, expires_at, revoked
		FROM tokens WHERE id = ?`, id).Scan(&t.ID, &t.UserID, &t.AccountID, &t.ProjectID, &issued, &expires, &t.Revoked)
	if err != nil {
		return nil, notFound(err, "Token not found.")
	}
	t.IssuedAt, t.ExpiresAt = fromMillis(issued), fromMillis(expires)
	return &t, nil
}

// RevokeToken implements rampart.IdentityStore.
func (db *DB) RevokeToken(ctx context.Context, id string) error {
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, `UPDATE tokens SET revoked = 1 WHERE id = ?`, id))
	})
}

// DeleteExpiredTokens implements rampart.IdentityStore.
func (db *DB) DeleteExpiredTokens(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE expires_at < ?`, millis(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// notFound turns sql.ErrNoRows into a KindNotFound error with msg and
// formats other errors.
func notFound(err error, msg string) error {
	if err == sql.ErrNoRows {
		return rampart.Errorf(rampart.KindNotFound, "%s", msg)
	}
	return formatError(err)
}

// mustAffect turns an UPDATE or DELETE that touched no row into KindNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return rampart.Errorf(rampart.KindNotFound, "Resource not found.")
	}
	return nil
}
