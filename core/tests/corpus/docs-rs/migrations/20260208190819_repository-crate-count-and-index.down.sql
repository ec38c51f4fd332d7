ALTER TABLE repositories DROP COLUMN crate_count;
DROP INDEX repositories_name_idx;
