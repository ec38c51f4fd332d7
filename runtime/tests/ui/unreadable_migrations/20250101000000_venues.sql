CREATE TYPE mood AS ENUM ('calm', 'wild');
CREATE TABLE venues (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    mood mood
);
