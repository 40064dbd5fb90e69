-- SecMaster: workspaces, emergency policies, their defense-layer entries,
-- delivery tasks, history records and the enforcement rows delivery
-- writes, with the change log of those rows.

CREATE TABLE secmaster_workspaces (
	id                      text PRIMARY KEY,
	project_id              text NOT NULL,
	name                    text NOT NULL,
	description             text NOT NULL,
	region_id               text NOT NULL,
	project_name            text NOT NULL,
	enterprise_project_id   text NOT NULL,
	enterprise_project_name text NOT NULL,
	view_bind_id            text NOT NULL,
	is_view                 boolean NOT NULL,
	creator_id              text NOT NULL,
	creator_name            text NOT NULL,
	modifier_id             text NOT NULL,
	modifier_name           text NOT NULL,
	created_at              timestamptz,
	updated_at              timestamptz,
	UNIQUE (project_id, name)
);
CREATE INDEX secmaster_workspaces_project ON secmaster_workspaces (project_id, created_at, id);

-- Projects whose default workspace was created (kept if it is deleted).
CREATE TABLE secmaster_default_workspaces (
	project_id   text PRIMARY KEY,
	workspace_id text NOT NULL,
	created_at   timestamptz
);

-- Per-workspace counts of policies not deleted, for the quotas. The upsert
-- that changes a count locks its row, so concurrent creates check the quota
-- one after the other.
CREATE TABLE secmaster_counts (
	workspace_id text PRIMARY KEY,
	policies     integer NOT NULL,
	ageing       integer NOT NULL
);

CREATE TABLE secmaster_policies (
	seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- insertion order, breaks sort ties
	id               text PRIMARY KEY,
	project_id       text NOT NULL,
	workspace_id     text NOT NULL,
	block_target     text NOT NULL,
	policy_type      text NOT NULL,
	policy_category  text NOT NULL,
	region_id        text NOT NULL,
	description      text NOT NULL,
	labels           text NOT NULL,
	policy_direction text NOT NULL,
	account_scope    text NOT NULL,
	eps_scope        text NOT NULL,
	region_scope     text NOT NULL,
	is_ageing        boolean NOT NULL,
	ageing_at        timestamptz,
	state            text NOT NULL,
	task_id          text NOT NULL,
	creator_id       text NOT NULL,
	creator_name     text NOT NULL,
	modifier_id      text NOT NULL,
	modifier_name    text NOT NULL,
	created_at       timestamptz,
	updated_at       timestamptz
);
CREATE INDEX secmaster_policies_ws ON secmaster_policies (project_id, workspace_id, created_at, seq);
CREATE INDEX secmaster_policies_ageing ON secmaster_policies (ageing_at) WHERE state = 'ACTIVE' AND is_ageing;

CREATE TABLE secmaster_defenses (
	id                     text PRIMARY KEY,
	policy_id              text NOT NULL,
	seq                    integer NOT NULL,
	connection_id          text NOT NULL,
	connection_name        text NOT NULL,
	connection_region_id   text NOT NULL,
	connection_region_name text NOT NULL,
	defense_type           text NOT NULL,
	target_enterprise_id   text NOT NULL,
	target_enterprise_name text NOT NULL,
	target_project_id      text NOT NULL,
	target_project_name    text NOT NULL,
	block_status           text NOT NULL,
	sync_status            text NOT NULL,
	failure                text NOT NULL,
	pending_task_id        text NOT NULL,
	delivered_task_id      text NOT NULL DEFAULT '', -- the task that last delivered the entry
	updated_at             timestamptz,
	delivered_at           timestamptz
);
CREATE INDEX secmaster_defenses_policy ON secmaster_defenses (policy_id, seq);
CREATE INDEX secmaster_defenses_pending ON secmaster_defenses (pending_task_id) WHERE pending_task_id <> '';

CREATE TABLE secmaster_tasks (
	id           text PRIMARY KEY,
	project_id   text NOT NULL,
	workspace_id text NOT NULL,
	action       text NOT NULL,
	state        text NOT NULL,
	policy_ids   text[] NOT NULL,
	created_at   timestamptz,
	done_at      timestamptz
);
CREATE INDEX secmaster_tasks_pending ON secmaster_tasks (project_id, created_at, id) WHERE state = 'PENDING';

CREATE TABLE secmaster_records (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id      text NOT NULL,
	workspace_id    text NOT NULL,
	policy_id       text NOT NULL,
	action          text NOT NULL,
	task_id         text NOT NULL,
	block_target    text NOT NULL,
	policy_category text NOT NULL,
	policy_type     text NOT NULL,
	detail          text NOT NULL,
	snapshot        jsonb, -- the policy after the action; NULL when only the columns above are known
	created_at      timestamptz
);
CREATE INDEX secmaster_records_ws ON secmaster_records (project_id, workspace_id, id);
CREATE INDEX secmaster_records_policy ON secmaster_records (project_id, policy_id, id);

-- What each layer enforces, per delivered entry. The decision engine
-- compiles from these rows (by target project and layer).
CREATE TABLE secmaster_enforcement (
	defense_id        text NOT NULL,
	policy_id         text NOT NULL,
	project_id        text NOT NULL,
	target_project_id text NOT NULL,
	layer             text NOT NULL,
	category          text NOT NULL,
	object_type       text NOT NULL,
	object            text NOT NULL,
	expires_at        timestamptz, -- NULL: no expiry
	PRIMARY KEY (defense_id, object)
);
CREATE INDEX secmaster_enforcement_layer ON secmaster_enforcement (target_project_id, layer);
CREATE INDEX secmaster_enforcement_policy ON secmaster_enforcement (policy_id);

-- A log of writes to secmaster_enforcement, so the decision engine reads
-- the entries that changed rather than every entry. The trigger below
-- fills it (no write path can forget it). Its seq is commit-ordered: the
-- trigger takes the transaction-scoped advisory lock of the log (the first
-- key 0x52414d03, the second the schema's hash) before it draws a seq, and
-- holds it until its transaction ends, so a transaction that draws a
-- higher seq commits after every lower one, and a reader that resumes
-- after the highest seq it saw never skips a row that commits later.
CREATE TABLE secmaster_enforcement_changes (
	seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	target_project_id text NOT NULL,
	defense_id        text NOT NULL,
	object            text NOT NULL
);
CREATE INDEX secmaster_enforcement_changes_project ON secmaster_enforcement_changes (target_project_id, seq);

CREATE FUNCTION secmaster_enforcement_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(1380011267, hashtext(current_schema()));
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO secmaster_enforcement_changes (target_project_id, defense_id, object)
			SELECT target_project_id, defense_id, object FROM old_rows;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO secmaster_enforcement_changes (target_project_id, defense_id, object)
			SELECT target_project_id, defense_id, object FROM new_rows;
	END IF;
	RETURN NULL;
END
$$;

-- Statement triggers: one log insert per statement, however many rows it
-- wrote.
CREATE TRIGGER secmaster_enforcement_log_ins AFTER INSERT ON secmaster_enforcement
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION secmaster_enforcement_log();
CREATE TRIGGER secmaster_enforcement_log_upd AFTER UPDATE ON secmaster_enforcement
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION secmaster_enforcement_log();
CREATE TRIGGER secmaster_enforcement_log_del AFTER DELETE ON secmaster_enforcement
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION secmaster_enforcement_log();
