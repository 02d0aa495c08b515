DROP TABLE naf_codes;
DROP TABLE communes;
DROP TABLE epcis;
DROP TABLE departements;
DROP TABLE regions;
DROP EXTENSION IF EXISTS unaccent;
