-- Workspace access policies. The IP list is small and always read whole, so
-- it is kept inline as a JSON array of {"a": address, "m": mask}; objects are
-- paged on their own and get a table, ordered by the position they were
-- given in.
CREATE TABLE workspace_access_policies (
	id                  text PRIMARY KEY,
	project_id          text NOT NULL,
	name                text NOT NULL,
	blacklist_type      text NOT NULL,
	access_control_type text NOT NULL,
	ip_list             jsonb NOT NULL,
	is_enable           boolean NOT NULL,
	is_block_all        boolean NOT NULL,
	created_at          timestamptz NOT NULL,
	UNIQUE (project_id, name)
);
CREATE INDEX workspace_access_policies_list
	ON workspace_access_policies (project_id, access_control_type, created_at, id);
CREATE INDEX workspace_access_policies_created
	ON workspace_access_policies (project_id, created_at, id);

CREATE TABLE workspace_access_policy_objects (
	policy_id   text NOT NULL REFERENCES workspace_access_policies (id) ON DELETE CASCADE,
	position    integer NOT NULL,
	object_type text NOT NULL,
	object_id   text NOT NULL,
	object_name text NOT NULL,
	PRIMARY KEY (policy_id, position),
	UNIQUE (policy_id, object_type, object_id)
);
