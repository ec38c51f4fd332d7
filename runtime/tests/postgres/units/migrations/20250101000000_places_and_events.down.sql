DROP TABLE event_saves;
DROP TABLE event_dance_styles;
DROP TABLE events;
DROP TABLE dance_styles;
DROP TABLE venues;
DROP TABLE organizers;
DROP TABLE users;
DROP TYPE event_status;
