DELETE FROM digest_items WHERE family IN ('messages', 'visits');
ALTER TABLE digest_items DROP CONSTRAINT digest_items_family_check;
ALTER TABLE digest_items ADD CONSTRAINT digest_items_family_check CHECK (family IN
    ('matches', 'exchanges', 'memberships', 'listings', 'alerts'));
