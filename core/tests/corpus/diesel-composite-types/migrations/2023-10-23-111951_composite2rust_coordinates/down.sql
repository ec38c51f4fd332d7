-- This file should undo anything in `up.sql`
DROP TABLE coordinates;
DROP FUNCTION distance_from_origin;
DROP FUNCTION shortest_distance;
DROP FUNCTION longest_distance;
DROP TYPE my_comp_type;
