-- WAF: protection policies, hosts, certificates, rules of every kind, IP
-- address groups and reference tables. Every table has seq, an identity
-- that orders rows by creation for paging; JSON documents are jsonb in the
-- same shape as the SQLite backend's, so that rows can be copied between
-- the backends.
CREATE TABLE waf_policies (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	level                 integer NOT NULL,
	full_detection        boolean NOT NULL,
	log_action_replaced   boolean NOT NULL,
	robot_action          text NOT NULL,
	action                text NOT NULL,
	followed_action_id    text NOT NULL,
	options               jsonb NOT NULL,
	modulex_options       jsonb NOT NULL,
	extend                jsonb NOT NULL,
	created_at            timestamptz,
	-- Rule counters, kept by the waf_rule_count triggers below, so that rule
	-- lists know their total without counting rows.
	geoip_count           bigint NOT NULL DEFAULT 0,
	reputation_count      bigint NOT NULL DEFAULT 0,
	whiteblackip_count    bigint NOT NULL DEFAULT 0,
	ignore_count          bigint NOT NULL DEFAULT 0,
	custom_count          bigint NOT NULL DEFAULT 0,
	cc_count              bigint NOT NULL DEFAULT 0,
	punishment_count      bigint NOT NULL DEFAULT 0,
	UNIQUE (project_id, name)
);
CREATE INDEX waf_policies_project_ep ON waf_policies (project_id, enterprise_project_id, seq);

CREATE TABLE waf_certificates (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	content               text NOT NULL,
	key                   text NOT NULL,
	expire_time           timestamptz,
	created_at            timestamptz
);
CREATE INDEX waf_certificates_project_ep ON waf_certificates (project_id, enterprise_project_id, seq);

-- Host names are unique per project regardless of case (the data plane
-- serves one host per name).
CREATE TABLE waf_hosts (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	enterprise_project_id text NOT NULL,
	hostname              text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id),
	servers               jsonb NOT NULL,
	proxy                 boolean NOT NULL,
	lb_algorithm          text NOT NULL,
	protect_status        integer NOT NULL,
	access_status         integer NOT NULL,
	access_code           text NOT NULL,
	settings              jsonb NOT NULL, -- the other settings, certificateid among them
	created_at            timestamptz
);
CREATE UNIQUE INDEX waf_hosts_hostname ON waf_hosts (project_id, lower(hostname));
CREATE INDEX waf_hosts_policy ON waf_hosts (policy_id, seq);
CREATE INDEX waf_hosts_project_ep ON waf_hosts (project_id, enterprise_project_id, seq);
CREATE INDEX waf_hosts_certificate ON waf_hosts (project_id, (settings ->> 'certificateid'));

CREATE TABLE waf_geoip_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	geoip                 text NOT NULL,
	white                 integer NOT NULL,
	status                integer NOT NULL,
	ip_type               text NOT NULL,
	description           text NOT NULL,
	created_at            timestamptz
);
CREATE INDEX waf_geoip_rules_policy ON waf_geoip_rules (project_id, policy_id, seq);

-- One location in at most one geolocation rule per policy.
CREATE TABLE waf_geoip_locations (
	policy_id text NOT NULL,
	code      text NOT NULL,
	rule_id   text NOT NULL REFERENCES waf_geoip_rules (id) ON DELETE CASCADE,
	PRIMARY KEY (policy_id, code)
);
CREATE INDEX waf_geoip_locations_rule ON waf_geoip_locations (rule_id);

CREATE TABLE waf_reputation_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	description           text NOT NULL,
	type                  text NOT NULL,
	tags                  jsonb NOT NULL,
	action                text NOT NULL,
	status                integer NOT NULL,
	created_at            timestamptz
);
CREATE INDEX waf_reputation_rules_policy ON waf_reputation_rules (project_id, policy_id, seq);

-- One IDC tag in at most one IP-reputation rule per policy.
CREATE TABLE waf_reputation_tags (
	policy_id text NOT NULL,
	tag       text NOT NULL,
	rule_id   text NOT NULL REFERENCES waf_reputation_rules (id) ON DELETE CASCADE,
	PRIMARY KEY (policy_id, tag)
);
CREATE INDEX waf_reputation_tags_rule ON waf_reputation_tags (rule_id);

CREATE TABLE waf_ip_groups (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	ips                   text[] NOT NULL, -- the entries, as given
	remarks               jsonb NOT NULL,
	description           text NOT NULL,
	created_at            timestamptz,
	UNIQUE (project_id, name)
);
CREATE INDEX waf_ip_groups_project_ep ON waf_ip_groups (project_id, enterprise_project_id, seq);

