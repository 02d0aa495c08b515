-- Listings, matches, proposals and the exchanges they become.
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- French full-text search that ignores accents: "chene" and "chênes" both find "chêne".
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

CREATE TABLE listings (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    kind TEXT NOT NULL CHECK (kind IN ('offer', 'need')),
    category TEXT NOT NULL CHECK (category IN ('local_resource', 'know_how', 'business_takeover', 'relocated_production')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    naf_code TEXT NOT NULL REFERENCES naf_codes (code),
    -- The NAF division (two digits): matching needs at least this in common.
    naf_division TEXT NOT NULL,
    commune_code TEXT NOT NULL REFERENCES communes (code),
    -- Territory keys copied from the commune: filters, and a distribution key for Citus.
    departement_code TEXT NOT NULL,
    region_code TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    radius_km INTEGER CHECK (radius_km > 0),
    national BOOLEAN NOT NULL DEFAULT false,
    quantity NUMERIC(20, 6) CHECK (quantity > 0),
    -- What exchanges have taken from an offer's quantity so far.
    quantity_committed NUMERIC(20, 6) NOT NULL DEFAULT 0 CHECK (quantity_committed >= 0),
    unit TEXT CHECK (unit IN ('kg', 't', 'l', 'm3', 'm2', 'm', 'kwh', 'mwh', 'h', 'day', 'unit')),
    unit_price NUMERIC(20, 6) CHECK (unit_price >= 0),
    available_from DATE,
    valid_until DATE,
    details JSONB NOT NULL DEFAULT '{}',
    visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'members')),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'expired')),
    close_reason TEXT CHECK (close_reason IN ('fulfilled', 'withdrawn')),
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When the listing (last) opened; the "newest first" order of search.
    listed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    closed_at TIMESTAMPTZ,
    search TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('french_unaccent', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('french_unaccent', coalesce(description, '')), 'B')
    ) STORED,
    CHECK (quantity_committed <= coalesce(quantity, quantity_committed)),
    CHECK (available_from IS NULL OR valid_until IS NULL OR available_from <= valid_until),
    CHECK (national OR radius_km IS NOT NULL),
    CHECK (unit IS NOT NULL OR (quantity IS NULL AND unit_price IS NULL))
);

-- Matching candidates: open listings of one category and kind in one NAF division, near a
-- point. One GiST index answers all of it (btree_gist for the equality columns).
CREATE INDEX listings_matching_idx ON listings
    USING gist (category, kind, naf_division, ll_to_earth(lat, lon))
    WHERE status = 'open' AND lat IS NOT NULL;
-- National listings can match from anywhere: a small partial index finds them.
CREATE INDEX listings_matching_national_idx ON listings (category, kind, naf_division)
    WHERE status = 'open' AND national;
-- Search: newest first, by text, by place, by sector, by territory, by owner.
CREATE INDEX listings_open_listed_idx ON listings (listed_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX listings_search_idx ON listings USING gin (search) WHERE status = 'open';
CREATE INDEX listings_near_idx ON listings USING gist (ll_to_earth(lat, lon)) WHERE status = 'open' AND lat IS NOT NULL;
CREATE INDEX listings_naf_idx ON listings (naf_code text_pattern_ops) WHERE status = 'open';
CREATE INDEX listings_departement_idx ON listings (departement_code, listed_at DESC) WHERE status = 'open';
CREATE INDEX listings_region_idx ON listings (region_code, listed_at DESC) WHERE status = 'open';
CREATE INDEX listings_enterprise_idx ON listings (enterprise_id, id DESC);
CREATE INDEX listings_expiry_idx ON listings (valid_until) WHERE status = 'open';

CREATE TABLE exchanges (
    id BIGSERIAL PRIMARY KEY,
    provider_enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    beneficiary_enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    -- Each side as seen through its pôle when the exchange was agreed.
    provider_pole_id BIGINT REFERENCES poles (id),
    beneficiary_pole_id BIGINT REFERENCES poles (id),
    category TEXT NOT NULL CHECK (category IN ('local_resource', 'know_how', 'business_takeover', 'relocated_production')),
    title TEXT NOT NULL,
    offer_listing_id BIGINT REFERENCES listings (id),
    need_listing_id BIGINT REFERENCES listings (id),
    quantity NUMERIC(20, 6) CHECK (quantity > 0),
    unit TEXT CHECK (unit IN ('kg', 't', 'l', 'm3', 'm2', 'm', 'kwh', 'mwh', 'h', 'day', 'unit')),
    unit_price NUMERIC(20, 6) CHECK (unit_price >= 0),
    total_amount NUMERIC(20, 2),
    status TEXT NOT NULL DEFAULT 'agreed' CHECK (status IN ('agreed', 'in_progress', 'completed', 'cancelled')),
    created_by BIGINT REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (provider_enterprise_id <> beneficiary_enterprise_id)
);
CREATE INDEX exchanges_provider_idx ON exchanges (provider_enterprise_id);
CREATE INDEX exchanges_beneficiary_idx ON exchanges (beneficiary_enterprise_id);
CREATE INDEX exchanges_provider_pole_idx ON exchanges (provider_pole_id);
CREATE INDEX exchanges_beneficiary_pole_idx ON exchanges (beneficiary_pole_id);

CREATE TABLE matches (
    id BIGSERIAL PRIMARY KEY,
    offer_id BIGINT NOT NULL REFERENCES listings (id),
    need_id BIGINT NOT NULL REFERENCES listings (id),
    score SMALLINT NOT NULL CHECK (score BETWEEN 0 AND 100),
    -- [{factor, score, detail_fr, detail_en}]
    explanation JSONB NOT NULL,
    distance_km DOUBLE PRECISION,
    status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined', 'withdrawn')),
    offer_decision TEXT CHECK (offer_decision IN ('accepted', 'declined')),
    offer_decided_by BIGINT REFERENCES accounts (id),
    offer_decided_at TIMESTAMPTZ,
    need_decision TEXT CHECK (need_decision IN ('accepted', 'declined')),
    need_decided_by BIGINT REFERENCES accounts (id),
    need_decided_at TIMESTAMPTZ,
    exchange_id BIGINT UNIQUE REFERENCES exchanges (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (offer_id, need_id)
);
CREATE INDEX matches_need_idx ON matches (need_id, score DESC);
CREATE INDEX matches_offer_idx ON matches (offer_id, score DESC);

-- A direct answer to a need from an enterprise that has no offer listing.
CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES listings (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    message TEXT NOT NULL,
    quantity NUMERIC(20, 6) CHECK (quantity > 0),
    unit TEXT CHECK (unit IN ('kg', 't', 'l', 'm3', 'm2', 'm', 'kwh', 'mwh', 'h', 'day', 'unit')),
    unit_price NUMERIC(20, 6) CHECK (unit_price >= 0),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMPTZ,
    exchange_id BIGINT UNIQUE REFERENCES exchanges (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX proposals_need_idx ON proposals (need_id, id DESC);
CREATE INDEX proposals_enterprise_idx ON proposals (enterprise_id);

ALTER TABLE exchanges ADD COLUMN match_id BIGINT UNIQUE REFERENCES matches (id);
ALTER TABLE exchanges ADD COLUMN proposal_id BIGINT UNIQUE REFERENCES proposals (id);
