ALTER TABLE venues ADD COLUMN capacity int;
