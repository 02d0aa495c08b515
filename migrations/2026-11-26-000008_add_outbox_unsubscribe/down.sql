ALTER TABLE outbox DROP COLUMN unsubscribe_url;
