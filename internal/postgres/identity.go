package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rampartsec/rampart/internal/rampart"
)

var _ rampart.IdentityStore = (*DB)(nil)

// Bootstrap implements rampart.IdentityStore. The transaction holds the
// advisory lock lockBootstrap before it counts the accounts, so of several
// nodes starting on one empty store exactly one creates b; the others wait
// for its commit, then find its account and create nothing.
func (db *DB) Bootstrap(ctx context.Context, b *rampart.Bootstrap) (bool, error) {
	created := false
	err := db.writeTx(ctx, func(tx pgx.Tx) error {
		created = false
		if _, err := tx.Exec(ctx, lockSQL, lockBootstrap); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts)`).Scan(&exists); err != nil || exists {
			return err
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
	a.CreatedAt = db.now()
	return formatError(insertAccount(ctx, db.pool, a))
}

func insertAccount(ctx context.Context, q querier, a *rampart.Account) error {
	_, err := q.Exec(ctx, `INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)`,
		a.ID, a.Name, stamp(a.CreatedAt))
	return err
}

// FindAccountByID implements rampart.IdentityStore.
func (db *DB) FindAccountByID(ctx context.Context, id string) (*rampart.Account, error) {
	return db.findAccount(ctx, `id = $1`, id)
}

// FindAccountByName implements rampart.IdentityStore.
func (db *DB) FindAccountByName(ctx context.Context, name string) (*rampart.Account, error) {
	return db.findAccount(ctx, `name = $1`, name)
}

func (db *DB) findAccount(ctx context.Context, where string, arg any) (*rampart.Account, error) {
	var a rampart.Account
	var created time.Time
	err := db.pool.QueryRow(ctx, `SELECT id, name, created_at FROM accounts WHERE `+where, arg).
		Scan(&a.ID, &a.Name, &created)
	if err != nil {
		return nil, notFound(err, "Account not found.")
	}
	a.CreatedAt = created.UTC()
	return &a, nil
}

// CreateUser implements rampart.IdentityStore.
func (db *DB) CreateUser(ctx context.Context, u *rampart.User) error {
	u.CreatedAt = db.now()
	return formatError(insertUser(ctx, db.pool, u))
}

func insertUser(ctx context.Context, q querier, u *rampart.User) error {
	_, err := q.Exec(ctx, `INSERT INTO users (id, account_id, name, password_hash, enabled, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, u.ID, u.AccountID, u.Name, u.PasswordHash, u.Enabled, stamp(u.CreatedAt))
	return err
}

const userColumns = `id, account_id, name, password_hash, enabled, created_at`

func scanUser(row pgx.Row) (*rampart.User, error) {
	var u rampart.User
	var created time.Time
	if err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.PasswordHash, &u.Enabled, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = created.UTC()
	return &u, nil
}

// FindUserByID implements rampart.IdentityStore.
func (db *DB) FindUserByID(ctx context.Context, id string) (*rampart.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "User not found.")
}

// FindUserByName implements rampart.IdentityStore.
func (db *DB) FindUserByName(ctx context.Context, accountID, name string) (*rampart.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx,
		`SELECT `+userColumns+` FROM users WHERE account_id = $1 AND name = $2`, accountID, name))
	return u, notFound(err, "User not found.")
}

// FindUsers implements rampart.IdentityStore.
func (db *DB) FindUsers(ctx context.Context, accountID string) ([]*rampart.User, error) {
	return collect(ctx, db.pool, scanUser,
		`SELECT `+userColumns+` FROM users WHERE account_id = $1 ORDER BY name`, accountID)
}

// CreateProject implements rampart.IdentityStore.
func (db *DB) CreateProject(ctx context.Context, p *rampart.Project) error {
	p.CreatedAt = db.now()
	return formatError(insertProject(ctx, db.pool, p))
}

func insertProject(ctx context.Context, q querier, p *rampart.Project) error {
	_, err := q.Exec(ctx, `INSERT INTO projects (id, account_id, name, description, enabled, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, p.ID, p.AccountID, p.Name, p.Description, p.Enabled, stamp(p.CreatedAt))
	return err
}

const projectColumns = `p.id, p.account_id, p.name, p.description, p.enabled, p.created_at`

func scanProject(row pgx.Row) (*rampart.Project, error) {
	var p rampart.Project
	var created time.Time
	if err := row.Scan(&p.ID, &p.AccountID, &p.Name, &p.Description, &p.Enabled, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = created.UTC()
	return &p, nil
}

// FindProjectByID implements rampart.IdentityStore.
func (db *DB) FindProjectByID(ctx context.Context, id string) (*rampart.Project, error) {
	p, err := scanProject(db.pool.QueryRow(ctx, `SELECT `+projectColumns+` FROM projects p WHERE p.id = $1`, id))
	return p, notFound(err, "Project not found.")
}

// FindProjects implements rampart.IdentityStore. An empty filter field
// matches every project (the NULLIF turns it into a NULL that the
// condition lets through).
func (db *DB) FindProjects(ctx context.Context, f rampart.ProjectFilter) ([]*rampart.Project, error) {
	return collect(ctx, db.pool, scanProject, `SELECT `+projectColumns+` FROM projects p
		WHERE (NULLIF($1, '') IS NULL OR p.account_id = $1)
		  AND (NULLIF($2, '') IS NULL OR p.name = $2)
		  AND (NULLIF($3, '') IS NULL OR EXISTS (
			SELECT 1 FROM project_grants g WHERE g.project_id = p.id AND g.user_id = $3))
		ORDER BY p.name, p.id`, f.AccountID, f.Name, f.UserID)
}

// GrantProject implements rampart.IdentityStore.
func (db *DB) GrantProject(ctx context.Context, userID, projectID string) error {
	return formatError(insertGrant(ctx, db.pool, userID, projectID))
}

func insertGrant(ctx context.Context, q querier, userID, projectID string) error {
	_, err := q.Exec(ctx, `INSERT INTO project_grants (user_id, project_id) VALUES ($1, $2)
		ON CONFLICT (user_id, project_id) DO NOTHING`, userID, projectID)
	return err
}

// HasGrant implements rampart.IdentityStore.
func (db *DB) HasGrant(ctx context.Context, userID, projectID string) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM project_grants WHERE user_id = $1 AND project_id = $2)`,
		userID, projectID).Scan(&ok)
	return ok, formatError(err)
}

