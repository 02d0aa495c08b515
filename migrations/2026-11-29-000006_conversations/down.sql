DROP INDEX listings_shown_region_idx;
DROP INDEX listings_shown_departement_idx;
DROP TABLE used_links;
ALTER TABLE exchanges DROP COLUMN follow_up_sent_at;
ALTER TABLE proposals RENAME COLUMN listing_id TO need_id;
DROP TABLE attachments;
DROP TABLE conversation_reads;
DROP TABLE messages;
DROP TABLE conversations;
