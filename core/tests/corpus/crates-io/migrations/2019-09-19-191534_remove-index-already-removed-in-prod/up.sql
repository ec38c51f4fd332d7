DROP INDEX IF EXISTS index_version_crate_id;
