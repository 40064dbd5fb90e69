-- A log of writes to secmaster_enforcement, so the decision engine reads the
-- entries that changed rather than every entry a project's layers enforce.
-- Triggers fill it (no write path can forget it) and keep its last 100,000
-- rows; a reader whose cursor is older than the oldest row reloads every
-- entry.
CREATE TABLE secmaster_enforcement_changes (
	seq               INTEGER PRIMARY KEY AUTOINCREMENT,
	target_project_id TEXT NOT NULL,
	defense_id        TEXT NOT NULL,
	object            TEXT NOT NULL
);
CREATE INDEX secmaster_enforcement_changes_project ON secmaster_enforcement_changes(target_project_id, seq);

CREATE TRIGGER secmaster_enforcement_ins AFTER INSERT ON secmaster_enforcement BEGIN
	INSERT INTO secmaster_enforcement_changes(target_project_id, defense_id, object) VALUES (NEW.target_project_id, NEW.defense_id, NEW.object);
	DELETE FROM secmaster_enforcement_changes WHERE seq <= (SELECT MAX(seq) FROM secmaster_enforcement_changes) - 100000;
END;

CREATE TRIGGER secmaster_enforcement_upd AFTER UPDATE ON secmaster_enforcement BEGIN
	INSERT INTO secmaster_enforcement_changes(target_project_id, defense_id, object) VALUES (OLD.target_project_id, OLD.defense_id, OLD.object);
	INSERT INTO secmaster_enforcement_changes(target_project_id, defense_id, object) VALUES (NEW.target_project_id, NEW.defense_id, NEW.object);
	DELETE FROM secmaster_enforcement_changes WHERE seq <= (SELECT MAX(seq) FROM secmaster_enforcement_changes) - 100000;
END;

CREATE TRIGGER secmaster_enforcement_del AFTER DELETE ON secmaster_enforcement BEGIN
	INSERT INTO secmaster_enforcement_changes(target_project_id, defense_id, object) VALUES (OLD.target_project_id, OLD.defense_id, OLD.object);
	DELETE FROM secmaster_enforcement_changes WHERE seq <= (SELECT MAX(seq) FROM secmaster_enforcement_changes) - 100000;
END;