-- The parsed prefixes of each group, for the "groups containing this IP"
-- filter (the GiST index answers >>=).
CREATE TABLE waf_ip_group_prefixes (
	group_id text NOT NULL REFERENCES waf_ip_groups (id) ON DELETE CASCADE,
	prefix   cidr NOT NULL
);
CREATE INDEX waf_ip_group_prefixes_group ON waf_ip_group_prefixes (group_id);
CREATE INDEX waf_ip_group_prefixes_prefix ON waf_ip_group_prefixes USING gist (prefix inet_ops);

CREATE TABLE waf_whiteblackip_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	addr                  text NOT NULL,
	ip_group_id           text REFERENCES waf_ip_groups (id),
	white                 integer NOT NULL,
	status                integer NOT NULL,
	time_mode             text NOT NULL,
	start                 bigint NOT NULL,
	terminal              bigint NOT NULL,
	description           text NOT NULL,
	created_at            timestamptz
);
CREATE INDEX waf_whiteblackip_rules_policy ON waf_whiteblackip_rules (project_id, policy_id, seq);
CREATE INDEX waf_whiteblackip_rules_group ON waf_whiteblackip_rules (ip_group_id) WHERE ip_group_id IS NOT NULL;

-- A log of whiteblackip rule writes, so the decision engine reads the
-- rules that changed rather than every rule. The trigger fills it and, as
-- the SecMaster enforcement log does, draws its seq under the log's
-- transaction advisory lock (first key 0x52414d04), so that seqs follow
-- commit order and a reader resuming after a seq never skips a later commit.
CREATE TABLE waf_whiteblackip_changes (
	seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id text NOT NULL,
	rule_id    text NOT NULL
);
CREATE INDEX waf_whiteblackip_changes_project ON waf_whiteblackip_changes (project_id, seq);

CREATE FUNCTION waf_whiteblackip_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(1380011268, hashtext(current_schema()));
	IF TG_OP = 'DELETE' THEN
		INSERT INTO waf_whiteblackip_changes (project_id, rule_id) SELECT project_id, id FROM old_rows;
	ELSE
		INSERT INTO waf_whiteblackip_changes (project_id, rule_id) SELECT project_id, id FROM new_rows;
	END IF;
	DELETE FROM waf_whiteblackip_changes WHERE seq <= (SELECT max(seq) FROM waf_whiteblackip_changes) - 100000;
	RETURN NULL;
END
$$;

-- Statement triggers: one log insert per statement, however many rules it
-- wrote.
CREATE TRIGGER waf_whiteblackip_log_ins AFTER INSERT ON waf_whiteblackip_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_whiteblackip_log();
CREATE TRIGGER waf_whiteblackip_log_upd AFTER UPDATE ON waf_whiteblackip_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_whiteblackip_log();
CREATE TRIGGER waf_whiteblackip_log_del AFTER DELETE ON waf_whiteblackip_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_whiteblackip_log();

CREATE TABLE waf_ignore_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	domains               jsonb NOT NULL,
	conditions            jsonb NOT NULL,
	mode                  integer NOT NULL,
	rule                  text NOT NULL,
	advanced              jsonb, -- NULL when absent
	description           text NOT NULL,
	status                integer NOT NULL,
	created_at            timestamptz,
	updated_at            timestamptz,
	cleared_at            timestamptz, -- NULL: never reset
	hit_num               bigint NOT NULL DEFAULT 0
);
CREATE INDEX waf_ignore_rules_policy ON waf_ignore_rules (project_id, policy_id, seq);

CREATE TABLE waf_value_lists (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	type                  text NOT NULL,
	"values"              jsonb NOT NULL,
	description           text NOT NULL,
	created_at            timestamptz,
	UNIQUE (project_id, name)
);
CREATE INDEX waf_value_lists_project_ep ON waf_value_lists (project_id, enterprise_project_id, seq);

CREATE TABLE waf_custom_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	description           text NOT NULL,
	time_limited          boolean NOT NULL,
	start                 bigint NOT NULL,
	terminal              bigint NOT NULL,
	conditions            jsonb NOT NULL,
	action                jsonb NOT NULL,
	priority              integer NOT NULL,
	status                integer NOT NULL,
	created_at            timestamptz
);
CREATE INDEX waf_custom_rules_policy ON waf_custom_rules (project_id, policy_id, seq);
CREATE INDEX waf_custom_rules_conditions ON waf_custom_rules USING gin (conditions jsonb_path_ops);

