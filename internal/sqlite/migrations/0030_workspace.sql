-- Workspace access policies. The IP list is small and always read whole, so
-- it is kept inline as a JSON array of {"a": address, "m": mask}; objects are
-- paged on their own and get a table, ordered by the position they were
-- given in.
CREATE TABLE workspace_access_policies (
	id                  TEXT PRIMARY KEY,
	project_id          TEXT NOT NULL,
	name                TEXT NOT NULL,
	blacklist_type      TEXT NOT NULL,
	access_control_type TEXT NOT NULL,
	ip_list             TEXT NOT NULL,
	is_enable           INTEGER NOT NULL,
	is_block_all        INTEGER NOT NULL,
	created_at          INTEGER NOT NULL,
	UNIQUE (project_id, name)
);
CREATE INDEX workspace_access_policies_list
	ON workspace_access_policies (project_id, access_control_type, created_at, id);
CREATE INDEX workspace_access_policies_created
	ON workspace_access_policies (project_id, created_at, id);

CREATE TABLE workspace_access_policy_objects (
	policy_id   TEXT NOT NULL REFERENCES workspace_access_policies(id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	object_name TEXT NOT NULL,
	PRIMARY KEY (policy_id, position),
	UNIQUE (policy_id, object_type, object_id)
);
