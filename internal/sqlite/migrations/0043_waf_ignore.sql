-- WAF false-alarm masking (ignore) rules. domains, conditions and advanced
-- are JSON; hit_num counts masked detections since cleared_at (Unix ms, 0:
-- never reset).
ALTER TABLE waf_policies ADD COLUMN ignore_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE waf_ignore_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	domains               TEXT NOT NULL, -- JSON array
	conditions            TEXT NOT NULL, -- JSON array
	mode                  INTEGER NOT NULL,
	rule                  TEXT NOT NULL,
	advanced              TEXT,          -- JSON object, NULL when absent
	description           TEXT NOT NULL,
	status                INTEGER NOT NULL,
	created_at            INTEGER NOT NULL,
	updated_at            INTEGER NOT NULL,
	cleared_at            INTEGER NOT NULL DEFAULT 0,
	hit_num               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX waf_ignore_rules_policy ON waf_ignore_rules(policy_id, project_id, seq);
CREATE INDEX waf_ignore_rules_project ON waf_ignore_rules(project_id, seq);

CREATE TRIGGER waf_ignore_rules_count_ins AFTER INSERT ON waf_ignore_rules BEGIN
	UPDATE waf_policies SET ignore_count = ignore_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_ignore_rules_count_del AFTER DELETE ON waf_ignore_rules BEGIN
	UPDATE waf_policies SET ignore_count = ignore_count - 1 WHERE id = OLD.policy_id;
END;
