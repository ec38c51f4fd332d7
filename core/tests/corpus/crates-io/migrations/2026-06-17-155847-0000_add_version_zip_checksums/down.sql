ALTER TABLE versions
    DROP COLUMN zip_sha256,
    DROP COLUMN zip_json_sha256;
