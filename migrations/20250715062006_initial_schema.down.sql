-- Reverts 20250715062006_initial_schema: drops every table (with its indexes and constraints)
-- and every enum type, in the reverse order of their creation.

DROP TABLE notifications;
DROP TABLE user_musician_follows;
DROP TABLE user_teacher_follows;
DROP TABLE reviews;
DROP TABLE event_attendances;
DROP TABLE event_saves;
DROP TABLE event_sessions;
DROP TABLE pricing_tiers;
DROP TABLE event_images;
DROP TABLE event_musicians;
DROP TABLE event_teachers;
DROP TABLE event_dance_styles;
DROP TABLE events;
DROP TABLE musician_social_links;
DROP TABLE musicians;
DROP TABLE teacher_social_links;
DROP TABLE teachers;
DROP TABLE user_dance_styles;
DROP TABLE dance_styles;
DROP TABLE venues;
DROP TABLE organizers;
DROP TABLE user_preferences;
DROP TABLE users;

DROP TYPE social_platform;
DROP TYPE session_kind;
DROP TYPE skill_level;
DROP TYPE notification_channel;
DROP TYPE notification_status;
DROP TYPE notification_type;
DROP TYPE attendance_status;
DROP TYPE event_status;
DROP TYPE user_role;