CREATE TABLE waf_cc_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	name                  text NOT NULL,
	description           text NOT NULL,
	mode                  integer NOT NULL,
	url                   text NOT NULL,
	prefix                boolean NOT NULL,
	conditions            jsonb NOT NULL,
	action                jsonb NOT NULL,
	tag_type              text NOT NULL,
	tag_index             text NOT NULL,
	tag_condition         jsonb, -- NULL without one
	limit_num             integer NOT NULL,
	limit_period          integer NOT NULL,
	unlock_num            integer NOT NULL,
	lock_time             integer NOT NULL,
	domain_aggregation    boolean NOT NULL,
	region_aggregation    boolean NOT NULL,
	priority              integer,
	cc_priority           integer,
	status                integer NOT NULL,
	created_at            timestamptz
);
CREATE INDEX waf_cc_rules_policy ON waf_cc_rules (project_id, policy_id, seq);
CREATE INDEX waf_cc_rules_conditions ON waf_cc_rules USING gin (conditions jsonb_path_ops);

CREATE TABLE waf_punishment_rules (
	seq                   bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	id                    text PRIMARY KEY,
	project_id            text NOT NULL,
	policy_id             text NOT NULL REFERENCES waf_policies (id) ON DELETE CASCADE,
	enterprise_project_id text NOT NULL,
	category              text NOT NULL,
	block_time            integer NOT NULL,
	time_unit             text NOT NULL,
	description           text NOT NULL,
	created_at            timestamptz,
	UNIQUE (policy_id, category)
);
CREATE INDEX waf_punishment_rules_policy ON waf_punishment_rules (project_id, policy_id, seq);

-- Protection events of the data plane.
CREATE TABLE waf_events (
	seq                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id                    text NOT NULL UNIQUE,
	project_id            text NOT NULL,
	enterprise_project_id text NOT NULL,
	time                  timestamptz NOT NULL,
	host_id               text NOT NULL,
	host                  text NOT NULL,
	policy_id             text NOT NULL,
	client_ip             text NOT NULL,
	location              text NOT NULL,
	tag                   text NOT NULL,
	rule_type             text NOT NULL,
	rule_id               text NOT NULL,
	action                text NOT NULL,
	method                text NOT NULL,
	url                   text NOT NULL,
	status                integer NOT NULL,
	attack                text NOT NULL,
	payload               text NOT NULL,
	payload_location      text NOT NULL
);
CREATE INDEX waf_events_project_time ON waf_events (project_id, time, seq);

-- The rule counters of waf_policies: each rule table's statement triggers
-- name its counter column and add (or take away) the rules the statement
-- inserted (or deleted) per policy, one update per policy and statement.
-- Cascaded deletes fire them too (the policy row is gone by then, and the
-- update changes nothing).
CREATE FUNCTION waf_rule_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		EXECUTE format('UPDATE waf_policies p SET %1$I = p.%1$I + c.n
			FROM (SELECT policy_id, count(*) AS n FROM new_rows GROUP BY policy_id) c WHERE p.id = c.policy_id', TG_ARGV[0]);
	ELSE
		EXECUTE format('UPDATE waf_policies p SET %1$I = p.%1$I - c.n
			FROM (SELECT policy_id, count(*) AS n FROM old_rows GROUP BY policy_id) c WHERE p.id = c.policy_id', TG_ARGV[0]);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER waf_geoip_rules_count_ins AFTER INSERT ON waf_geoip_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('geoip_count');
CREATE TRIGGER waf_geoip_rules_count_del AFTER DELETE ON waf_geoip_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('geoip_count');
CREATE TRIGGER waf_reputation_rules_count_ins AFTER INSERT ON waf_reputation_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('reputation_count');
CREATE TRIGGER waf_reputation_rules_count_del AFTER DELETE ON waf_reputation_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('reputation_count');
CREATE TRIGGER waf_whiteblackip_rules_count_ins AFTER INSERT ON waf_whiteblackip_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('whiteblackip_count');
CREATE TRIGGER waf_whiteblackip_rules_count_del AFTER DELETE ON waf_whiteblackip_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('whiteblackip_count');
CREATE TRIGGER waf_ignore_rules_count_ins AFTER INSERT ON waf_ignore_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('ignore_count');
CREATE TRIGGER waf_ignore_rules_count_del AFTER DELETE ON waf_ignore_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('ignore_count');
CREATE TRIGGER waf_custom_rules_count_ins AFTER INSERT ON waf_custom_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('custom_count');
CREATE TRIGGER waf_custom_rules_count_del AFTER DELETE ON waf_custom_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('custom_count');
CREATE TRIGGER waf_cc_rules_count_ins AFTER INSERT ON waf_cc_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('cc_count');
CREATE TRIGGER waf_cc_rules_count_del AFTER DELETE ON waf_cc_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('cc_count');
CREATE TRIGGER waf_punishment_rules_count_ins AFTER INSERT ON waf_punishment_rules
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('punishment_count');
CREATE TRIGGER waf_punishment_rules_count_del AFTER DELETE ON waf_punishment_rules
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION waf_rule_count('punishment_count');
