ALTER TABLE outbox DROP COLUMN calendar_ics;
DELETE FROM attachments WHERE resource_id IS NOT NULL;
ALTER TABLE attachments DROP CONSTRAINT attachments_one_parent;
ALTER TABLE attachments DROP COLUMN resource_id;
ALTER TABLE attachments ADD CONSTRAINT attachments_check
    CHECK (num_nonnulls(listing_id, message_id, exchange_id) = 1);
DROP TABLE listing_resources;
DROP TABLE resources;
DROP TABLE visit_registrations;
DROP TABLE visits;
