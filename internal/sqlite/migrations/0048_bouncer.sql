-- CrowdSec bouncer keys (the secret is stored as its SHA-256 only) and, per
-- key, what its bouncer was last sent: a snapshot and the deltas written
-- after it, so that a pull after a restart answers what changed.
CREATE TABLE bouncer_keys (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE,
	project_id   TEXT NOT NULL,
	layer        TEXT NOT NULL,
	key_hash     TEXT NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	last_pull_at INTEGER NOT NULL DEFAULT 0,
	sent         BLOB
);

CREATE TABLE bouncer_sent_deltas (
	bouncer_id TEXT NOT NULL REFERENCES bouncer_keys(id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	delta      BLOB NOT NULL,
	PRIMARY KEY (bouncer_id, seq)
);
