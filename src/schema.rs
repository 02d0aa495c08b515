// @generated automatically by Diesel CLI.

diesel::table! {
    accounts (id) {
        id -> Int8,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        locale -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        notify_matches -> Text,
        notify_exchanges -> Text,
        notify_memberships -> Text,
        notify_listings -> Text,
        notify_alerts -> Text,
        email_verified_at -> Nullable<Timestamptz>,
        notify_messages -> Text,
        notify_visits -> Text,
    }
}

// `area` (CUBE) and `query` (TSQUERY) have no diesel type: written and read in SQL.
diesel::table! {
    alerts (id) {
        id -> Int8,
        account_id -> Int8,
        kind -> Text,
        category -> Text,
        naf_prefix -> Text,
        commune_code -> Nullable<Text>,
        radius_km -> Nullable<Int4>,
        lat -> Nullable<Float8>,
        lon -> Nullable<Float8>,
        keywords -> Text,
        frequency -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    alert_hits (alert_id, listing_id) {
        alert_id -> Int8,
        listing_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    alert_queue (listing_id) {
        listing_id -> Int8,
        queued_at -> Timestamptz,
        attempts -> Int4,
    }
}

diesel::table! {
    digest_items (id) {
        id -> Int8,
        account_id -> Int8,
        dedup_key -> Text,
        family -> Text,
        subject -> Text,
        summary -> Text,
        link -> Text,
        created_at -> Timestamptz,
        digest_date -> Nullable<Date>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        account_id -> Int8,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        read_after_lsn -> Nullable<Text>,
    }
}

diesel::table! {
    communes (code) {
        code -> Text,
        name -> Text,
        search_name -> Text,
        departement_code -> Text,
        region_code -> Text,
        epci_code -> Nullable<Text>,
        population -> Int4,
        postal_codes -> Array<Text>,
        lat -> Nullable<Float8>,
        lon -> Nullable<Float8>,
        located -> Text,
        kind -> Text,
        parent_code -> Nullable<Text>,
    }
}

diesel::table! {
    contact_requests (id) {
        id -> Int8,
        listing_id -> Int8,
        enterprise_id -> Int8,
        message -> Text,
        confidentiality_accepted_at -> Timestamptz,
        status -> Text,
        created_by -> Int8,
        created_at -> Timestamptz,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    departements (code) {
        code -> Text,
        name -> Text,
        region_code -> Text,
        zone -> Text,
        lat -> Nullable<Float8>,
        lon -> Nullable<Float8>,
    }
}

diesel::table! {
    enterprise_accounts (enterprise_id, account_id) {
        enterprise_id -> Int8,
        account_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    enterprises (id) {
        id -> Int8,
        siret -> Text,
        name -> Text,
        legal_form -> Text,
        ess -> Bool,
        naf_code -> Text,
        commune_code -> Text,
        headcount -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    epcis (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    exchanges (id) {
        id -> Int8,
        provider_enterprise_id -> Int8,
        beneficiary_enterprise_id -> Int8,
        provider_pole_id -> Nullable<Int8>,
        beneficiary_pole_id -> Nullable<Int8>,
        category -> Text,
        title -> Text,
        offer_listing_id -> Nullable<Int8>,
        need_listing_id -> Nullable<Int8>,
        quantity -> Nullable<Numeric>,
        unit -> Nullable<Text>,
        unit_price -> Nullable<Numeric>,
        total_amount -> Nullable<Numeric>,
        status -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        match_id -> Nullable<Int8>,
        proposal_id -> Nullable<Int8>,
        completed_at -> Nullable<Timestamptz>,
        jobs_created -> Nullable<Int4>,
        jobs_kept -> Nullable<Int4>,
        tonnes_diverted -> Nullable<Numeric>,
        km_avoided -> Nullable<Numeric>,
        impact_note -> Nullable<Text>,
        follow_up_sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    ewc_codes (code) {
        code -> Text,
        level -> Text,
        parent_code -> Nullable<Text>,
        hazardous -> Bool,
        label_fr -> Text,
        label_en -> Text,
        search_label -> Text,
    }
}

diesel::table! {
    exchange_transitions (id) {
        id -> Int8,
        exchange_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Text,
        account_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (account_id, key) {
        account_id -> Int8,
        key -> Text,
        request_hash -> Bytea,
        response_status -> Nullable<Int2>,
        response_body -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    listings (id) {
        id -> Int8,
        enterprise_id -> Int8,
        kind -> Text,
        category -> Text,
        title -> Text,
        description -> Text,
        naf_code -> Text,
        naf_division -> Text,
        commune_code -> Text,
        departement_code -> Text,
        region_code -> Text,
        lat -> Nullable<Float8>,
        lon -> Nullable<Float8>,
        radius_km -> Nullable<Int4>,
        national -> Bool,
        quantity -> Nullable<Numeric>,
        quantity_committed -> Numeric,
        unit -> Nullable<Text>,
        unit_price -> Nullable<Numeric>,
        available_from -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        details -> Jsonb,
        visibility -> Text,
        status -> Text,
        close_reason -> Nullable<Text>,
        created_by -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        listed_at -> Timestamptz,
        closed_at -> Nullable<Timestamptz>,
        expiry_warned_for -> Nullable<Date>,
        teaser_naf -> Nullable<Text>,
        teaser_departement -> Nullable<Text>,
        teaser_region -> Nullable<Text>,
        teaser_headcount_band -> Bool,
        period -> Nullable<Text>,
        material -> Nullable<Text>,
        ewc_code -> Nullable<Text>,
        match_key -> Nullable<Text>,
    }
}

diesel::table! {
    matches (id) {
        id -> Int8,
        offer_id -> Int8,
        need_id -> Int8,
        score -> Int2,
        explanation -> Jsonb,
        distance_km -> Nullable<Float8>,
        status -> Text,
        offer_decision -> Nullable<Text>,
        offer_decided_by -> Nullable<Int8>,
        offer_decided_at -> Nullable<Timestamptz>,
        need_decision -> Nullable<Text>,
        need_decided_by -> Nullable<Int8>,
        need_decided_at -> Nullable<Timestamptz>,
        exchange_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    memberships (pole_id, enterprise_id) {
        pole_id -> Int8,
        enterprise_id -> Int8,
        status -> Text,
        requested_at -> Timestamptz,
        approved_at -> Nullable<Timestamptz>,
        approved_by -> Nullable<Int8>,
    }
}

diesel::table! {
    naf_codes (code) {
        code -> Text,
        level -> Text,
        parent_code -> Nullable<Text>,
        section -> Text,
        label -> Text,
        search_label -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        dedup_key -> Text,
        recipient -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        unsubscribe_url -> Nullable<Text>,
        calendar_ics -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Int8,
        account_id -> Int8,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    pole_coordinators (pole_id, account_id) {
        pole_id -> Int8,
        account_id -> Int8,
        appointed_at -> Timestamptz,
    }
}

diesel::table! {
    pole_departements (pole_id, departement_code) {
        pole_id -> Int8,
        departement_code -> Text,
    }
}

diesel::table! {
    poles (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        description -> Text,
        commune_code -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    proposals (id) {
        id -> Int8,
        listing_id -> Int8,
        enterprise_id -> Int8,
        message -> Text,
        quantity -> Nullable<Numeric>,
        unit -> Nullable<Text>,
        unit_price -> Nullable<Numeric>,
        status -> Text,
        created_by -> Int8,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
        exchange_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    transactions (id) {
        id -> Int8,
        exchange_id -> Int8,
        provider_pole_id -> Nullable<Int8>,
        beneficiary_pole_id -> Nullable<Int8>,
        reverses_id -> Nullable<Int8>,
        quantity -> Nullable<Numeric>,
        unit_price -> Nullable<Numeric>,
        amount -> Numeric,
        vat_rate -> Numeric,
        vat_amount -> Numeric,
        amount_incl_tax -> Numeric,
        occurred_on -> Date,
        description -> Text,
        recorded_by -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> Bytea,
        tat -> Timestamptz,
    }
}

diesel::table! {
    reference_imports (id) {
        id -> Bool,
        files_sha256 -> Text,
        imported_at -> Timestamptz,
    }
}

diesel::table! {
    regions (code) {
        code -> Text,
        name -> Text,
        zone -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> Int8,
        listing_id -> Nullable<Int8>,
        message_id -> Nullable<Int8>,
        exchange_id -> Nullable<Int8>,
        filename -> Text,
        content_type -> Text,
        size -> Int4,
        content -> Bytea,
        thumbnail -> Nullable<Bytea>,
        uploaded_by -> Int8,
        created_at -> Timestamptz,
        resource_id -> Nullable<Int8>,
    }
}

diesel::table! {
    conversation_reads (conversation_id, account_id) {
        conversation_id -> Int8,
        account_id -> Int8,
        last_read_message_id -> Int8,
        notice_due_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    conversations (id) {
        id -> Int8,
        subject_kind -> Text,
        subject_id -> Int8,
        last_message_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    messages (id) {
        id -> Int8,
        conversation_id -> Int8,
        author_id -> Int8,
        author_enterprise_id -> Nullable<Int8>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    used_links (token_hash) {
        token_hash -> Bytea,
        used_at -> Timestamptz,
    }
}

diesel::table! {
    visits (id) {
        id -> Int8,
        pole_id -> Int8,
        title -> Text,
        description -> Text,
        theme -> Text,
        transversal_issue -> Text,
        host_enterprise_id -> Nullable<Int8>,
        commune_code -> Text,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        capacity -> Int4,
        registration_deadline -> Timestamptz,
        audience -> Text,
        status -> Text,
        sequence -> Int4,
        reminder_sent_at -> Nullable<Timestamptz>,
        created_by -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        cancelled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    visit_registrations (id) {
        id -> Int8,
        visit_id -> Int8,
        enterprise_id -> Int8,
        account_id -> Int8,
        note -> Text,
        status -> Text,
        attended -> Bool,
        created_at -> Timestamptz,
        confirmed_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    resources (id) {
        id -> Int8,
        title -> Text,
        summary -> Text,
        kind -> Text,
        themes -> Array<Text>,
        naf_code -> Nullable<Text>,
        pole_id -> Nullable<Int8>,
        visit_id -> Nullable<Int8>,
        lessons -> Text,
        next_steps -> Text,
        licence -> Text,
        visibility -> Text,
        url -> Nullable<Text>,
        created_by -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    listing_resources (listing_id, resource_id) {
        listing_id -> Int8,
        resource_id -> Int8,
    }
}

diesel::joinable!(alerts -> accounts (account_id));
diesel::joinable!(alert_hits -> alerts (alert_id));
diesel::joinable!(alert_hits -> listings (listing_id));
diesel::joinable!(alert_queue -> listings (listing_id));
diesel::joinable!(digest_items -> accounts (account_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(communes -> departements (departement_code));
diesel::joinable!(communes -> epcis (epci_code));
diesel::joinable!(communes -> regions (region_code));
diesel::joinable!(departements -> regions (region_code));
diesel::joinable!(contact_requests -> enterprises (enterprise_id));
diesel::joinable!(contact_requests -> listings (listing_id));
diesel::joinable!(enterprise_accounts -> accounts (account_id));
diesel::joinable!(enterprise_accounts -> enterprises (enterprise_id));
diesel::joinable!(enterprises -> communes (commune_code));
diesel::joinable!(enterprises -> naf_codes (naf_code));
diesel::joinable!(exchange_transitions -> exchanges (exchange_id));
diesel::joinable!(listings -> communes (commune_code));
diesel::joinable!(listings -> enterprises (enterprise_id));
diesel::joinable!(listings -> naf_codes (naf_code));
diesel::joinable!(memberships -> accounts (approved_by));
diesel::joinable!(memberships -> enterprises (enterprise_id));
diesel::joinable!(memberships -> poles (pole_id));
diesel::joinable!(password_resets -> accounts (account_id));
diesel::joinable!(pole_coordinators -> accounts (account_id));
diesel::joinable!(pole_coordinators -> poles (pole_id));
diesel::joinable!(pole_departements -> departements (departement_code));
diesel::joinable!(pole_departements -> poles (pole_id));
diesel::joinable!(poles -> communes (commune_code));
diesel::joinable!(proposals -> enterprises (enterprise_id));
diesel::joinable!(transactions -> exchanges (exchange_id));
diesel::joinable!(proposals -> listings (listing_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(conversation_reads -> conversations (conversation_id));
diesel::joinable!(attachments -> messages (message_id));
diesel::joinable!(visits -> poles (pole_id));
diesel::joinable!(visits -> communes (commune_code));
diesel::joinable!(visit_registrations -> visits (visit_id));
diesel::joinable!(visit_registrations -> enterprises (enterprise_id));
diesel::joinable!(resources -> poles (pole_id));
diesel::joinable!(listing_resources -> resources (resource_id));
diesel::joinable!(listing_resources -> listings (listing_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    alert_hits,
    alert_queue,
    alerts,
    attachments,
    conversation_reads,
    conversations,
    digest_items,
    api_tokens,
    communes,
    contact_requests,
    departements,
    enterprise_accounts,
    enterprises,
    epcis,
    ewc_codes,
    exchange_transitions,
    exchanges,
    idempotency_keys,
    listings,
    matches,
    memberships,
    messages,
    naf_codes,
    outbox,
    password_resets,
    pole_coordinators,
    pole_departements,
    poles,
    proposals,
    rate_limits,
    reference_imports,
    regions,
    transactions,
    used_links,
    visits,
    visit_registrations,
    resources,
    listing_resources,
);
