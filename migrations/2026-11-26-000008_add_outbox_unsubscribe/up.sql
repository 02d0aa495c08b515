ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
