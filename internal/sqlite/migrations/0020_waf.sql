-- WAF: protection policies, hosts (cloud mode), geolocation, IP-reputation
-- and black/white IP rules, IP address groups. Timestamps are Unix ms;
-- seq gives every row a stable creation order for paging.
CREATE TABLE waf_policies (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	level                 INTEGER NOT NULL,
	full_detection        INTEGER NOT NULL,
	log_action_replaced   INTEGER NOT NULL,
	robot_action          TEXT NOT NULL,
	action                TEXT NOT NULL,
	followed_action_id    TEXT NOT NULL,
	options               TEXT NOT NULL, -- JSON object of booleans
	modulex_options       TEXT NOT NULL, -- JSON object
	extend                TEXT NOT NULL, -- JSON object of strings
	created_at            INTEGER NOT NULL,
	-- Rule counters, kept by the triggers below, so that rule lists know
	-- their total without counting rows.
	geoip_count           INTEGER NOT NULL DEFAULT 0,
	reputation_count      INTEGER NOT NULL DEFAULT 0,
	whiteblackip_count    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (project_id, name)
);
CREATE INDEX waf_policies_project_ep ON waf_policies(project_id, enterprise_project_id, seq);

CREATE TABLE waf_hosts (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	hostname              TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id),
	servers               TEXT NOT NULL, -- JSON array
	proxy                 INTEGER NOT NULL,
	lb_algorithm          TEXT NOT NULL,
	protect_status        INTEGER NOT NULL,
	access_status         INTEGER NOT NULL,
	access_code           TEXT NOT NULL,
	settings              TEXT NOT NULL, -- JSON object of the other settings
	created_at            INTEGER NOT NULL,
	UNIQUE (project_id, hostname)
);
CREATE INDEX waf_hosts_policy ON waf_hosts(policy_id);
CREATE INDEX waf_hosts_project_ep ON waf_hosts(project_id, enterprise_project_id, seq);

CREATE TABLE waf_geoip_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	geoip                 TEXT NOT NULL,
	white                 INTEGER NOT NULL,
	status                INTEGER NOT NULL,
	ip_type               TEXT NOT NULL,
	description           TEXT NOT NULL,
	created_at            INTEGER NOT NULL
);
CREATE INDEX waf_geoip_rules_policy ON waf_geoip_rules(policy_id, project_id, seq);
CREATE INDEX waf_geoip_rules_project ON waf_geoip_rules(project_id, seq);

-- One location in at most one geolocation rule per policy.
CREATE TABLE waf_geoip_locations (
	policy_id TEXT NOT NULL,
	code      TEXT NOT NULL,
	rule_id   TEXT NOT NULL REFERENCES waf_geoip_rules(id) ON DELETE CASCADE,
	PRIMARY KEY (policy_id, code)
);
CREATE INDEX waf_geoip_locations_rule ON waf_geoip_locations(rule_id);

CREATE TABLE waf_reputation_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	description           TEXT NOT NULL,
	type                  TEXT NOT NULL,
	tags                  TEXT NOT NULL, -- JSON array
	action                TEXT NOT NULL,
	status                INTEGER NOT NULL,
	created_at            INTEGER NOT NULL
);
CREATE INDEX waf_reputation_rules_policy ON waf_reputation_rules(policy_id, project_id, seq);
CREATE INDEX waf_reputation_rules_project ON waf_reputation_rules(project_id, seq);

-- One IDC tag in at most one IP-reputation rule per policy.
CREATE TABLE waf_reputation_tags (
	policy_id TEXT NOT NULL,
	tag       TEXT NOT NULL,
	rule_id   TEXT NOT NULL REFERENCES waf_reputation_rules(id) ON DELETE CASCADE,
	PRIMARY KEY (policy_id, tag)
);
CREATE INDEX waf_reputation_tags_rule ON waf_reputation_tags(rule_id);

CREATE TABLE waf_ip_groups (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	ips                   TEXT NOT NULL, -- comma-separated entries
	remarks               TEXT NOT NULL, -- JSON object
	description           TEXT NOT NULL,
	created_at            INTEGER NOT NULL,
	UNIQUE (project_id, name)
);
CREATE INDEX waf_ip_groups_project_ep ON waf_ip_groups(project_id, enterprise_project_id, seq);

-- The address ranges of each group entry, as 16-byte big-endian bounds
-- (IPv4 mapped into IPv6), for the "groups containing this IP" filter.
CREATE TABLE waf_ip_group_ranges (
	group_id TEXT NOT NULL REFERENCES waf_ip_groups(id) ON DELETE CASCADE,
	lo       BLOB NOT NULL,
	hi       BLOB NOT NULL
);
CREATE INDEX waf_ip_group_ranges_group ON waf_ip_group_ranges(group_id);

CREATE TABLE waf_whiteblackip_rules (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	policy_id             TEXT NOT NULL REFERENCES waf_policies(id) ON DELETE CASCADE,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	addr                  TEXT NOT NULL,
	ip_group_id           TEXT REFERENCES waf_ip_groups(id),
	white                 INTEGER NOT NULL,
	status                INTEGER NOT NULL,
	time_mode             TEXT NOT NULL,
	start                 INTEGER NOT NULL,
	terminal              INTEGER NOT NULL,
	description           TEXT NOT NULL,
	created_at            INTEGER NOT NULL
);
CREATE INDEX waf_whiteblackip_rules_policy ON waf_whiteblackip_rules(policy_id, project_id, seq, name);
CREATE INDEX waf_whiteblackip_rules_project ON waf_whiteblackip_rules(project_id, seq);
CREATE INDEX waf_whiteblackip_rules_group ON waf_whiteblackip_rules(ip_group_id) WHERE ip_group_id IS NOT NULL;

-- Rule counters of waf_policies. Cascaded deletes fire these too.
CREATE TRIGGER waf_geoip_rules_count_ins AFTER INSERT ON waf_geoip_rules BEGIN
	UPDATE waf_policies SET geoip_count = geoip_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_geoip_rules_count_del AFTER DELETE ON waf_geoip_rules BEGIN
	UPDATE waf_policies SET geoip_count = geoip_count - 1 WHERE id = OLD.policy_id;
END;
CREATE TRIGGER waf_reputation_rules_count_ins AFTER INSERT ON waf_reputation_rules BEGIN
	UPDATE waf_policies SET reputation_count = reputation_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_reputation_rules_count_del AFTER DELETE ON waf_reputation_rules BEGIN
	UPDATE waf_policies SET reputation_count = reputation_count - 1 WHERE id = OLD.policy_id;
END;
CREATE TRIGGER waf_whiteblackip_rules_count_ins AFTER INSERT ON waf_whiteblackip_rules BEGIN
	UPDATE waf_policies SET whiteblackip_count = whiteblackip_count + 1 WHERE id = NEW.policy_id;
END;
CREATE TRIGGER waf_whiteblackip_rules_count_del AFTER DELETE ON waf_whiteblackip_rules BEGIN
	UPDATE waf_policies SET whiteblackip_count = whiteblackip_count - 1 WHERE id = OLD.policy_id;
END;
