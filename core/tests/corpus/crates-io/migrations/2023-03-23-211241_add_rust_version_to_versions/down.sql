ALTER TABLE versions DROP COLUMN rust_version;
