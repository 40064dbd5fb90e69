-- WAF known-attack-source (punishment) rules: at most one per category in
-- a policy.
ALTER TABLE waf_policies ADD COLUMN punishment_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE waf_punishment_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	category              TEXT NOT NULL,
	block_time            INTEGER NOT NULL,
	time_unit             TEXT NOT NULL,
	description           TEXT NOT NULL,
	created_at            INTEGER NOT NULL,
	UNIQUE (policy_id, category)
);
CREATE INDEX waf_punishment_rules_policy ON waf_punishment_rules(policy_id, project_id, seq);
CREATE INDEX waf_punishment_rules_project ON waf_punishment_rules(project_id, seq);

CREATE TRIGGER waf_punishment_rules_count_ins AFTER INSERT ON waf_punishment_rules BEGIN
	UPDATE waf_policies SET punishment_count = punishment_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_punishment_rules_count_del AFTER DELETE ON waf_punishment_rules BEGIN
	UPDATE waf_policies SET punishment_count = punishment_count - 1 WHERE id = OLD.policy_id;
END;
