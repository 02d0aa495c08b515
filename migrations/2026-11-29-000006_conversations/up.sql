-- Conversations before agreeing (issue 14): one per match, proposal, takeover contact
-- request and exchange, created with its first message or its first reading; messages;
-- what each account has read, and when the email about its unread messages goes (several
-- messages within a few minutes make one email).
CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('match', 'proposal', 'contact', 'exchange')),
    subject_id BIGINT NOT NULL,
    last_message_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (subject_kind, subject_id)
);

CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES accounts (id),
    -- The enterprise the author writes for; NULL for a coordinator writing as such.
    author_enterprise_id BIGINT REFERENCES enterprises (id),
    body TEXT NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

CREATE TABLE conversation_reads (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    last_read_message_id BIGINT NOT NULL DEFAULT 0,
    -- When the email about this account's unread messages goes; NULL when none is due.
    notice_due_at TIMESTAMPTZ,
    PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX conversation_reads_due_idx ON conversation_reads (notice_due_at) WHERE notice_due_at IS NOT NULL;

-- Files on listings, messages and exchanges, kept in PostgreSQL so that every app node
-- serves them. The type is the one read from the content.
CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    listing_id BIGINT REFERENCES listings (id) ON DELETE CASCADE,
    message_id BIGINT REFERENCES messages (id) ON DELETE CASCADE,
    exchange_id BIGINT REFERENCES exchanges (id) ON DELETE CASCADE,
    filename TEXT NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    content BYTEA NOT NULL,
    thumbnail BYTEA,
    uploaded_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(listing_id, message_id, exchange_id) = 1)
);
CREATE INDEX attachments_listing_idx ON attachments (listing_id) WHERE listing_id IS NOT NULL;
CREATE INDEX attachments_message_idx ON attachments (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_exchange_idx ON attachments (exchange_id) WHERE exchange_id IS NOT NULL;

-- A proposal answers a listing, an offer as well as a need.
ALTER TABLE proposals RENAME COLUMN need_id TO listing_id;

-- The follow-up of an exchange left agreed: when its reminder went, and the one-click
-- links already used (single use).
ALTER TABLE exchanges ADD COLUMN follow_up_sent_at TIMESTAMPTZ;
CREATE TABLE used_links (
    token_hash BYTEA PRIMARY KEY,
    used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Searching by département or région reads where a listing is shown: a takeover where its
-- teaser shows it, any other listing where it is. One expression, indexed with the order
-- of the results (newest first), so that a département with few listings (or none) costs
-- a few index pages, not a walk through every open listing (src/models/listing_search.rs).
CREATE INDEX listings_shown_departement_idx ON listings
    ((CASE WHEN category = 'business_takeover' THEN teaser_departement ELSE departement_code END), listed_at DESC, id DESC)
    WHERE status = 'open';
CREATE INDEX listings_shown_region_idx ON listings
    ((CASE WHEN category = 'business_takeover' THEN teaser_region ELSE region_code END), listed_at DESC, id DESC)
    WHERE status = 'open';
