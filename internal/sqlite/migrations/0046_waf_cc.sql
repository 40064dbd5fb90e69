-- WAF CC attack protection rules. conditions (mode 1), action and
-- tag_condition are JSON; priority and cc_priority are NULL when unset.
ALTER TABLE waf_policies ADD COLUMN cc_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE waf_cc_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	description           TEXT NOT NULL,
	mode                  INTEGER NOT NULL,
	url                   TEXT NOT NULL,
	prefix                INTEGER NOT NULL,
	conditions            TEXT NOT NULL, -- JSON array
	action                TEXT NOT NULL, -- JSON object
	tag_type              TEXT NOT NULL,
	tag_index             TEXT NOT NULL,
	tag_condition         TEXT,          -- JSON object, NULL without one
	limit_num             INTEGER NOT NULL,
	limit_period          INTEGER NOT NULL,
	unlock_num            INTEGER NOT NULL,
	lock_time             INTEGER NOT NULL,
	domain_aggregation    INTEGER NOT NULL,
	region_aggregation    INTEGER NOT NULL,
	priority              INTEGER,
	cc_priority           INTEGER,
	status                INTEGER NOT NULL,
	created_at            INTEGER NOT NULL
);
CREATE INDEX waf_cc_rules_policy ON waf_cc_rules(policy_id, project_id, seq);
CREATE INDEX waf_cc_rules_project ON waf_cc_rules(project_id, seq);

CREATE TRIGGER waf_cc_rules_count_ins AFTER INSERT ON waf_cc_rules BEGIN
	UPDATE waf_policies SET cc_count = cc_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_cc_rules_count_del AFTER DELETE ON waf_cc_rules BEGIN
	UPDATE waf_policies SET cc_count = cc_count - 1 WHERE id = OLD.policy_id;
END;
