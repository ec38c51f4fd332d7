-- Moderation lives in a schema of its own, with types from an extension and a domain: seeds
-- name its tables `moderation::reports`, and their labels `moderation::reports::spam`.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA moderation;
CREATE DOMAIN moderation.severity AS smallint CHECK (VALUE BETWEEN 1 AND 5);

CREATE TABLE moderation.reports (
    id uuid PRIMARY KEY,
    post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_email citext NOT NULL,
    reason text NOT NULL CHECK (reason IN ('spam', 'abuse', 'off_topic')),
    severity moderation.severity NOT NULL DEFAULT 1,
    reported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON moderation.reports (post_id);

CREATE TABLE moderation.report_notes (
    id uuid PRIMARY KEY,
    report_id uuid NOT NULL REFERENCES moderation.reports (id) ON DELETE CASCADE,
    body text NOT NULL
);
CREATE INDEX ON moderation.report_notes (report_id);
