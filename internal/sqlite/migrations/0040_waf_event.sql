-- WAF protection events: requests the data plane blocked or logged.
-- Append-only; retention deletes by age and keeps the newest N per project
-- (waf.RecorderConfig). time is Unix ms; seq orders events of the same ms.
CREATE TABLE waf_events (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	time                  INTEGER NOT NULL,
	host_id               TEXT NOT NULL,
	host                  TEXT NOT NULL,
	policy_id             TEXT NOT NULL,
	client_ip             TEXT NOT NULL,
	location              TEXT NOT NULL,
	tag                   TEXT NOT NULL,
	rule_type             TEXT NOT NULL,
	rule_id               TEXT NOT NULL,
	action                TEXT NOT NULL,
	method                TEXT NOT NULL,
	url                   TEXT NOT NULL,
	status                INTEGER NOT NULL
);
-- Lists walk this index in time order; it covers the enterprise-project
-- condition, so counting a window reads no table row.
CREATE INDEX waf_events_project_time ON waf_events(project_id, time, seq, enterprise_project_id);