// CreateAccessKey implements rampart.IdentityStore.
func (db *DB) CreateAccessKey(ctx context.Context, k *rampart.AccessKey) error {
	k.CreatedAt = db.now()
	return formatError(insertAccessKey(ctx, db.pool, k))
}

func insertAccessKey(ctx context.Context, q querier, k *rampart.AccessKey) error {
	_, err := q.Exec(ctx, `INSERT INTO access_keys (access_key, secret_key, user_id, active, created_at)
		VALUES ($1, $2, $3, $4, $5)`, k.AccessKey, k.SecretKey, k.UserID, k.Active, stamp(k.CreatedAt))
	return err
}

const accessKeyColumns = `access_key, secret_key, user_id, active, created_at`

func scanAccessKey(row pgx.Row) (*rampart.AccessKey, error) {
	var k rampart.AccessKey
	var created time.Time
	if err := row.Scan(&k.AccessKey, &k.SecretKey, &k.UserID, &k.Active, &created); err != nil {
		return nil, err
	}
	k.CreatedAt = created.UTC()
	return &k, nil
}

// FindAccessKey implements rampart.IdentityStore.
func (db *DB) FindAccessKey(ctx context.Context, accessKey string) (*rampart.AccessKey, error) {
	k, err := scanAccessKey(db.pool.QueryRow(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE access_key = $1`, accessKey))
	return k, notFound(err, "Access key not found.")
}

// FindAccessKeys implements rampart.IdentityStore.
func (db *DB) FindAccessKeys(ctx context.Context, userID string) ([]*rampart.AccessKey, error) {
	return collect(ctx, db.pool, scanAccessKey, `SELECT `+accessKeyColumns+` FROM access_keys
		WHERE user_id = $1 ORDER BY created_at, access_key`, userID)
}

// RevokeAccessKey implements rampart.IdentityStore.
func (db *DB) RevokeAccessKey(ctx context.Context, accessKey string) error {
	return formatError(mustAffect(db.pool.Exec(ctx, `UPDATE access_keys SET active = false WHERE access_key = $1`, accessKey)))
}

// CreateToken implements rampart.IdentityStore.
func (db *DB) CreateToken(ctx context.Context, t *rampart.Token) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO tokens (id, user_id, account_id, project_id, issued_at, expires_at, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.UserID, t.AccountID, t.ProjectID, stamp(t.IssuedAt), stamp(t.ExpiresAt), t.Revoked)
	return formatError(err)
}

// FindToken implements rampart.IdentityStore.
func (db *DB) FindToken(ctx context.Context, id string) (*rampart.Token, error) {
	var t rampart.Token
	var issued, expires time.Time
	err := db.pool.QueryRow(ctx, `SELECT id, user_id, account_id, project_id, issued_at, expires_at, revoked
		FROM tokens WHERE id = $1`, id).Scan(&t.ID, &t.UserID, &t.AccountID, &t.ProjectID, &issued, &expires, &t.Revoked)
	if err != nil {
		return nil, notFound(err, "Token not found.")
	}
	t.IssuedAt, t.ExpiresAt = issued.UTC(), expires.UTC()
	return &t, nil
}

// RevokeToken implements rampart.IdentityStore.
func (db *DB) RevokeToken(ctx context.Context, id string) error {
	return formatError(mustAffect(db.pool.Exec(ctx, `UPDATE tokens SET revoked = true WHERE id = $1`, id)))
}

// DeleteExpiredTokens implements rampart.IdentityStore.
func (db *DB) DeleteExpiredTokens(ctx context.Context, before time.Time) (int64, error) {
	n, err := affected(db.pool.Exec(ctx, `DELETE FROM tokens WHERE expires_at < $1`, stamp(before)))
	return n, formatError(err)
}

// collect runs a query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, formatError(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, formatError(err)
		}
		out = append(out, v)
	}
	return out, formatError(rows.Err())
}
