-- CrowdSec bouncer keys (the secret is stored as its SHA-256 only) and, per
-- key, what its bouncer was last sent: a snapshot (NULL: none yet) and the
-- deltas written after it, so that a pull after a restart answers what
-- changed.
CREATE TABLE bouncer_keys (
	id           text PRIMARY KEY,
	name         text NOT NULL UNIQUE,
	project_id   text NOT NULL,
	layer        text NOT NULL,
	key_hash     text NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL,
	last_pull_at timestamptz, -- NULL: never pulled
	sent         bytea
);

-- A delta's seq comes from one identity column: deltas of one key are
-- appended by the writer holding that key's row lock (AppendSent), so
-- their order by seq is their order of writing.
CREATE TABLE bouncer_sent_deltas (
	seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	bouncer_id text NOT NULL REFERENCES bouncer_keys (id) ON DELETE CASCADE,
	delta      bytea NOT NULL
);
CREATE INDEX bouncer_sent_deltas_bouncer ON bouncer_sent_deltas (bouncer_id, seq);
