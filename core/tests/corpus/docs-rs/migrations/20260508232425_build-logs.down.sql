DROP INDEX IF EXISTS build_logs_build_id_idx;
DROP TABLE builds_logs;
