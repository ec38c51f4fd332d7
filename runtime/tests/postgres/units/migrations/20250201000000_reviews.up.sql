-- A second migration, so that a database can be one migration behind.

CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    rating smallint NOT NULL,
    CONSTRAINT reviews_user_id_event_id_key UNIQUE (user_id, event_id),
    CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 5)
);

CREATE INDEX reviews_event_id_idx ON reviews (event_id);
