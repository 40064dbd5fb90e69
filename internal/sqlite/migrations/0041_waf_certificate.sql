-- WAF HTTPS certificates: PEM chain and private key (a secret, like the
-- access-key secrets of 0001: the database file is created mode 0600).
-- Hosts reference a certificate by the certificateid of their settings.
CREATE TABLE waf_certificates (
	seq                   INTEGER PRIMARY KEY,
	id                    TEXT NOT NULL UNIQUE,
	project_id            TEXT NOT NULL,
	enterprise_project_id TEXT NOT NULL,
	name                  TEXT NOT NULL,
	content               TEXT NOT NULL,
	key                   TEXT NOT NULL,
	expire_time           INTEGER NOT NULL,
	created_at            INTEGER NOT NULL
);
CREATE INDEX waf_certificates_project_ep ON waf_certificates(project_id, enterprise_project_id, seq);
CREATE INDEX waf_hosts_certificate ON waf_hosts(project_id, json_extract(settings, '$.certificateid'));
