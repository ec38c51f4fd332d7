CREATE TABLE version_dependencies (
            version_id      INTEGER NOT NULL,
            depends_on_id   INTEGER NOT NULL
        );