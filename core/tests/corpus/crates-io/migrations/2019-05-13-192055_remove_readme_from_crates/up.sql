-- Your SQL goes here
ALTER TABLE crates DROP COLUMN readme_file;
