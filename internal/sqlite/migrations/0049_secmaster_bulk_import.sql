-- Bulk imports of emergency policies (rampart admin decisions import) write
-- hundreds of thousands of enforcement rows at once. Logging each one in
-- secmaster_enforcement_changes would double the cost of the import and
-- push every other change out of the log. While the import's transaction
-- holds a row in secmaster_enforcement_quiet, the insert trigger does not
-- log; the import then logs one row per defense entry it wrote, with an
-- empty object, which readers take as "every row of this defense entry".
-- Updates and deletes are always logged row by row.
CREATE TABLE secmaster_enforcement_quiet (
	holder TEXT PRIMARY KEY
);

DROP TRIGGER secmaster_enforcement_ins;
CREATE TRIGGER secmaster_enforcement_ins AFTER INSERT ON secmaster_enforcement
WHEN NOT EXISTS (SELECT 1 FROM secmaster_enforcement_quiet)
BEGIN
	INSERT INTO secmaster_enforcement_changes(target_project_id, defense_id, object) VALUES (NEW.target_project_id, NEW.defense_id, NEW.object);
	DELETE FROM secmaster_enforcement_changes WHERE seq <= (SELECT MAX(seq) FROM secmaster_enforcement_changes) - 100000;
END;
