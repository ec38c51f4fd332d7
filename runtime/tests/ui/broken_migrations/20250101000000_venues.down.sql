DROP TABLE tickets;
DROP TABLE venues;
