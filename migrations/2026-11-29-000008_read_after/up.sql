-- Read your own writes across app nodes: the primary's WAL position after the last write
-- made with a bearer token. Reads with that token go to the replica only once it has
-- replayed past it (src/db/replica.rs).
ALTER TABLE api_tokens ADD COLUMN read_after_lsn TEXT;
