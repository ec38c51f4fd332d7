CREATE TABLE authors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    bio text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    author_id uuid NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    slug varchar(120) NOT NULL UNIQUE,
    title text NOT NULL,
    body text NOT NULL,
    published_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX posts_author_id_idx ON posts (author_id);

-- Replies point at the comment they answer: a self-referencing foreign key.
CREATE TABLE comments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reply_to_id uuid REFERENCES comments (id) ON DELETE CASCADE,
    author_name text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT comments_not_own_reply CHECK (reply_to_id <> id)
);
CREATE INDEX comments_post_id_idx ON comments (post_id);
CREATE INDEX comments_reply_to_id_idx ON comments (reply_to_id);

-- Authors and posts point at each other: an author's pinned post. The key is deferrable, so an
-- author and the post they pin can be inserted in one transaction in either order.
ALTER TABLE authors ADD COLUMN pinned_post_id uuid
    REFERENCES posts (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE;
CREATE INDEX authors_pinned_post_id_idx ON authors (pinned_post_id);

CREATE TABLE tags (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name varchar(40) NOT NULL UNIQUE
);

CREATE TABLE post_tags (
    post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag_id_idx ON post_tags (tag_id);
