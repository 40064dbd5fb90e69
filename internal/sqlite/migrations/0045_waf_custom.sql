-- WAF precise-protection (custom) rules. conditions and action are JSON;
-- start and terminal are Unix seconds (0: unbounded), meaningful with
-- time_limited.
ALTER TABLE waf_policies ADD COLUMN custom_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE waf_custom_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	description           TEXT NOT NULL,
	time_limited          INTEGER NOT NULL,
	start                 INTEGER NOT NULL,
	terminal              INTEGER NOT NULL,
	conditions            TEXT NOT NULL, -- JSON array
	action                TEXT NOT NULL, -- JSON object
	priority              INTEGER NOT NULL,
	status                INTEGER NOT NULL,
	created_at            INTEGER NOT NULL
);
CREATE INDEX waf_custom_rules_policy ON waf_custom_rules(policy_id, project_id, seq);
CREATE INDEX waf_custom_rules_project ON waf_custom_rules(project_id, seq);

CREATE TRIGGER waf_custom_rules_count_ins AFTER INSERT ON waf_custom_rules BEGIN
	UPDATE waf_policies SET custom_count = custom_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_custom_rules_count_del AFTER DELETE ON waf_custom_rules BEGIN
	UPDATE waf_policies SET custom_count = custom_count - 1 WHERE id = OLD.policy_id;
END;
