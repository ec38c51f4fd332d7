COMMENT ON COLUMN crate_owners.owner_kind IS NULL;
COMMENT ON COLUMN crate_owners.owner_id IS NULL;
COMMENT ON COLUMN teams.login IS NULL;
COMMENT ON COLUMN teams.github_id IS NULL;
COMMENT ON COLUMN teams.org_id IS NULL;
