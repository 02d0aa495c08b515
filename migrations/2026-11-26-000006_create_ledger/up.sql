-- Exchange lifecycle, impact figures, the immutable transaction ledger, and idempotency keys.
ALTER TABLE exchanges
    ADD COLUMN completed_at TIMESTAMPTZ,
    ADD COLUMN jobs_created INTEGER CHECK (jobs_created >= 0),
    ADD COLUMN jobs_kept INTEGER CHECK (jobs_kept >= 0),
    ADD COLUMN tonnes_diverted NUMERIC(14, 3) CHECK (tonnes_diverted >= 0),
    ADD COLUMN km_avoided NUMERIC(14, 1) CHECK (km_avoided >= 0),
    ADD COLUMN impact_note TEXT;

CREATE TABLE exchange_transitions (
    id BIGSERIAL PRIMARY KEY,
    exchange_id BIGINT NOT NULL REFERENCES exchanges (id),
    from_status TEXT,
    to_status TEXT NOT NULL CHECK (to_status IN ('agreed', 'in_progress', 'completed', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',
    account_id BIGINT REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX exchange_transitions_exchange_idx ON exchange_transitions (exchange_id, id);

CREATE TABLE transactions (
    id BIGSERIAL PRIMARY KEY,
    exchange_id BIGINT NOT NULL REFERENCES exchanges (id),
    -- The pôles of the exchange's two sides, copied: reports group by them, and they are
    -- the distribution key of the ledger.
    provider_pole_id BIGINT REFERENCES poles (id),
    beneficiary_pole_id BIGINT REFERENCES poles (id),
    reverses_id BIGINT UNIQUE REFERENCES transactions (id),
    quantity NUMERIC(20, 6),
    unit_price NUMERIC(20, 6),
    amount NUMERIC(20, 2) NOT NULL,
    vat_rate NUMERIC(4, 1) NOT NULL CHECK (vat_rate IN (0, 2.1, 5.5, 10, 20)),
    vat_amount NUMERIC(20, 2) NOT NULL,
    amount_incl_tax NUMERIC(20, 2) NOT NULL,
    occurred_on DATE NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (amount_incl_tax = amount + vat_amount)
);
CREATE INDEX transactions_exchange_idx ON transactions (exchange_id, id);
CREATE INDEX transactions_occurred_idx ON transactions (occurred_on);
CREATE INDEX transactions_poles_idx ON transactions (provider_pole_id, beneficiary_pole_id);

-- The ledger is append-only: mistakes are undone by reversals, never by edits.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'transactions are immutable: record a reversal instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER transactions_immutable BEFORE UPDATE OR DELETE ON transactions
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON transactions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- Idempotency-Key: the first response to a key is kept 24 hours and replayed to retries.
CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    response_status SMALLINT,
    response_body TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
