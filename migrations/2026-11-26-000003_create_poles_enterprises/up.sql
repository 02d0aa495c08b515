CREATE TABLE poles (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    commune_code TEXT NOT NULL REFERENCES communes (code),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE pole_departements (
    pole_id BIGINT NOT NULL REFERENCES poles (id) ON DELETE CASCADE,
    departement_code TEXT NOT NULL REFERENCES departements (code),
    PRIMARY KEY (pole_id, departement_code)
);

CREATE TABLE pole_coordinators (
    pole_id BIGINT NOT NULL REFERENCES poles (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    appointed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (pole_id, account_id)
);
CREATE INDEX pole_coordinators_account_idx ON pole_coordinators (account_id);

CREATE TABLE enterprises (
    id BIGSERIAL PRIMARY KEY,
    siret TEXT NOT NULL UNIQUE CHECK (siret ~ '^[0-9]{14}$'),
    name TEXT NOT NULL,
    legal_form TEXT NOT NULL CHECK (legal_form IN ('scop', 'scic', 'association', 'sas', 'sarl', 'ei', 'cooperative', 'other')),
    ess BOOLEAN NOT NULL,
    naf_code TEXT NOT NULL REFERENCES naf_codes (code),
    commune_code TEXT NOT NULL REFERENCES communes (code),
    headcount INTEGER NOT NULL CHECK (headcount >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The accounts that act for an enterprise (its members).
CREATE TABLE enterprise_accounts (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (enterprise_id, account_id)
);
CREATE INDEX enterprise_accounts_account_idx ON enterprise_accounts (account_id);

CREATE TABLE memberships (
    pole_id BIGINT NOT NULL REFERENCES poles (id) ON DELETE CASCADE,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved')),
    requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    approved_at TIMESTAMPTZ,
    approved_by BIGINT REFERENCES accounts (id),
    PRIMARY KEY (pole_id, enterprise_id),
    CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);
CREATE INDEX memberships_enterprise_idx ON memberships (enterprise_id);
