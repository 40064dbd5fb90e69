-- WAF reference tables (valuelist): named lists of values of one type that
-- precise-protection and CC conditions reference by value_list_id. values is
-- a JSON array of strings.
CREATE TABLE waf_value_lists (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	type                  TEXT NOT NULL,
	"values"              TEXT NOT NULL,
	description           TEXT NOT NULL,
	created_at            INTEGER NOT NULL,
	UNIQUE (project_id, name)
);
CREATE INDEX waf_value_lists_project_ep ON waf_value_lists(project_id, enterprise_project_id, seq);
