CREATE TABLE venues (id int PRIMARY KEY, name text NOT NULL);
