-- What is exchanged decides, not who exchanges it (issue 13, DESIGN §7).

-- The European List of Waste (EWC), French and English labels: data/reference/ewc.csv.
CREATE TABLE ewc_codes (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('chapter', 'subchapter', 'entry')),
    parent_code TEXT,
    hazardous BOOLEAN NOT NULL,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    search_label TEXT NOT NULL
);
CREATE INDEX ewc_codes_search_idx ON ewc_codes (search_label text_pattern_ops);

ALTER TABLE listings
    -- A recurring quantity is per this period.
    ADD COLUMN period TEXT CHECK (period IN ('week', 'month', 'year')),
    -- What a material or by-product is made of, and its EWC code (both from `details`).
    ADD COLUMN material TEXT GENERATED ALWAYS AS (details ->> 'material') STORED,
    ADD COLUMN ewc_code TEXT GENERATED ALWAYS AS (details ->> 'ewc_code') STORED,
    -- What matching finds candidates by: the material, the kind of resource, or the NAF
    -- division of the trade.
    ADD COLUMN match_key TEXT GENERATED ALWAYS AS (
        CASE
            WHEN category = 'local_resource' AND details ? 'material'
                THEN 'material:' || (details ->> 'material')
            WHEN category = 'local_resource'
                THEN 'resource:' || coalesce(details ->> 'resource_type', '')
            ELSE 'naf:' || naf_division
        END
    ) STORED;

-- Candidates: open listings of one category and kind with one key, near a point; the
-- same index serves candidates of any key (trades matched by their words) nearest first.
DROP INDEX listings_matching_idx;
DROP INDEX listings_matching_national_idx;
CREATE INDEX listings_matching_idx ON listings
    USING gist (category, kind, match_key, ll_to_earth(lat, lon))
    WHERE status = 'open' AND lat IS NOT NULL;
CREATE INDEX listings_matching_national_idx ON listings (category, kind, match_key, listed_at DESC)
    WHERE status = 'open' AND national;
-- Search by material and by EWC code prefix.
CREATE INDEX listings_material_idx ON listings (material, listed_at DESC)
    WHERE status = 'open' AND material IS NOT NULL;
CREATE INDEX listings_ewc_idx ON listings (ewc_code text_pattern_ops)
    WHERE status = 'open' AND ewc_code IS NOT NULL;
