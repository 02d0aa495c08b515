-- Learning visits (visites apprenantes) and the shared know-how library (issue 15).

-- A visit hosted by a pôle (or one of its member enterprises) on a theme and a
-- cross-cutting question. `status` is what organisers decided (planned or cancelled); a
-- planned visit whose end has passed is shown as held. `sequence` counts the changes
-- calendars must see (RFC 5545 SEQUENCE).
CREATE TABLE visits (
    id BIGSERIAL PRIMARY KEY,
    pole_id BIGINT NOT NULL REFERENCES poles (id),
    title TEXT NOT NULL CHECK (char_length(title) BETWEEN 3 AND 200),
    description TEXT NOT NULL,
    theme TEXT NOT NULL CHECK (theme IN
        ('governance', 'economic_model', 'financial_engineering', 'entrepreneurship', 'other')),
    transversal_issue TEXT NOT NULL CHECK (transversal_issue IN
        ('territorial_development', 'local_effects', 'macroeconomic_effects', 'social_impact', 'other')),
    host_enterprise_id BIGINT REFERENCES enterprises (id),
    commune_code TEXT NOT NULL REFERENCES communes (code),
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    registration_deadline TIMESTAMPTZ NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('network', 'pole')),
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    sequence INTEGER NOT NULL DEFAULT 0,
    reminder_sent_at TIMESTAMPTZ,
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    cancelled_at TIMESTAMPTZ,
    CHECK (ends_at > starts_at),
    CHECK (registration_deadline <= starts_at)
);
CREATE INDEX visits_starts_idx ON visits (starts_at, id);
CREATE INDEX visits_pole_idx ON visits (pole_id, starts_at);
-- The reminder two days before: only planned visits not reminded yet.
CREATE INDEX visits_reminder_due_idx ON visits (starts_at)
    WHERE status = 'planned' AND reminder_sent_at IS NULL;

-- One account's seat (or place in the waiting list) for an enterprise it acts for.
-- Confirmed seats never exceed the capacity: a registration locks its visit's row first.
CREATE TABLE visit_registrations (
    id BIGSERIAL PRIMARY KEY,
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    attended BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    confirmed_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ
);
-- Once per account and visit, as long as the registration stands.
CREATE UNIQUE INDEX visit_registrations_once_idx ON visit_registrations (visit_id, account_id)
    WHERE status <> 'cancelled';
CREATE INDEX visit_registrations_visit_idx ON visit_registrations (visit_id, status, id);
CREATE INDEX visit_registrations_account_idx ON visit_registrations (account_id);

-- The library: knowledge, tools and methods drawn from practice. A visit's report is one
-- resource (kind visit_report, one per visit).
CREATE TABLE resources (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL CHECK (char_length(title) BETWEEN 3 AND 200),
    summary TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN
        ('method', 'tool', 'case_study', 'visit_report', 'template', 'other')),
    themes TEXT[] NOT NULL DEFAULT '{}',
    naf_code TEXT,
    pole_id BIGINT REFERENCES poles (id),
    visit_id BIGINT REFERENCES visits (id),
    lessons TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members')),
    url TEXT,
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    search TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('french_unaccent', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('french_unaccent', coalesce(summary, '')), 'B') ||
        setweight(to_tsvector('french_unaccent', coalesce(lessons, '') || ' ' || coalesce(next_steps, '')), 'C')
    ) STORED
);
CREATE UNIQUE INDEX resources_visit_report_idx ON resources (visit_id) WHERE kind = 'visit_report';
CREATE INDEX resources_search_idx ON resources USING GIN (search);
CREATE INDEX resources_created_idx ON resources (created_at DESC, id DESC);
CREATE INDEX resources_pole_idx ON resources (pole_id, created_at);

-- Know-how listings link the resources they teach from.
CREATE TABLE listing_resources (
    listing_id BIGINT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    PRIMARY KEY (listing_id, resource_id)
);
CREATE INDEX listing_resources_resource_idx ON listing_resources (resource_id);

-- Files of the library's resources, beside those of listings, messages and exchanges.
ALTER TABLE attachments ADD COLUMN resource_id BIGINT REFERENCES resources (id) ON DELETE CASCADE;
ALTER TABLE attachments DROP CONSTRAINT attachments_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_one_parent
    CHECK (num_nonnulls(listing_id, message_id, exchange_id, resource_id) = 1);
CREATE INDEX attachments_resource_idx ON attachments (resource_id) WHERE resource_id IS NOT NULL;

-- An email may carry a calendar file (the visit's .ics with its confirmation).
ALTER TABLE outbox ADD COLUMN calendar_ics TEXT;
