//! Diesel table definitions, matching `migrations/`.

diesel::table! {
    persons (tax_code) {
        tax_code -> Text,
        given_name -> Text,
        family_name -> Text,
        created_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    person_roles (tax_code, role) {
        tax_code -> Text,
        role -> Text,
        granted_at -> Timestamptz,
        granted_by -> Nullable<Text>,
    }
}

diesel::table! {
    registry_records (tax_code) {
        tax_code -> Text,
        given_name -> Text,
        family_name -> Text,
        source -> Text,
    }
}

diesel::table! {
    pending_actions (id) {
        id -> Uuid,
        kind -> Text,
        tax_code -> Text,
        details -> Jsonb,
        created_at -> Timestamptz,
        resolved_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    intermediaries (tax_code) {
        tax_code -> Text,
        given_name -> Text,
        family_name -> Text,
        qualification -> Text,
        registration_number -> Nullable<Text>,
        active -> Bool,
        registered_at -> Timestamptz,
        registered_by -> Nullable<Text>,
    }
}

diesel::table! {
    assertion_replays (jti) {
        jti -> Text,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    sandbox_keys (kid) {
        kid -> Text,
        private_pem -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        token_hash -> Bytea,
        tax_code -> Text,
        level -> Text,
        idp -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        absolute_expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    contact_verifications (tax_code, channel) {
        tax_code -> Text,
        channel -> Text,
        address -> Text,
        code_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        failed_attempts -> Int4,
    }
}

diesel::table! {
    contacts (tax_code) {
        tax_code -> Text,
        email -> Nullable<Text>,
        email_verified -> Bool,
        pec -> Nullable<Text>,
        pec_verified -> Bool,
        mobile -> Nullable<Text>,
        mobile_verified -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    consents (tax_code, document, version) {
        tax_code -> Text,
        document -> Text,
        version -> Text,
        given_at -> Timestamptz,
    }
}

diesel::table! {
    notification_preferences (tax_code, event_type) {
        tax_code -> Text,
        event_type -> Text,
        channels -> Array<Text>,
        frequency -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    delegations (id) {
        id -> Uuid,
        delegator_tax_code -> Text,
        delegate_tax_code -> Text,
        service -> Text,
        scopes -> Array<Text>,
        valid_from -> Date,
        valid_until -> Date,
        status -> Text,
        verification_code_hash -> Bytea,
        failed_attempts -> Int4,
        version -> Int4,
        created_at -> Timestamptz,
        created_by -> Text,
        activated_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (position) {
        seq -> Nullable<Int8>,
        id -> Uuid,
        occurred_at -> Timestamptz,
        actor_tax_code -> Nullable<Text>,
        subject_tax_code -> Nullable<Text>,
        delegation_id -> Nullable<Uuid>,
        action -> Text,
        resource -> Text,
        outcome -> Text,
        request_id -> Nullable<Text>,
        prev_hash -> Nullable<Bytea>,
        hash -> Nullable<Bytea>,
        position -> Int8,
    }
}

diesel::table! {
    scheduled_jobs (id) {
        id -> Uuid,
        kind -> Text,
        subject_id -> Uuid,
        due_on -> Date,
        created_at -> Timestamptz,
        done_at -> Nullable<Timestamptz>,
        outcome -> Nullable<Text>,
        due_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_seals (batch) {
        batch -> Int8,
        first_seq -> Int8,
        last_seq -> Int8,
        head_hash -> Bytea,
        sealed_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (caller, method, path, key) {
        caller -> Text,
        key -> Text,
        fingerprint -> Bytea,
        response_status -> Nullable<Int4>,
        response_body -> Nullable<Bytea>,
        response_location -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        method -> Text,
        path -> Text,
    }
}

diesel::table! {
    employers (tax_code) {
        tax_code -> Text,
        given_name -> Text,
        family_name -> Text,
        address_street -> Nullable<Text>,
        address_postal_code -> Nullable<Text>,
        address_municipality -> Nullable<Text>,
        address_province -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    employments (code) {
        code -> Text,
        employer_tax_code -> Text,
        worker_tax_code -> Text,
        worker_given_name -> Text,
        worker_family_name -> Text,
        employment_type -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        weekly_hours -> Numeric,
        hourly_pay -> Numeric,
        live_in -> Bool,
        fixed_term -> Bool,
        cuaf -> Bool,
        created_at -> Timestamptz,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    contribution_rates (year, band) {
        year -> Int4,
        band -> Text,
        max_hourly_pay -> Nullable<Numeric>,
        open_ended_cuaf -> Numeric,
        open_ended_no_cuaf -> Numeric,
        fixed_term_cuaf -> Numeric,
        fixed_term_no_cuaf -> Numeric,
        source -> Text,
    }
}

diesel::table! {
    contribution_payments (id) {
        id -> Uuid,
        employment_code -> Text,
        year -> Int4,
        quarter -> Int4,
        pagopa_notice_number -> Text,
        paid_on -> Date,
        amount -> Numeric,
        recorded_at -> Timestamptz,
        recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    inquiry_topics (code) {
        code -> Text,
        title_it -> Text,
        title_en -> Text,
        answer_deadline_days -> Int4,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    inquiries (id) {
        id -> Uuid,
        protocol_number -> Text,
        employment_code -> Text,
        employer_tax_code -> Text,
        topic -> Text,
        text -> Text,
        sent_at -> Timestamptz,
        sent_by -> Text,
        delegation_id -> Nullable<Uuid>,
        outcome -> Nullable<Text>,
        answer_text -> Nullable<Text>,
        answered_at -> Nullable<Timestamptz>,
        answered_by -> Nullable<Text>,
        answer_deadline -> Date,
    }
}

diesel::table! {
    attachments (id) {
        id -> Uuid,
        owner_kind -> Text,
        owner_id -> Uuid,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> Int4,
        sha256 -> Bytea,
        content -> Bytea,
        created_at -> Timestamptz,
        position -> Int4,
    }
}

diesel::table! {
    occasional_rule_sets (effective_from) {
        effective_from -> Date,
        worker_limit_cents -> Int8,
        client_limit_cents -> Int8,
        client_listed_sector_limit_cents -> Int8,
        pair_limit_cents -> Int8,
        presto_pair_hours -> Int4,
        former_employer_months -> Int4,
        title_gross_cents -> Int8,
        title_net_cents -> Int8,
        title_pension_cents -> Int8,
        title_inail_cents -> Int8,
        title_management_cents -> Int8,
        libretto_report_day -> Int2,
        presto_min_hourly_pay_cents -> Int8,
        presto_min_daily_pay_cents -> Int8,
        presto_pension_rate -> Numeric,
        presto_inail_rate -> Numeric,
        presto_management_rate -> Numeric,
        presto_notice_minutes -> Int4,
        presto_revocation_days -> Int4,
        presto_max_employees -> Numeric,
        presto_max_employees_listed_sector -> Numeric,
        weighting -> Numeric,
        weighted_categories -> Array<Text>,
        listed_sectors -> Jsonb,
        banned_sectors -> Jsonb,
        payout_fee_bonifico_domiciliato_cents -> Int8,
        payout_fee_other_cents -> Int8,
    }
}

diesel::table! {
    occasional_workers (tax_code) {
        tax_code -> Text,
        declaration -> Jsonb,
        category -> Text,
        payment_method -> Text,
        iban -> Nullable<Text>,
        registered_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    occasional_clients (id) {
        id -> Uuid,
        kind -> Text,
        tax_code -> Text,
        legal_representative -> Nullable<Text>,
        ateco -> Nullable<Text>,
        employees -> Nullable<Numeric>,
        paid_in_cents -> Int8,
        committed_cents -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    occasional_fundings (id) {
        id -> Uuid,
        client_id -> Uuid,
        amount_cents -> Int8,
        notice_number -> Text,
        status -> Text,
        created_at -> Timestamptz,
        settled_at -> Nullable<Timestamptz>,
        settled_by -> Nullable<Text>,
    }
}

diesel::table! {
    occasional_services (id) {
        id -> Uuid,
        client_id -> Uuid,
        worker_tax_code -> Text,
        channel -> Text,
        status -> Text,
        work_date -> Date,
        start_time -> Time,
        minutes -> Int4,
        activity -> Text,
        place -> Nullable<Text>,
        titles -> Nullable<Int4>,
        gross_cents -> Int8,
        net_cents -> Int8,
        pension_cents -> Int8,
        inail_cents -> Int8,
        management_cents -> Int8,
        weighted_cents -> Int8,
        presto_minutes -> Int4,
        rules_effective_from -> Date,
        late_report_deadline -> Nullable<Date>,
        revocable_until -> Nullable<Timestamptz>,
        version -> Int4,
        recorded_at -> Timestamptz,
        recorded_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(person_roles -> persons (tax_code));
diesel::joinable!(sessions -> persons (tax_code));
diesel::joinable!(contacts -> persons (tax_code));
diesel::table! {
    notification_events (id) {
        id -> Uuid,
        event_type -> Text,
        subject_tax_code -> Text,
        recipients -> Array<Text>,
        payload -> Jsonb,
        link -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        event_id -> Uuid,
        recipient_tax_code -> Text,
        event_type -> Text,
        subject_tax_code -> Text,
        payload -> Jsonb,
        link -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        channels -> Array<Text>,
        frequency -> Text,
    }
}

diesel::table! {
    notification_deliveries (id) {
        notification_id -> Uuid,
        channel -> Text,
        status -> Text,
        created_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        updated_at -> Nullable<Timestamptz>,
        id -> Uuid,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Uuid,
        owner_tax_code -> Text,
        url -> Text,
        event_types -> Array<Text>,
        secret -> Nullable<Text>,
        status -> Text,
        consecutive_failures -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        disabled_at -> Nullable<Timestamptz>,
        secret_sealed -> Nullable<Bytea>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        subscription_id -> Uuid,
        event_id -> Uuid,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        response_status -> Nullable<Int4>,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        updated_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(notifications -> notification_events (event_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_deliveries -> notification_events (event_id));
diesel::table! {
    occasional_disputes (id) {
        id -> Uuid,
        service_id -> Uuid,
        state -> Text,
        reason -> Text,
        text -> Text,
        status_before -> Text,
        answer -> Nullable<Text>,
        opened_by -> Text,
        answered_by -> Nullable<Text>,
        opened_at -> Timestamptz,
        answered_at -> Nullable<Timestamptz>,
        rectified_at -> Nullable<Timestamptz>,
        reopened_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    occasional_payment_runs (id) {
        id -> Uuid,
        month -> Date,
        run_at -> Timestamptz,
        run_by -> Nullable<Text>,
        payments -> Int4,
        services -> Int4,
        amount_cents -> Int8,
    }
}

diesel::table! {
    occasional_payments (id) {
        id -> Uuid,
        run_id -> Uuid,
        worker_tax_code -> Text,
        month -> Date,
        status -> Text,
        payment_method -> Text,
        iban -> Nullable<Text>,
        amount_cents -> Int8,
        fee_cents -> Int8,
        credited_cents -> Int8,
        failure_reason -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        in_payment_at -> Nullable<Timestamptz>,
        credited_at -> Nullable<Timestamptz>,
        failed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    occasional_payment_services (payment_id, service_id) {
        payment_id -> Uuid,
        service_id -> Uuid,
        client_id -> Uuid,
        work_date -> Date,
        net_cents -> Int8,
        gross_cents -> Int8,
        released -> Bool,
    }
}

diesel::joinable!(occasional_payments -> occasional_payment_runs (run_id));
diesel::joinable!(occasional_payment_services -> occasional_payments (payment_id));

diesel::joinable!(occasional_services -> occasional_clients (client_id));
diesel::joinable!(occasional_disputes -> occasional_services (service_id));
diesel::joinable!(notification_deliveries -> notifications (notification_id));
diesel::joinable!(delegations -> intermediaries (delegate_tax_code));
diesel::joinable!(employments -> employers (employer_tax_code));
diesel::joinable!(contribution_payments -> employments (employment_code));
diesel::joinable!(inquiries -> employments (employment_code));
diesel::joinable!(inquiries -> inquiry_topics (topic));

diesel::table! {
    manuals (id) {
        id -> Uuid,
        profile -> Text,
        service -> Nullable<Text>,
        version -> Int4,
        title -> Text,
        format -> Text,
        published_at -> Timestamptz,
        published_by -> Nullable<Text>,
    }
}

// `search` (a generated tsvector) is read through SQL in `assistance::search_faq` only.
diesel::table! {
    faq_entries (id) {
        id -> Uuid,
        service -> Nullable<Text>,
        topic -> Text,
        question_it -> Text,
        answer_it -> Text,
        question_en -> Text,
        answer_en -> Text,
        version -> Int4,
        updated_at -> Timestamptz,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    support_tickets (id) {
        id -> Uuid,
        requester -> Text,
        service -> Text,
        category -> Text,
        subject -> Text,
        text -> Text,
        related_resource -> Nullable<Text>,
        state -> Text,
        created_at -> Timestamptz,
        taken_by -> Nullable<Text>,
        taken_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    support_ticket_messages (id) {
        id -> Uuid,
        ticket_id -> Uuid,
        author -> Text,
        by_office -> Bool,
        text -> Text,
        sent_at -> Timestamptz,
    }
}

diesel::joinable!(support_ticket_messages -> support_tickets (ticket_id));

diesel::table! {
    consultation_points (id) {
        id -> Uuid,
        name -> Text,
        address -> Text,
        opening_hours -> Jsonb,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    consultation_point_closures (id) {
        id -> Uuid,
        point_id -> Uuid,
        date -> Date,
        from_time -> Nullable<Time>,
        to_time -> Nullable<Time>,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    consultation_point_operators (point_id, operator_tax_code) {
        point_id -> Uuid,
        operator_tax_code -> Text,
        assigned_at -> Timestamptz,
    }
}

diesel::table! {
    slot_seats (point_id, start) {
        point_id -> Uuid,
        start -> Timestamptz,
        taken -> Int4,
    }
}

diesel::table! {
    appointments (id) {
        id -> Uuid,
        employer_tax_code -> Text,
        employment_code -> Text,
        point_id -> Uuid,
        slot_start -> Timestamptz,
        slot_end -> Timestamptz,
        state -> Text,
        note -> Text,
        channels -> Array<Text>,
        booked_by -> Text,
        managed_by -> Nullable<Text>,
        delegation_id -> Nullable<Uuid>,
        cancelled_by -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamptz,
        draft_expires_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    appointment_inquiries (appointment_id, inquiry_id) {
        appointment_id -> Uuid,
        inquiry_id -> Uuid,
        position -> Int4,
        confirmed -> Bool,
    }
}

diesel::table! {
    appointment_history (id) {
        id -> Uuid,
        appointment_id -> Uuid,
        kind -> Text,
        at -> Timestamptz,
        by_tax_code -> Text,
        slot_start -> Timestamptz,
        reason -> Nullable<Text>,
        seq -> Int8,
    }
}

diesel::table! {
    appointment_messages (id) {
        id -> Uuid,
        appointment_id -> Uuid,
        author -> Text,
        by_office -> Bool,
        text -> Text,
        sent_at -> Timestamptz,
        seq -> Int8,
    }
}

diesel::joinable!(appointment_messages -> appointments (appointment_id));
diesel::joinable!(consultation_point_closures -> consultation_points (point_id));
diesel::joinable!(consultation_point_operators -> consultation_points (point_id));
diesel::joinable!(slot_seats -> consultation_points (point_id));
diesel::joinable!(appointments -> consultation_points (point_id));
diesel::joinable!(appointment_inquiries -> appointments (appointment_id));
diesel::joinable!(appointment_inquiries -> inquiries (inquiry_id));
diesel::joinable!(appointment_history -> appointments (appointment_id));

diesel::table! {
    occasional_recurring_rules (id) {
        id -> Uuid,
        client_id -> Uuid,
        worker_tax_code -> Text,
        channel -> Text,
        weekdays -> Array<Int2>,
        start_time -> Time,
        minutes -> Int4,
        activity -> Text,
        place -> Nullable<Text>,
        pay_cents -> Nullable<Int8>,
        first_date -> Date,
        last_date -> Date,
        status -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamptz,
        stopped_at -> Nullable<Timestamptz>,
        stopped_by -> Nullable<Text>,
    }
}

diesel::table! {
    occasional_recurring_occurrences (rule_id, on_date) {
        rule_id -> Uuid,
        on_date -> Date,
        service_id -> Nullable<Uuid>,
        problem -> Nullable<Text>,
        rule -> Nullable<Text>,
        detail -> Nullable<Text>,
        residual -> Nullable<Jsonb>,
        generated_at -> Timestamptz,
    }
}

diesel::joinable!(occasional_recurring_rules -> occasional_clients (client_id));
diesel::joinable!(occasional_recurring_occurrences -> occasional_recurring_rules (rule_id));

diesel::allow_tables_to_appear_in_same_query!(
    contact_verifications,
    persons,
    person_roles,
    registry_records,
    pending_actions,
    intermediaries,
    assertion_replays,
    sandbox_keys,
    sessions,
    contacts,
    consents,
    notification_preferences,
    delegations,
    audit_events,
    audit_seals,
    scheduled_jobs,
    idempotency_keys,
    employers,
    employments,
    contribution_rates,
    contribution_payments,
    inquiry_topics,
    inquiries,
    attachments,
    notification_events,
    notifications,
    notification_deliveries,
    webhook_subscriptions,
    webhook_deliveries,
    manuals,
    faq_entries,
    support_tickets,
    support_ticket_messages,
    occasional_rule_sets,
    occasional_workers,
    occasional_clients,
    occasional_services,
    occasional_disputes,
    occasional_recurring_rules,
    occasional_recurring_occurrences,
    occasional_fundings,
    occasional_payment_runs,
    occasional_payments,
    occasional_payment_services,
    consultation_points,
    consultation_point_closures,
    consultation_point_operators,
    slot_seats,
    appointments,
    appointment_inquiries,
    appointment_history,
    appointment_messages,
);
