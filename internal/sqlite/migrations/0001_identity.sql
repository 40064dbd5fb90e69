CREATE TABLE accounts (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	account_id    TEXT NOT NULL REFERENCES accounts(id),
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	enabled       INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	UNIQUE (account_id, name)
);

CREATE TABLE projects (
	id          TEXT PRIMARY KEY,
	account_id  TEXT NOT NULL REFERENCES accounts(id),
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	enabled     INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	UNIQUE (account_id, name)
);

CREATE TABLE project_grants (
	user_id    TEXT NOT NULL REFERENCES users(id),
	project_id TEXT NOT NULL REFERENCES projects(id),
	PRIMARY KEY (user_id, project_id)
);

CREATE TABLE access_keys (
	access_key TEXT PRIMARY KEY,
	secret_key TEXT NOT NULL,
	user_id    TEXT NOT NULL REFERENCES users(id),
	active     INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX access_keys_user ON access_keys(user_id);

CREATE TABLE tokens (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id),
	account_id TEXT NOT NULL REFERENCES accounts(id),
	project_id TEXT NOT NULL,
	issued_at  INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked    INTEGER NOT NULL
);
CREATE INDEX tokens_expires ON tokens(expires_at);
