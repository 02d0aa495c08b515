-- Searching around a place, nearest first, reads the listings in order from one GiST index
-- and stops at the page. The key is the listing's point on the earth with a fourth
-- coordinate of a millionth of a metre per id, so that every listing's distance to a place
-- is unique and the distance alone pages the results (src/models/listing_search.rs,
-- NEAREST_KEY). It replaces the index of the bare point, which needed a sort of the whole
-- circle to break ties between listings of the same commune.
CREATE INDEX listings_nearest_idx ON listings
    USING gist (cube(ll_to_earth(lat, lon), id::float8 * 1e-6))
    WHERE status = 'open' AND lat IS NOT NULL;
DROP INDEX listings_near_idx;
