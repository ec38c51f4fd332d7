-- Festival Scout: initial schema.
--
-- Conventions
--   * entity tables: `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`, `created_at` and `updated_at`
--     (timestamptz, NOT NULL, DEFAULT now());
--   * pure join tables (event_dance_styles, event_teachers, event_musicians, user_dance_styles,
--     user_teacher_follows, user_musician_follows): composite primary key, `created_at` only;
--   * money is `numeric(10,2)` next to a `currency char(3)` (ISO 4217, upper case);
--     countries are `char(2)` (ISO 3166-1 alpha-2, upper case);
--   * every foreign key column leads an index (a primary key, a unique constraint or an index);
--   * ON DELETE: CASCADE for rows owned by their parent, SET NULL for optional links,
--     RESTRICT where deleting the parent would silently destroy history (events -> venues/organizers);
--   * no column is named after a Rust keyword (`kind`, not `type`), so seeds can name every column.
--
-- Only plain DDL (CREATE TYPE ... AS ENUM, CREATE TABLE, CREATE INDEX): the seed DSL reads this file.

-- ---------------------------------------------------------------------------------------------
-- Enum types
-- ---------------------------------------------------------------------------------------------

CREATE TYPE user_role AS ENUM ('user', 'organizer', 'admin');

CREATE TYPE event_status AS ENUM ('draft', 'published', 'cancelled', 'completed', 'archived');

CREATE TYPE attendance_status AS ENUM ('interested', 'going', 'attended', 'cancelled', 'waitlisted');

CREATE TYPE notification_type AS ENUM (
    'event_reminder',
    'new_event_from_followed',
    'event_updated',
    'event_cancelled',
    'review_reply',
    'price_drop',
    'registration_deadline',
    'system'
);

CREATE TYPE notification_status AS ENUM ('pending', 'sent', 'read', 'failed', 'archived');

CREATE TYPE notification_channel AS ENUM ('in_app', 'email', 'push');

CREATE TYPE skill_level AS ENUM ('beginner', 'intermediate', 'advanced', 'all_levels');

CREATE TYPE session_kind AS ENUM ('workshop', 'social', 'concert', 'performance', 'talk');

CREATE TYPE social_platform AS ENUM (
    'instagram',
    'facebook',
    'youtube',
    'tiktok',
    'website',
    'spotify',
    'soundcloud',
    'bandcamp'
);

-- ---------------------------------------------------------------------------------------------
-- People and places
-- ---------------------------------------------------------------------------------------------

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL,
    display_name varchar(100) NOT NULL,
    password_hash text NOT NULL,
    role user_role NOT NULL DEFAULT 'user',
    avatar_url text,
    bio text,
    home_city text,
    home_country char(2),
    email_verified_at timestamptz,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_home_country_format CHECK (home_country ~ '^[A-Z]{2}$')
);

CREATE TABLE user_preferences (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    preferred_currency char(3) NOT NULL DEFAULT 'EUR',
    preferred_skill_level skill_level,
    search_radius_km integer NOT NULL DEFAULT 100,
    email_notifications boolean NOT NULL DEFAULT true,
    push_notifications boolean NOT NULL DEFAULT false,
    notification_settings jsonb NOT NULL DEFAULT '{}',
    privacy_settings jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_preferences_user_id_key UNIQUE (user_id),
    CONSTRAINT user_preferences_currency_format CHECK (preferred_currency ~ '^[A-Z]{3}$'),
    CONSTRAINT user_preferences_search_radius_positive CHECK (search_radius_km > 0)
);

CREATE TABLE organizers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    description text,
    contact_email text,
    website_url text,
    country char(2),
    is_verified boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organizers_slug_key UNIQUE (slug),
    CONSTRAINT organizers_country_format CHECK (country ~ '^[A-Z]{2}$')
);

CREATE INDEX organizers_owner_user_id_idx ON organizers (owner_user_id);

CREATE TABLE venues (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    description text,
    address text,
    postal_code varchar(20),
    city text NOT NULL,
    region text,
    country char(2) NOT NULL,
    latitude numeric(9,6),
    longitude numeric(9,6),
    timezone text,
    capacity integer,
    website_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT venues_slug_key UNIQUE (slug),
    CONSTRAINT venues_country_format CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT venues_capacity_positive CHECK (capacity > 0),
    CONSTRAINT venues_latitude_range CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT venues_longitude_range CHECK (longitude BETWEEN -180 AND 180)
);

CREATE INDEX venues_country_city_idx ON venues (country, city);

CREATE TABLE dance_styles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_style_id uuid REFERENCES dance_styles (id) ON DELETE SET NULL,
    name varchar(80) NOT NULL,
    slug varchar(80) NOT NULL,
    description text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dance_styles_name_key UNIQUE (name),
    CONSTRAINT dance_styles_slug_key UNIQUE (slug),
    CONSTRAINT dance_styles_not_own_parent CHECK (parent_style_id <> id)
);

