-- Two more families of notifications: messages in conversations, learning visits.
ALTER TABLE accounts
    ADD COLUMN notify_messages TEXT NOT NULL DEFAULT 'instant'
        CHECK (notify_messages IN ('instant', 'daily', 'off')),
    ADD COLUMN notify_visits TEXT NOT NULL DEFAULT 'instant'
        CHECK (notify_visits IN ('instant', 'daily', 'off'));

-- Abuse limits shared by every app node: one row per (limit, client address or account),
-- holding the theoretical arrival time of the GCRA (generic cell rate algorithm). A key is
-- the SHA-256 of its name, so no address or e-mail is kept in clear.
CREATE TABLE rate_limits (
    key BYTEA PRIMARY KEY,
    tat TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_limits_tat_idx ON rate_limits (tat);

-- What the public teaser of a business takeover shows, coarsened until at least five
-- enterprises of the directory share it (NAF code, then département or région, then the
-- headcount band): computed when the listing opens and refreshed by the worker's upkeep.
-- Searches by strangers filter takeovers on these, so a filter never narrows more than
-- the teaser says.
ALTER TABLE listings
    ADD COLUMN teaser_naf TEXT,
    ADD COLUMN teaser_departement TEXT,
    ADD COLUMN teaser_region TEXT,
    ADD COLUMN teaser_headcount_band BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX listings_teaser_idx ON listings (teaser_naf text_pattern_ops)
    WHERE status = 'open' AND category = 'business_takeover';
