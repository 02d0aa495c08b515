ALTER TABLE listings DROP COLUMN teaser_naf, DROP COLUMN teaser_departement, DROP COLUMN teaser_region, DROP COLUMN teaser_headcount_band;
DROP TABLE rate_limits;
ALTER TABLE accounts DROP COLUMN notify_messages, DROP COLUMN notify_visits;
