-- The staged disclosure of a business takeover (DESIGN §2): a would-be buyer asks to be
-- put in touch, with a message and a confidentiality commitment; the seller accepts or
-- declines. Only an accepted request shows the seller's identity, and only to the
-- enterprise that asked. One request per buyer enterprise and listing.
CREATE TABLE contact_requests (
    id BIGSERIAL PRIMARY KEY,
    listing_id BIGINT NOT NULL REFERENCES listings (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    message TEXT NOT NULL,
    -- When the buyer committed to keep what they learn confidential.
    confidentiality_accepted_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined')),
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMPTZ,
    UNIQUE (listing_id, enterprise_id)
);
CREATE INDEX contact_requests_enterprise_idx ON contact_requests (enterprise_id);
