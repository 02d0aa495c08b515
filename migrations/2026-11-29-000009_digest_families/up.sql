-- The daily digest takes every family of notifications: messages and learning visits were
-- missing from its check, so an account choosing "daily" for them made the event fail.
ALTER TABLE digest_items DROP CONSTRAINT digest_items_family_check;
ALTER TABLE digest_items ADD CONSTRAINT digest_items_family_check CHECK (family IN
    ('matches', 'exchanges', 'memberships', 'listings', 'alerts', 'messages', 'visits'));
