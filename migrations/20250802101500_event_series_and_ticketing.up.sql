-- Festival Scout: recurring festivals (event series), featured events, user locale, promo codes
-- and ticket orders.
--
-- Changes existing tables with ALTER TABLE (events, users, event_sessions) and adds three tables
-- and one enum type. No ALTER TYPE ... ADD VALUE: an enum value cannot be dropped again, so the
-- down migration could not revert it.

CREATE TABLE event_series (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organizer_id uuid NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    name text NOT NULL,
    slug varchar(120) NOT NULL,
    description text,
    website_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT event_series_slug_key UNIQUE (slug)
);

CREATE INDEX event_series_organizer_id_idx ON event_series (organizer_id);

-- An event may be one edition of a series ("the 12th Lindy Shock").
ALTER TABLE events ADD COLUMN series_id uuid REFERENCES event_series (id) ON DELETE SET NULL;
ALTER TABLE events ADD COLUMN edition smallint;
ALTER TABLE events ADD COLUMN is_featured boolean NOT NULL DEFAULT false;
ALTER TABLE events ADD CONSTRAINT events_edition_positive CHECK (edition > 0);

CREATE INDEX events_series_id_idx ON events (series_id);
CREATE INDEX events_featured_starts_at_idx ON events (starts_at) WHERE is_featured;

ALTER TABLE users ADD COLUMN locale varchar(10) NOT NULL DEFAULT 'en';

-- Sessions also happen outdoors and in other buildings: "room" was too narrow.
ALTER TABLE event_sessions RENAME COLUMN room TO location;

CREATE TABLE promo_codes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    code varchar(40) NOT NULL,
    description text,
    discount_percent smallint,
    discount_amount numeric(10,2),
    currency char(3),
    max_redemptions integer,
    redeemed_count integer NOT NULL DEFAULT 0,
    valid_from timestamptz,
    valid_until timestamptz,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT promo_codes_event_id_code_key UNIQUE (event_id, code),
    CONSTRAINT promo_codes_one_discount CHECK ((discount_percent IS NULL) <> (discount_amount IS NULL)),
    CONSTRAINT promo_codes_discount_percent_range CHECK (discount_percent BETWEEN 1 AND 100),
    CONSTRAINT promo_codes_discount_amount_positive CHECK (discount_amount > 0),
    CONSTRAINT promo_codes_amount_has_currency CHECK (discount_amount IS NULL OR currency IS NOT NULL),
    CONSTRAINT promo_codes_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT promo_codes_max_redemptions_positive CHECK (max_redemptions > 0),
    CONSTRAINT promo_codes_redeemed_count_nonnegative CHECK (redeemed_count >= 0),
    CONSTRAINT promo_codes_redeemed_within_max CHECK (redeemed_count <= max_redemptions),
    CONSTRAINT promo_codes_validity_window CHECK (valid_until > valid_from)
);

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'refunded', 'cancelled');

-- Orders are financial records: deleting the buyer or the tier they bought is refused (RESTRICT);
-- the event is reached through the pricing tier.
CREATE TABLE ticket_orders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    pricing_tier_id uuid NOT NULL REFERENCES pricing_tiers (id) ON DELETE RESTRICT,
    promo_code_id uuid REFERENCES promo_codes (id) ON DELETE SET NULL,
    reference varchar(32) NOT NULL,
    status order_status NOT NULL DEFAULT 'pending',
    quantity smallint NOT NULL DEFAULT 1,
    unit_price numeric(10,2) NOT NULL,
    discount_amount numeric(10,2) NOT NULL DEFAULT 0,
    total_amount numeric(10,2) NOT NULL,
    currency char(3) NOT NULL,
    paid_at timestamptz,
    refunded_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ticket_orders_reference_key UNIQUE (reference),
    CONSTRAINT ticket_orders_quantity_positive CHECK (quantity > 0),
    CONSTRAINT ticket_orders_unit_price_nonnegative CHECK (unit_price >= 0),
    CONSTRAINT ticket_orders_discount_nonnegative CHECK (discount_amount >= 0),
    CONSTRAINT ticket_orders_total_nonnegative CHECK (total_amount >= 0),
    CONSTRAINT ticket_orders_currency_format CHECK (currency ~ '^[A-Z]{3}$')
);

CREATE INDEX ticket_orders_user_id_created_at_idx ON ticket_orders (user_id, created_at);
CREATE INDEX ticket_orders_pricing_tier_id_idx ON ticket_orders (pricing_tier_id);
CREATE INDEX ticket_orders_promo_code_id_idx ON ticket_orders (promo_code_id);
