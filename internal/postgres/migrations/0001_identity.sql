-- Identities: accounts, their users and projects, the grants of projects to
-- users, access keys and tokens (a token is stored as the SHA-256 of its
-- string), and the lockout counters of credentials.
CREATE TABLE accounts (
	id         text PRIMARY KEY,
	name       text NOT NULL UNIQUE,
	created_at timestamptz NOT NULL
);

CREATE TABLE users (
	id            text PRIMARY KEY,
	account_id    text NOT NULL REFERENCES accounts (id),
	name          text NOT NULL,
	password_hash text NOT NULL,
	enabled       boolean NOT NULL,
	created_at    timestamptz NOT NULL,
	UNIQUE (account_id, name)
);

CREATE TABLE projects (
	id          text PRIMARY KEY,
	account_id  text NOT NULL REFERENCES accounts (id),
	name        text NOT NULL,
	description text NOT NULL,
	enabled     boolean NOT NULL,
	created_at  timestamptz NOT NULL,
	UNIQUE (account_id, name)
);

CREATE TABLE project_grants (
	user_id    text NOT NULL REFERENCES users (id),
	project_id text NOT NULL REFERENCES projects (id),
	PRIMARY KEY (user_id, project_id)
);
CREATE INDEX project_grants_project ON project_grants (project_id);

CREATE TABLE access_keys (
	access_key text PRIMARY KEY,
	secret_key text NOT NULL,
	user_id    text NOT NULL REFERENCES users (id),
	active     boolean NOT NULL,
	created_at timestamptz NOT NULL
);
CREATE INDEX access_keys_user ON access_keys (user_id, created_at, access_key);

CREATE TABLE tokens (
	id         text PRIMARY KEY,
	user_id    text NOT NULL REFERENCES users (id),
	account_id text NOT NULL REFERENCES accounts (id),
	project_id text NOT NULL, -- '' for a token scoped to the account
	issued_at  timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	revoked    boolean NOT NULL
);
CREATE INDEX tokens_expires ON tokens (expires_at);

CREATE TABLE lockouts (
	key          text PRIMARY KEY, -- 'ak:'+access key or 'user:'+user ID
	failures     integer NOT NULL,
	locked_until timestamptz       -- NULL while not locked
);
CREATE INDEX lockouts_locked_until ON lockouts (locked_until) WHERE locked_until IS NOT NULL;

-- Per-project, per-family change counters. Every write to a family's
-- policies bumps its counter in the same transaction with an upsert, whose
-- row lock makes the writers of one counter commit in counter order.
CREATE TABLE project_revisions (
	project_id text NOT NULL,
	family     text NOT NULL,
	revision   bigint NOT NULL,
	PRIMARY KEY (project_id, family)
);
