CREATE INDEX listings_near_idx ON listings USING gist (ll_to_earth(lat, lon)) WHERE status = 'open' AND lat IS NOT NULL;
DROP INDEX listings_nearest_idx;
