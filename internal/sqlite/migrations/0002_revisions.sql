-- Per-project, per-family change counters. Every write to a family's
-- policies bumps its counter in the same transaction, so the decision engine
-- can tell cheaply whether it must recompile.
CREATE TABLE project_revisions (
	project_id TEXT NOT NULL,
	family     TEXT NOT NULL,
	revision   INTEGER NOT NULL,
	PRIMARY KEY (project_id, family)
);