CREATE INDEX dance_styles_parent_style_id_idx ON dance_styles (parent_style_id);

CREATE TABLE user_dance_styles (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dance_style_id uuid NOT NULL REFERENCES dance_styles (id) ON DELETE CASCADE,
    skill_level skill_level NOT NULL DEFAULT 'beginner',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, dance_style_id)
);

CREATE INDEX user_dance_styles_dance_style_id_idx ON user_dance_styles (dance_style_id);

-- ---------------------------------------------------------------------------------------------
-- Artists
-- ---------------------------------------------------------------------------------------------

CREATE TABLE teachers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    bio text,
    photo_url text,
    home_city text,
    country char(2),
    specialties text[] NOT NULL DEFAULT '{}',
    teaching_since date,
    is_verified boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT teachers_slug_key UNIQUE (slug),
    CONSTRAINT teachers_user_id_key UNIQUE (user_id),
    CONSTRAINT teachers_country_format CHECK (country ~ '^[A-Z]{2}$')
);

CREATE TABLE teacher_social_links (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    teacher_id uuid NOT NULL REFERENCES teachers (id) ON DELETE CASCADE,
    platform social_platform NOT NULL,
    url text NOT NULL,
    handle varchar(100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT teacher_social_links_teacher_id_platform_key UNIQUE (teacher_id, platform)
);

CREATE TABLE musicians (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    bio text,
    photo_url text,
    home_city text,
    country char(2),
    is_band boolean NOT NULL DEFAULT false,
    member_count smallint,
    genres text[] NOT NULL DEFAULT '{}',
    instruments text[] NOT NULL DEFAULT '{}',
    is_verified boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT musicians_slug_key UNIQUE (slug),
    CONSTRAINT musicians_user_id_key UNIQUE (user_id),
    CONSTRAINT musicians_country_format CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT musicians_member_count_positive CHECK (member_count > 0)
);

CREATE TABLE musician_social_links (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    musician_id uuid NOT NULL REFERENCES musicians (id) ON DELETE CASCADE,
    platform social_platform NOT NULL,
    url text NOT NULL,
    handle varchar(100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT musician_social_links_musician_id_platform_key UNIQUE (musician_id, platform)
);

-- ---------------------------------------------------------------------------------------------
-- Events
-- ---------------------------------------------------------------------------------------------

CREATE TABLE events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE RESTRICT,
    venue_id uuid NOT NULL REFERENCES venues (id) ON DELETE RESTRICT,
    parent_event_id uuid REFERENCES events (id) ON DELETE SET NULL,
    slug varchar(160) NOT NULL,
    title text NOT NULL,
    summary varchar(280),
    description text,
    status event_status NOT NULL DEFAULT 'draft',
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    timezone text NOT NULL,
    capacity integer,
    registration_opens_at timestamptz,
    registration_deadline timestamptz,
    cover_image_url text,
    website_url text,
    view_count bigint NOT NULL DEFAULT 0,
    published_at timestamptz,
    cancelled_at timestamptz,
    cancellation_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_slug_key UNIQUE (slug),
    CONSTRAINT events_ends_after_starts CHECK (ends_at > starts_at),
    CONSTRAINT events_capacity_positive CHECK (capacity > 0),
    CONSTRAINT events_registration_window CHECK (registration_deadline > registration_opens_at),
    CONSTRAINT events_registration_deadline_before_end CHECK (registration_deadline <= ends_at),
    CONSTRAINT events_view_count_nonnegative CHECK (view_count >= 0),
    CONSTRAINT events_not_own_parent CHECK (parent_event_id <> id)
);

CREATE INDEX events_organizer_id_idx ON events (organizer_id);
CREATE INDEX events_venue_id_idx ON events (venue_id);
CREATE INDEX events_parent_event_id_idx ON events (parent_event_id);
CREATE INDEX events_starts_at_idx ON events (starts_at);
CREATE INDEX events_status_starts_at_idx ON events (status, starts_at);

CREATE TABLE event_dance_styles (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    dance_style_id uuid NOT NULL REFERENCES dance_styles (id) ON DELETE CASCADE,
    is_primary boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, dance_style_id)
);

CREATE INDEX event_dance_styles_dance_style_id_idx ON event_dance_styles (dance_style_id);

CREATE TABLE event_teachers (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    teacher_id uuid NOT NULL REFERENCES teachers (id) ON DELETE CASCADE,
    is_headliner boolean NOT NULL DEFAULT false,
    sort_order smallint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, teacher_id)
);

CREATE INDEX event_teachers_teacher_id_idx ON event_teachers (teacher_id);

