-- Basic web protection events: the attack type (Huawei's names, for every
-- event: web attacks such as sqli or xss, and the custom_* types of the
-- address rules, so that ListEvent's attacks filter is one column), the
-- excerpt of the request that matched (payload) and where (url, params,
-- cookie, header or body).
ALTER TABLE waf_events ADD COLUMN attack TEXT NOT NULL DEFAULT '';
ALTER TABLE waf_events ADD COLUMN payload TEXT NOT NULL DEFAULT '';
ALTER TABLE waf_events ADD COLUMN payload_location TEXT NOT NULL DEFAULT '';
UPDATE waf_events SET attack = CASE rule_type
	WHEN 'emergency' THEN 'custom_blackip'
	WHEN 'whiteblackip' THEN 'custom_whiteblackip'
	WHEN 'geoip' THEN 'custom_geoip'
	WHEN 'ip_reputation' THEN 'custom_idc_ip'
	ELSE 'vuln' END;
