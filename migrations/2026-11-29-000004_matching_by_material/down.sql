DROP INDEX listings_ewc_idx;
DROP INDEX listings_material_idx;
DROP INDEX listings_matching_national_idx;
DROP INDEX listings_matching_idx;
ALTER TABLE listings DROP COLUMN match_key, DROP COLUMN ewc_code, DROP COLUMN material, DROP COLUMN period;
CREATE INDEX listings_matching_idx ON listings
    USING gist (category, kind, naf_division, ll_to_earth(lat, lon))
    WHERE status = 'open' AND lat IS NOT NULL;
CREATE INDEX listings_matching_national_idx ON listings (category, kind, naf_division)
    WHERE status = 'open' AND national;
DROP TABLE ewc_codes;
