CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    -- Stored lower-cased and trimmed, so comparisons are case-insensitive by construction.
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'coordinator', 'member')),
    locale TEXT NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    notifications TEXT NOT NULL DEFAULT 'instant' CHECK (notifications IN ('instant', 'daily', 'off')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Bearer tokens: only the SHA-256 of the token is stored, never the token itself.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);
CREATE INDEX api_tokens_expires_idx ON api_tokens (expires_at);
