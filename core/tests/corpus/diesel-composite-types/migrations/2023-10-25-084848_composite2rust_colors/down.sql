-- This file should undo anything in `up.sql`
DROP TABLE colors;
DROP FUNCTION color2grey;
DROP FUNCTION color2gray;
DROP TYPE gray_type;
