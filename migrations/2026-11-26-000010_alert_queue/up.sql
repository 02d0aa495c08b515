-- Listings whose alerts are still to be told. Publishing a listing only adds a row here, in
-- its own transaction; the worker finds the fitting alerts and writes their emails later,
-- so that publishing stays fast however many alerts there are, and nothing is lost. A
-- listing whose telling fails waits (queued_at in the future) and is retried a few times
-- (attempts), so that it never holds up the listings behind it.
CREATE TABLE alert_queue (
    listing_id BIGINT PRIMARY KEY REFERENCES listings (id) ON DELETE CASCADE,
    queued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_queue_order_idx ON alert_queue (queued_at, listing_id);