CREATE TABLE event_musicians (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    musician_id uuid NOT NULL REFERENCES musicians (id) ON DELETE CASCADE,
    is_headliner boolean NOT NULL DEFAULT false,
    sort_order smallint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, musician_id)
);

CREATE INDEX event_musicians_musician_id_idx ON event_musicians (musician_id);

CREATE TABLE event_images (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    url text NOT NULL,
    alt_text text,
    sort_order smallint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX event_images_event_id_sort_order_idx ON event_images (event_id, sort_order);

CREATE TABLE pricing_tiers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    description text,
    price numeric(10,2) NOT NULL,
    currency char(3) NOT NULL,
    quantity integer,
    sold integer NOT NULL DEFAULT 0,
    sales_start timestamptz,
    sales_end timestamptz,
    sort_order smallint NOT NULL DEFAULT 0,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pricing_tiers_event_id_name_key UNIQUE (event_id, name),
    CONSTRAINT pricing_tiers_price_nonnegative CHECK (price >= 0),
    CONSTRAINT pricing_tiers_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT pricing_tiers_quantity_positive CHECK (quantity > 0),
    CONSTRAINT pricing_tiers_sold_nonnegative CHECK (sold >= 0),
    CONSTRAINT pricing_tiers_sold_within_quantity CHECK (sold <= quantity),
    CONSTRAINT pricing_tiers_sales_window CHECK (sales_end > sales_start)
);

CREATE TABLE event_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    teacher_id uuid REFERENCES teachers (id) ON DELETE SET NULL,
    musician_id uuid REFERENCES musicians (id) ON DELETE SET NULL,
    dance_style_id uuid REFERENCES dance_styles (id) ON DELETE SET NULL,
    title text NOT NULL,
    description text,
    kind session_kind NOT NULL DEFAULT 'workshop',
    skill_level skill_level NOT NULL DEFAULT 'all_levels',
    room text,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    capacity integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_sessions_ends_after_starts CHECK (ends_at > starts_at),
    CONSTRAINT event_sessions_capacity_positive CHECK (capacity > 0)
);

CREATE INDEX event_sessions_event_id_starts_at_idx ON event_sessions (event_id, starts_at);
CREATE INDEX event_sessions_teacher_id_idx ON event_sessions (teacher_id);
CREATE INDEX event_sessions_musician_id_idx ON event_sessions (musician_id);
CREATE INDEX event_sessions_dance_style_id_idx ON event_sessions (dance_style_id);

-- ---------------------------------------------------------------------------------------------
-- Engagement
-- ---------------------------------------------------------------------------------------------

CREATE TABLE event_saves (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_saves_user_id_event_id_key UNIQUE (user_id, event_id)
);

CREATE INDEX event_saves_event_id_idx ON event_saves (event_id);

CREATE TABLE event_attendances (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    pricing_tier_id uuid REFERENCES pricing_tiers (id) ON DELETE SET NULL,
    status attendance_status NOT NULL DEFAULT 'interested',
    checked_in_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_attendances_user_id_event_id_key UNIQUE (user_id, event_id)
);

CREATE INDEX event_attendances_event_id_status_idx ON event_attendances (event_id, status);
CREATE INDEX event_attendances_pricing_tier_id_idx ON event_attendances (pricing_tier_id);

CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    rating smallint NOT NULL,
    title varchar(150),
    body text,
    is_verified_attendee boolean NOT NULL DEFAULT false,
    organizer_reply text,
    organizer_replied_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reviews_user_id_event_id_key UNIQUE (user_id, event_id),
    CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5)
);

CREATE INDEX reviews_event_id_created_at_idx ON reviews (event_id, created_at);

CREATE TABLE user_teacher_follows (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    teacher_id uuid NOT NULL REFERENCES teachers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, teacher_id)
);

CREATE INDEX user_teacher_follows_teacher_id_idx ON user_teacher_follows (teacher_id);

CREATE TABLE user_musician_follows (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    musician_id uuid NOT NULL REFERENCES musicians (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, musician_id)
);

CREATE INDEX user_musician_follows_musician_id_idx ON user_musician_follows (musician_id);

CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id uuid REFERENCES events (id) ON DELETE SET NULL,
    kind notification_type NOT NULL,
    status notification_status NOT NULL DEFAULT 'pending',
    channel notification_channel NOT NULL DEFAULT 'in_app',
    title text NOT NULL,
    body text,
    payload jsonb NOT NULL DEFAULT '{}',
    scheduled_for timestamptz,
    sent_at timestamptz,
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notifications_user_id_status_created_at_idx ON notifications (user_id, status, created_at);
CREATE INDEX notifications_event_id_idx ON notifications (event_id);
CREATE INDEX notifications_status_scheduled_for_idx ON notifications (status, scheduled_for);
