-- Notification preferences per family of events (instant, daily digest, or off), replacing
-- the single account-wide setting; each family starts from the account's former choice.
ALTER TABLE accounts
    ADD COLUMN notify_matches TEXT NOT NULL DEFAULT 'instant' CHECK (notify_matches IN ('instant', 'daily', 'off')),
    ADD COLUMN notify_exchanges TEXT NOT NULL DEFAULT 'instant' CHECK (notify_exchanges IN ('instant', 'daily', 'off')),
    ADD COLUMN notify_memberships TEXT NOT NULL DEFAULT 'instant' CHECK (notify_memberships IN ('instant', 'daily', 'off')),
    ADD COLUMN notify_listings TEXT NOT NULL DEFAULT 'instant' CHECK (notify_listings IN ('instant', 'daily', 'off')),
    ADD COLUMN notify_alerts TEXT NOT NULL DEFAULT 'instant' CHECK (notify_alerts IN ('instant', 'daily', 'off')),
    -- Set when the account follows the link of its welcome email.
    ADD COLUMN email_verified_at TIMESTAMPTZ;
UPDATE accounts SET notify_matches = notifications, notify_exchanges = notifications,
    notify_memberships = notifications, notify_listings = notifications, notify_alerts = notifications;
ALTER TABLE accounts DROP COLUMN notifications;

-- Events for accounts that chose the daily digest: rendered in the recipient's language
-- when they happen, gathered into one email at the configured hour.
CREATE TABLE digest_items (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The same key as the instant email would have had: an event enters a digest once.
    dedup_key TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL CHECK (family IN ('matches', 'exchanges', 'memberships', 'listings', 'alerts')),
    subject TEXT NOT NULL,
    summary TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The Europe/Paris day of the digest that carried it; NULL while waiting.
    digest_date DATE
);
CREATE INDEX digest_items_waiting_idx ON digest_items (account_id, created_at) WHERE digest_date IS NULL;

-- Saved searches. Criteria left open are stored as '' (kind, category, NAF prefix), so
-- that "this value or any" is an index lookup of two values rather than an OR. Alerts with
-- a place are found through the GiST index of their circles' bounding cubes, alerts without
-- one through a partial btree: two tight index scans instead of one loose one.
CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'offer', 'need')),
    category TEXT NOT NULL DEFAULT '' CHECK (category IN ('', 'local_resource', 'know_how', 'business_takeover', 'relocated_production')),
    -- A NAF code or one of its prefixes, as written in the nomenclature ('25', '25.1', '25.11Z').
    naf_prefix TEXT NOT NULL DEFAULT '',
    commune_code TEXT REFERENCES communes (code),
    radius_km INTEGER CHECK (radius_km BETWEEN 1 AND 1000),
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    -- The cube bounding the circle (earth_box); NULL when the alert has no place.
    area CUBE,
    keywords TEXT NOT NULL DEFAULT '',
    query TSQUERY,
    frequency TEXT NOT NULL CHECK (frequency IN ('instant', 'daily')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((commune_code IS NULL) = (radius_km IS NULL)),
    CHECK ((commune_code IS NULL) = (area IS NULL))
);
CREATE INDEX alerts_account_idx ON alerts (account_id, id);
CREATE INDEX alerts_area_idx ON alerts USING gist (area) WHERE area IS NOT NULL;
CREATE INDEX alerts_facets_idx ON alerts (naf_prefix, kind, category) WHERE area IS NOT NULL;
CREATE INDEX alerts_anywhere_idx ON alerts (naf_prefix, kind, category) WHERE area IS NULL;

-- Each alert tells about a listing once, however often the listing reopens or changes.
CREATE TABLE alert_hits (
    alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (alert_id, listing_id)
);
CREATE INDEX alert_hits_listing_idx ON alert_hits (listing_id);

-- The end date an "expiring in three days" notice was sent for; a new end date warns again.
ALTER TABLE listings ADD COLUMN expiry_warned_for DATE;
