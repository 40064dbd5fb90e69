-- WAF traffic counters: what the data plane counted per protected host per
-- minute. Every data-plane node adds its counts to the same row; retention
-- deletes rows older than 30 days (waf.TrafficMaxAge). upstream_Nxx:
-- responses of the origin by status class; local_Nxx: responses Rampart
-- generated; the others count protection events by module and action, and
-- crawler the robot detections of basic web protection.
CREATE TABLE waf_traffic (
	project_id            text NOT NULL,
	minute                timestamptz NOT NULL,
	host_id               text NOT NULL,
	enterprise_project_id text NOT NULL,
	upstream_1xx          bigint NOT NULL DEFAULT 0,
	upstream_2xx          bigint NOT NULL DEFAULT 0,
	upstream_3xx          bigint NOT NULL DEFAULT 0,
	upstream_4xx          bigint NOT NULL DEFAULT 0,
	upstream_5xx          bigint NOT NULL DEFAULT 0,
	local_1xx             bigint NOT NULL DEFAULT 0,
	local_2xx             bigint NOT NULL DEFAULT 0,
	local_3xx             bigint NOT NULL DEFAULT 0,
	local_4xx             bigint NOT NULL DEFAULT 0,
	local_5xx             bigint NOT NULL DEFAULT 0,
	address_block         bigint NOT NULL DEFAULT 0,
	address_log           bigint NOT NULL DEFAULT 0,
	web_block             bigint NOT NULL DEFAULT 0,
	web_log               bigint NOT NULL DEFAULT 0,
	precise_block         bigint NOT NULL DEFAULT 0,
	precise_log           bigint NOT NULL DEFAULT 0,
	cc_block              bigint NOT NULL DEFAULT 0,
	cc_log                bigint NOT NULL DEFAULT 0,
	punishment_block      bigint NOT NULL DEFAULT 0,
	punishment_log        bigint NOT NULL DEFAULT 0,
	crawler               bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (project_id, minute, host_id, enterprise_project_id)
);
-- Retention walks rows by age across projects.
CREATE INDEX waf_traffic_minute ON waf_traffic (minute);

-- The dashboard's top lists group a project's events of a time window by
-- client address, URL path, host, attack type, action or location.
-- waf_events_dashboard covers those columns for the raw scans (the parts
-- of a window that are not whole hours, and the lists with a status
-- filter); waf_event_rollup holds the number of events per UTC hour of
-- each group (field is the waf.EventField grouped by; host is the request
-- host for URL paths, '' otherwise), written with the events.
CREATE INDEX waf_events_dashboard ON waf_events (project_id, time, enterprise_project_id, host_id, attack, action,
	client_ip, location, status);
CREATE TABLE waf_event_rollup (
	project_id            text NOT NULL,
	field                 integer NOT NULL,
	hour                  timestamptz NOT NULL,
	enterprise_project_id text NOT NULL,
	host_id               text NOT NULL,
	key                   text NOT NULL,
	host                  text NOT NULL,
	num                   bigint NOT NULL,
	PRIMARY KEY (project_id, field, hour, enterprise_project_id, host_id, key, host)
);
CREATE INDEX waf_event_rollup_hour ON waf_event_rollup (hour);
