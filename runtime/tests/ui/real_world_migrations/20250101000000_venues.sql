-- A schema written as real projects write theirs, for the UI cases under
-- tests/ui/fail_migrations and tests/ui/pass_migrations: extension types, domains, composite
-- types, a view, a partitioned table, checks with value lists, and statements the schema loader
-- cannot follow (which make only their own tables unusable).

CREATE EXTENSION IF NOT EXISTS citext;

CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TYPE address AS (street text, city text);
CREATE TYPE venue_status AS ENUM ('open', 'closed', 'in-review');
CREATE TYPE check_outcome AS ENUM ('passed', 'failed');

CREATE TABLE venues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name citext NOT NULL,
    capacity positive_int,
    address address,
    entry_fee money,
    search tsvector,
    kind text NOT NULL CHECK (kind IN ('club', 'hall', 'outdoor')),
    status venue_status NOT NULL DEFAULT 'open'
);

CREATE VIEW big_venues AS SELECT * FROM venues WHERE capacity > 500;

CREATE TABLE visits (
    venue_id uuid NOT NULL REFERENCES venues (id),
    day date NOT NULL
) PARTITION BY RANGE (day);
CREATE TABLE visits_2026 PARTITION OF visits FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TABLE venue_stats AS SELECT id AS venue_id, 0 AS visits FROM venues;

CREATE SCHEMA audit;
SET search_path TO audit, public;
CREATE TABLE checks (
    id uuid PRIMARY KEY,
    venue_id uuid NOT NULL REFERENCES venues (id),
    passed boolean NOT NULL
);
CREATE TABLE public.check_photos (check_id uuid NOT NULL REFERENCES checks (id), url text NOT NULL);
RESET search_path;

-- A nullable enum column: takes a value of the generated Rust enum, or an `Option` of one.
CREATE TYPE mood AS ENUM ('calm', 'wild');
ALTER TABLE venues ADD COLUMN mood mood;
