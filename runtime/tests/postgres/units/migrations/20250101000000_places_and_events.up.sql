-- The schema of seedbed's PostgreSQL tests: a few tables with what the runner must handle.
--
--   * uuid keys the database would draw (`DEFAULT gen_random_uuid()`), derived by seedbed;
--   * an enum (`events.status`), nullable and defaulted columns (`venues.capacity`,
--     `events.status`), and a CHECK only the server sees (`events_ends_after_starts`);
--   * foreign keys that refuse a delete (events -> organizers, venues) and ones that cascade
--     (saves and the join table -> events), which seedbed refuses to follow unless told to;
--   * a join table with a composite key (`event_dance_styles`).

CREATE TYPE event_status AS ENUM ('draft', 'published', 'cancelled');

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL,
    display_name text NOT NULL,
    password_hash text NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE organizers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    CONSTRAINT organizers_slug_key UNIQUE (slug)
);

CREATE TABLE venues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    city text NOT NULL,
    country char(2) NOT NULL,
    capacity integer,
    CONSTRAINT venues_slug_key UNIQUE (slug),
    CONSTRAINT venues_capacity_positive CHECK (capacity > 0)
);

CREATE TABLE dance_styles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name varchar(80) NOT NULL,
    slug varchar(80) NOT NULL,
    CONSTRAINT dance_styles_slug_key UNIQUE (slug)
);

CREATE TABLE events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE RESTRICT,
    venue_id uuid NOT NULL REFERENCES venues (id) ON DELETE RESTRICT,
    slug varchar(160) NOT NULL,
    title text NOT NULL,
    status event_status NOT NULL DEFAULT 'draft',
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    timezone text NOT NULL,
    CONSTRAINT events_slug_key UNIQUE (slug),
    CONSTRAINT events_ends_after_starts CHECK (ends_at > starts_at)
);

CREATE INDEX events_organizer_id_idx ON events (organizer_id);
CREATE INDEX events_venue_id_idx ON events (venue_id);

CREATE TABLE event_dance_styles (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    dance_style_id uuid NOT NULL REFERENCES dance_styles (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, dance_style_id)
);

CREATE INDEX event_dance_styles_dance_style_id_idx ON event_dance_styles (dance_style_id);

CREATE TABLE event_saves (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    CONSTRAINT event_saves_user_id_event_id_key UNIQUE (user_id, event_id)
);

CREATE INDEX event_saves_event_id_idx ON event_saves (event_id);
