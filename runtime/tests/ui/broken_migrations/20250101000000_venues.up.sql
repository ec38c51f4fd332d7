-- A migrations folder whose second statement the schema loader cannot read, for the UI case
-- tests/ui/fail_migrations/unreadable_migration.rs.

CREATE TABLE venues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL
);

CREATE TABLE tickets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    venue_id uuid NOT NULL REFERENCES venues (id),
    price money NOT NULL
);
