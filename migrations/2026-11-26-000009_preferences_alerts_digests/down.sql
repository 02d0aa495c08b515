ALTER TABLE listings DROP COLUMN expiry_warned_for;
DROP TABLE alert_hits;
DROP TABLE alerts;
DROP TABLE digest_items;
ALTER TABLE accounts ADD COLUMN notifications TEXT NOT NULL DEFAULT 'instant'
    CHECK (notifications IN ('instant', 'daily', 'off'));
UPDATE accounts SET notifications = notify_matches;
ALTER TABLE accounts
    DROP COLUMN notify_matches, DROP COLUMN notify_exchanges, DROP COLUMN notify_memberships,
    DROP COLUMN notify_listings, DROP COLUMN notify_alerts, DROP COLUMN email_verified_at;
