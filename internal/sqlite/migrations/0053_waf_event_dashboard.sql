-- The dashboard's top lists group a project's events of a time window by
-- client address, host, attack type, action or location: this index covers
-- those columns, so grouping reads no table row.
CREATE INDEX waf_events_dashboard ON waf_events(project_id, time, enterprise_project_id, host_id, attack, action,
	client_ip, location, status);
