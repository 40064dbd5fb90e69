-- SecMaster: workspaces, emergency policies, their defense-layer entries,
-- delivery tasks, history records and the enforcement sets delivery writes.

CREATE TABLE secmaster_workspaces (
	id                      TEXT PRIMARY KEY,
	project_id              TEXT NOT NULL,
	name                    TEXT NOT NULL,
	description             TEXT NOT NULL,
	region_id               TEXT NOT NULL,
	project_name            TEXT NOT NULL,
	enterprise_project_id   TEXT NOT NULL,
	enterprise_project_name TEXT NOT NULL,
	view_bind_id            TEXT NOT NULL,
	is_view                 INTEGER NOT NULL,
	creator_id              TEXT NOT NULL,
	creator_name            TEXT NOT NULL,
	modifier_id             TEXT NOT NULL,
	modifier_name           TEXT NOT NULL,
	created_at              INTEGER NOT NULL,
	updated_at              INTEGER NOT NULL,
	UNIQUE (project_id, name)
);
CREATE INDEX secmaster_workspaces_project ON secmaster_workspaces(project_id, created_at);

-- Projects whose default workspace was created (kept if it is deleted).
CREATE TABLE secmaster_default_workspaces (
	project_id   TEXT PRIMARY KEY,
	workspace_id TEXT NOT NULL,
	created_at   INTEGER NOT NULL
);

-- Per-workspace counts of policies not deleted, for the quotas.
CREATE TABLE secmaster_counts (
	workspace_id TEXT PRIMARY KEY,
	policies     INTEGER NOT NULL,
	ageing       INTEGER NOT NULL
);

CREATE TABLE secmaster_policies (
	id               TEXT PRIMARY KEY,
	project_id       TEXT NOT NULL,
	workspace_id     TEXT NOT NULL,
	block_target     TEXT NOT NULL,
	policy_type      TEXT NOT NULL,
	policy_category  TEXT NOT NULL,
	region_id        TEXT NOT NULL,
	description      TEXT NOT NULL,
	labels           TEXT NOT NULL,
	policy_direction TEXT NOT NULL,
	account_scope    TEXT NOT NULL,
	eps_scope        TEXT NOT NULL,
	region_scope     TEXT NOT NULL,
	is_ageing        INTEGER NOT NULL,
	ageing_at        INTEGER NOT NULL,
	state            TEXT NOT NULL,
	task_id          TEXT NOT NULL,
	creator_id       TEXT NOT NULL,
	creator_name     TEXT NOT NULL,
	modifier_id      TEXT NOT NULL,
	modifier_name    TEXT NOT NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
);
CREATE INDEX secmaster_policies_ws ON secmaster_policies(project_id, workspace_id, created_at);
CREATE INDEX secmaster_policies_target ON secmaster_policies(project_id, workspace_id, block_target, created_at);
CREATE INDEX secmaster_policies_category ON secmaster_policies(project_id, workspace_id, policy_category, created_at);
CREATE INDEX secmaster_policies_ageing ON secmaster_policies(ageing_at) WHERE state = 'ACTIVE' AND is_ageing = 1;

CREATE TABLE secmaster_defenses (
	id                     TEXT PRIMARY KEY,
	policy_id              TEXT NOT NULL,
	seq                    INTEGER NOT NULL,
	connection_id          TEXT NOT NULL,
	connection_name        TEXT NOT NULL,
	connection_region_id   TEXT NOT NULL,
	connection_region_name TEXT NOT NULL,
	defense_type           TEXT NOT NULL,
	target_enterprise_id   TEXT NOT NULL,
	target_enterprise_name TEXT NOT NULL,
	target_project_id      TEXT NOT NULL,
	target_project_name    TEXT NOT NULL,
	block_status           TEXT NOT NULL,
	sync_status            TEXT NOT NULL,
	failure                TEXT NOT NULL,
	pending_task_id        TEXT NOT NULL,
	updated_at             INTEGER NOT NULL,
	delivered_at           INTEGER NOT NULL
);
CREATE INDEX secmaster_defenses_policy ON secmaster_defenses(policy_id, seq);
CREATE INDEX secmaster_defenses_pending ON secmaster_defenses(pending_task_id);

CREATE TABLE secmaster_tasks (
	id           TEXT PRIMARY KEY,
	project_id   TEXT NOT NULL,
	workspace_id TEXT NOT NULL,
	action       TEXT NOT NULL,
	state        TEXT NOT NULL,
	policy_ids   TEXT NOT NULL, -- comma-separated
	created_at   INTEGER NOT NULL,
	done_at      INTEGER NOT NULL
);
CREATE INDEX secmaster_tasks_pending ON secmaster_tasks(created_at) WHERE state = 'PENDING';

CREATE TABLE secmaster_records (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	project_id      TEXT NOT NULL,
	workspace_id    TEXT NOT NULL,
	policy_id       TEXT NOT NULL,
	action          TEXT NOT NULL,
	task_id         TEXT NOT NULL,
	block_target    TEXT NOT NULL,
	policy_category TEXT NOT NULL,
	policy_type     TEXT NOT NULL,
	detail          TEXT NOT NULL,
	snapshot        TEXT NOT NULL, -- the policy after the action, JSON ('' when only the columns above are known)
	created_at      INTEGER NOT NULL
);
CREATE INDEX secmaster_records_ws ON secmaster_records(project_id, workspace_id, id);
CREATE INDEX secmaster_records_policy ON secmaster_records(project_id, policy_id, id);

-- What each layer enforces, per delivered entry. The decision engine
-- compiles from these rows (by target project and layer).
CREATE TABLE secmaster_enforcement (
	defense_id        TEXT NOT NULL,
	policy_id         TEXT NOT NULL,
	project_id        TEXT NOT NULL,
	target_project_id TEXT NOT NULL,
	layer             TEXT NOT NULL,
	category          TEXT NOT NULL,
	object_type       TEXT NOT NULL,
	object            TEXT NOT NULL,
	expires_at        INTEGER NOT NULL,
	PRIMARY KEY (defense_id, object)
);
CREATE INDEX secmaster_enforcement_layer ON secmaster_enforcement(target_project_id, layer);
CREATE INDEX secmaster_enforcement_policy ON secmaster_enforcement(policy_id);
