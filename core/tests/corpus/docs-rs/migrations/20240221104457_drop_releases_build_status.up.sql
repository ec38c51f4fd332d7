ALTER TABLE releases DROP COLUMN build_status;
