DROP TABLE post_tags;
DROP TABLE tags;
DROP TABLE comments;
ALTER TABLE authors DROP COLUMN pinned_post_id;
DROP TABLE posts;
DROP TABLE authors;
