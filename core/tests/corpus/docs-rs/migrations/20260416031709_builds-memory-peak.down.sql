DROP INDEX builds_memory_peak_idx;
ALTER TABLE builds DROP COLUMN memory_peak;
