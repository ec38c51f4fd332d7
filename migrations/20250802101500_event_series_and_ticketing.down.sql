-- Reverts 20250802101500_event_series_and_ticketing, statement by statement in reverse order.

DROP INDEX ticket_orders_promo_code_id_idx;
DROP INDEX ticket_orders_pricing_tier_id_idx;
DROP INDEX ticket_orders_user_id_created_at_idx;
DROP TABLE ticket_orders;

DROP TYPE order_status;

DROP TABLE promo_codes;

ALTER TABLE event_sessions RENAME COLUMN location TO room;

ALTER TABLE users DROP COLUMN locale;

DROP INDEX events_featured_starts_at_idx;
DROP INDEX events_series_id_idx;

ALTER TABLE events DROP CONSTRAINT events_edition_positive;
ALTER TABLE events DROP COLUMN is_featured;
ALTER TABLE events DROP COLUMN edition;
ALTER TABLE events DROP COLUMN series_id;

DROP INDEX event_series_organizer_id_idx;
DROP TABLE event_series;
