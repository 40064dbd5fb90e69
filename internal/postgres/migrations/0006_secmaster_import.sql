-- Bulk imports of emergency policies (rampart admin decisions import) write
-- hundreds of thousands of enforcement rows at once. Logging each one in
-- secmaster_enforcement_changes would double the cost of the import and
-- push every other change out of the log. While the import's transaction
-- has the transaction-local setting rampart.enforcement_quiet set to 'on',
-- the insert trigger does not log; the import then logs one row per
-- defense entry it wrote, with an empty object, which readers take as
-- "every row of this defense entry". Updates and deletes are always logged
-- row by row. The log's advisory lock is taken either way, so its seq
-- stays commit-ordered.
CREATE OR REPLACE FUNCTION secmaster_enforcement_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(1380011267, hashtext(current_schema()));
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		INSERT INTO secmaster_enforcement_changes (target_project_id, defense_id, object)
			SELECT target_project_id, defense_id, object FROM old_rows;
	END IF;
	IF TG_OP = 'UPDATE' OR (TG_OP = 'INSERT' AND current_setting('rampart.enforcement_quiet', true) IS DISTINCT FROM 'on') THEN
		INSERT INTO secmaster_enforcement_changes (target_project_id, defense_id, object)
			SELECT target_project_id, defense_id, object FROM new_rows;
	END IF;
	RETURN NULL;
END
$$;
