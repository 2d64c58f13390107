-- Weekly recurring rules of occasional-work services: the same work on some weekdays between two
-- days. Their occurrences are generated ahead of time as real services through the recording use
-- case (every rule and limit); each occurrence is generated at most once (the primary key of
-- occasional_recurring_occurrences), and one that would break a rule is kept with the refusal.
CREATE TABLE occasional_recurring_rules (
    id                uuid PRIMARY KEY,
    client_id         uuid NOT NULL REFERENCES occasional_clients (id),
    worker_tax_code   text NOT NULL,
    channel           text NOT NULL CHECK (channel IN ('libretto_famiglia', 'presto')),
    -- ISO weekday numbers, 1 = Monday .. 7 = Sunday, sorted, distinct.
    weekdays          smallint[] NOT NULL,
    start_time        time NOT NULL,
    minutes           integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    activity          text NOT NULL,
    place             text,
    -- PrestO only: the net pay of each occurrence.
    pay_cents         bigint CHECK (pay_cents IS NULL OR pay_cents > 0),
    first_date        date NOT NULL,
    last_date         date NOT NULL CHECK (last_date >= first_date),
    status            text NOT NULL CHECK (status IN ('active', 'stopped')),
    created_by        text,
    created_at        timestamptz NOT NULL,
    stopped_at        timestamptz,
    stopped_by        text
);

CREATE INDEX occasional_recurring_rules_client ON occasional_recurring_rules (client_id, created_at);

CREATE TABLE occasional_recurring_occurrences (
    rule_id       uuid NOT NULL REFERENCES occasional_recurring_rules (id),
    on_date       date NOT NULL,
    -- The generated service, or NULL when refused.
    service_id    uuid REFERENCES occasional_services (id),
    -- The refusal: its problem type slug, the rule it names, the explanation, the residuals.
    problem       text,
    rule          text,
    detail        text,
    residual      jsonb,
    generated_at  timestamptz NOT NULL,
    PRIMARY KEY (rule_id, on_date),
    CHECK ((service_id IS NULL) <> (problem IS NULL))
);

-- The scheduler's new jobs: a rule's daily generation, the day-before reminder of a generated
-- service, and the Libretto Famiglia "report by the 3rd" reminder on the 1st of the month.
ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('delegation_expiring', 'appointment_reminder', 'recurring_services_generation',
                    'occasional_service_reminder', 'libretto_report_due'));
