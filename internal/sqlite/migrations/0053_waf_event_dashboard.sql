-- The dashboard's top lists group a project's events of a time window by
-- client address, URL path, host, attack type, action or location.
-- waf_events_dashboard covers those columns for the raw scans (the parts
-- of a window that are not whole hours, and the lists with a status
-- filter); waf_event_rollup holds the number of events per UTC hour of
-- each group (field is the waf.EventField grouped by; host is the request
-- host for URL paths, '' otherwise), written with the events.
CREATE INDEX waf_events_dashboard ON waf_events(project_id, time, enterprise_project_id, host_id, attack, action,
	client_ip, location, status);
CREATE TABLE waf_event_rollup (
	project_id            TEXT NOT NULL,
	field                 INTEGER NOT NULL,
	hour                  INTEGER NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	host_id               TEXT NOT NULL,
	key                   TEXT NOT NULL,
	host                  TEXT NOT NULL,
	num                   INTEGER NOT NULL,
	PRIMARY KEY (project_id, field, hour, enterprise_project_id, host_id, key, host)
) WITHOUT ROWID;
CREATE INDEX waf_event_rollup_hour ON waf_event_rollup(hour);
