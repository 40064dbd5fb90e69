-- WAF traffic counters: what the data plane counted per protected host per
-- minute (minute is the Unix ms of the minute's start). Every data-plane
-- node adds its counts to the same row; retention deletes rows older than
-- 30 days (waf.TrafficMaxAge). upstream_Nxx: responses of the origin by
-- status class; local_Nxx: responses Rampart generated; the others count
-- protection events by module and action, and crawler the robot
-- detections of basic web protection.
CREATE TABLE waf_traffic (
	project_id            TEXT NOT NULL,
	minute                INTEGER NOT NULL,
	host_id               TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	upstream_1xx          INTEGER NOT NULL DEFAULT 0,
	upstream_2xx          INTEGER NOT NULL DEFAULT 0,
	upstream_3xx          INTEGER NOT NULL DEFAULT 0,
	upstream_4xx          INTEGER NOT NULL DEFAULT 0,
	upstream_5xx          INTEGER NOT NULL DEFAULT 0,
	local_1xx             INTEGER NOT NULL DEFAULT 0,
	local_2xx             INTEGER NOT NULL DEFAULT 0,
	local_3xx             INTEGER NOT NULL DEFAULT 0,
	local_4xx             INTEGER NOT NULL DEFAULT 0,
	local_5xx             INTEGER NOT NULL DEFAULT 0,
	address_block         INTEGER NOT NULL DEFAULT 0,
	address_log           INTEGER NOT NULL DEFAULT 0,
	web_block             INTEGER NOT NULL DEFAULT 0,
	web_log               INTEGER NOT NULL DEFAULT 0,
	precise_block         INTEGER NOT NULL DEFAULT 0,
	precise_log           INTEGER NOT NULL DEFAULT 0,
	cc_block              INTEGER NOT NULL DEFAULT 0,
	cc_log                INTEGER NOT NULL DEFAULT 0,
	punishment_block      INTEGER NOT NULL DEFAULT 0,
	punishment_log        INTEGER NOT NULL DEFAULT 0,
	crawler               INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, minute, host_id, enterprise_project_id)
) WITHOUT ROWID;
-- Retention walks rows by age across projects.
CREATE INDEX waf_traffic_minute ON waf_traffic(minute);
