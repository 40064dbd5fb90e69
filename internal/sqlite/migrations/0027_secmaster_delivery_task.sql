-- The task that last delivered each defense entry. A large task is
-- delivered in several transactions (a bounded number of enforcement rows
-- each, see secmaster's worker); the policy's DELIVER record is written by
-- the transaction that delivers its last pending entry, and counts the
-- entries this task delivered.
ALTER TABLE secmaster_defenses ADD COLUMN delivered_task_id TEXT NOT NULL DEFAULT '';
