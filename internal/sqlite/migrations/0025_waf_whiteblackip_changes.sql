-- A log of whiteblackip rule writes, so the decision engine reads the rules
-- that changed rather than every rule of a project. Triggers fill it (no
-- write path can forget it) and keep its last 100,000 rows; a reader whose
-- cursor is older than the oldest row reloads every rule.
CREATE TABLE waf_whiteblackip_changes (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	project_id TEXT NOT NULL,
	rule_id    TEXT NOT NULL
);
CREATE INDEX waf_whiteblackip_changes_project ON waf_whiteblackip_changes(project_id, seq);

CREATE TRIGGER waf_whiteblackip_rules_ins AFTER INSERT ON waf_whiteblackip_rules BEGIN
	INSERT INTO waf_whiteblackip_changes(project_id, rule_id) VALUES (NEW.project_id, NEW.id);
	DELETE FROM waf_whiteblackip_changes WHERE seq <= (SELECT MAX(seq) FROM waf_whiteblackip_changes) - 100000;
END;

CREATE TRIGGER waf_whiteblackip_rules_upd AFTER UPDATE ON waf_whiteblackip_rules BEGIN
	INSERT INTO waf_whiteblackip_changes(project_id, rule_id) VALUES (NEW.project_id, NEW.id);
	DELETE FROM waf_whiteblackip_changes WHERE seq <= (SELECT MAX(seq) FROM waf_whiteblackip_changes) - 100000;
END;

CREATE TRIGGER waf_whiteblackip_rules_del AFTER DELETE ON waf_whiteblackip_rules BEGIN
	INSERT INTO waf_whiteblackip_changes(project_id, rule_id) VALUES (OLD.project_id, OLD.id);
	DELETE FROM waf_whiteblackip_changes WHERE seq <= (SELECT MAX(seq) FROM waf_whiteblackip_changes) - 100000;
END;
