DROP INDEX builds_build_status_idx;
