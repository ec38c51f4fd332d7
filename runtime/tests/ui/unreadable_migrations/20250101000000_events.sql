-- The same version as the venues migration: sqlx refuses such a folder, and so does seedbed.
CREATE TABLE events (
    id uuid PRIMARY KEY,
    venue_id uuid NOT NULL REFERENCES venues (id),
    title text NOT NULL
);
