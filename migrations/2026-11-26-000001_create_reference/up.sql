-- French reference data (INSEE): territory and sector. Loaded by `ptce import-reference`.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    zone TEXT NOT NULL
);

CREATE TABLE departements (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    zone TEXT NOT NULL,
    -- Coordinates are approximate geography, not money: double precision is right here.
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION
);

CREATE TABLE epcis (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE communes (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- Lower-case, accent-free, words separated by single spaces: what autocomplete matches.
    search_name TEXT NOT NULL,
    departement_code TEXT NOT NULL REFERENCES departements (code),
    region_code TEXT NOT NULL REFERENCES regions (code),
    epci_code TEXT REFERENCES epcis (code),
    population INTEGER NOT NULL DEFAULT 0,
    postal_codes TEXT[] NOT NULL DEFAULT '{}',
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    located TEXT NOT NULL
);
CREATE INDEX communes_search_name_idx ON communes (search_name text_pattern_ops);
CREATE INDEX communes_postal_codes_idx ON communes USING GIN (postal_codes);
CREATE INDEX communes_departement_idx ON communes (departement_code);

CREATE TABLE naf_codes (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('section', 'division', 'group', 'class', 'subclass')),
    parent_code TEXT REFERENCES naf_codes (code) DEFERRABLE INITIALLY DEFERRED,
    section TEXT NOT NULL,
    label TEXT NOT NULL,
    search_label TEXT NOT NULL
);
