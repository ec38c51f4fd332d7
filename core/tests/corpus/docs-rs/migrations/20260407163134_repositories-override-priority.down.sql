ALTER TABLE repositories DROP COLUMN override_build_priority;
