-- Cassetto previdenziale lavoro domestico: employers, employments, the yearly contribution rate
-- tables, payments recorded from pagoPA, inquiry topics, inquiries and their attachments.

CREATE TABLE employers (
    tax_code              text PRIMARY KEY,
    given_name            text NOT NULL,
    family_name           text NOT NULL,
    address_street        text,
    address_postal_code   text CHECK (address_postal_code ~ '^[0-9]{5}$'),
    address_municipality  text,
    address_province      text CHECK (address_province ~ '^[A-Z]{2}$'),
    created_at            timestamptz NOT NULL
);

-- Employment codes are 9 digits from this sequence plus a Luhn check digit
-- (inps_domain::employment::EmploymentCode::from_sequence).
CREATE SEQUENCE employment_code_seq START 100000001 MAXVALUE 999999999;

CREATE TABLE employments (
    code                text PRIMARY KEY CHECK (code ~ '^[0-9]{10}$'),
    employer_tax_code   text NOT NULL REFERENCES employers (tax_code),
    worker_tax_code     text NOT NULL,
    worker_given_name   text NOT NULL,
    worker_family_name  text NOT NULL,
    employment_type     text NOT NULL CHECK (employment_type IN ('colf', 'badante', 'baby_sitter')),
    start_date          date NOT NULL,
    end_date            date CHECK (end_date IS NULL OR end_date >= start_date),
    weekly_hours        numeric(5, 2) NOT NULL CHECK (weekly_hours > 0 AND weekly_hours <= 54),
    hourly_pay          numeric(9, 2) NOT NULL CHECK (hourly_pay > 0),
    live_in             boolean NOT NULL,
    fixed_term          boolean NOT NULL,
    cuaf                boolean NOT NULL,
    created_at          timestamptz NOT NULL,
    created_by          text
);
CREATE INDEX employments_by_employer ON employments (employer_tax_code, start_date DESC, code);

-- Hourly contribution rates per year (DOMAIN.md 2.4). They change every January and arrive
-- late, so they are data: a year without rows is an explicit error, never a zero.
CREATE TABLE contribution_rates (
    year                 integer NOT NULL,
    band                 text NOT NULL CHECK (band IN ('band1', 'band2', 'band3', 'over_24_hours')),
    max_hourly_pay       numeric(9, 2),
    open_ended_cuaf      numeric(6, 2) NOT NULL,
    open_ended_no_cuaf   numeric(6, 2) NOT NULL,
    fixed_term_cuaf      numeric(6, 2) NOT NULL,
    fixed_term_no_cuaf   numeric(6, 2) NOT NULL,
    source               text NOT NULL,
    PRIMARY KEY (year, band),
    CHECK ((band IN ('band1', 'band2')) = (max_hourly_pay IS NOT NULL))
);

-- 2026: INPS circ. n. 9 of 3/2/2026. The fixed-term rate above 11.70 without CUAF is "n/a" in
-- the source: the with-CUAF value applies. Over 24 h without CUAF: likewise.
INSERT INTO contribution_rates VALUES
    (2026, 'band1', 9.61, 1.70, 1.71, 1.82, 1.83, 'INPS circ. 9/2026'),
    (2026, 'band2', 11.70, 1.92, 1.93, 2.05, 2.06, 'INPS circ. 9/2026'),
    (2026, 'band3', NULL, 2.34, 2.34, 2.50, 2.50, 'INPS circ. 9/2026'),
    (2026, 'over_24_hours', NULL, 1.24, 1.24, 1.32, 1.32, 'INPS circ. 9/2026');

-- 2025: INPS circ. n. 29 of 30/1/2025 publishes the open-ended with-CUAF rates; the other
-- variants are derived from them with the overall percentages (without CUAF 20.0875%, fixed
-- term +1.40%: 21.3675% / 21.4875% against 19.9675%), rounded half-up to cents
-- (inps_domain::contribution::derived_rate). Where the 2026 source has no separate
-- without-CUAF rate (band 3, over 24 h), 2025 follows it: the with-CUAF value applies.
INSERT INTO contribution_rates VALUES
    (2025, 'band1', 9.48, 1.68, 1.69, 1.80, 1.81, 'INPS circ. 29/2025 (variants derived)'),
    (2025, 'band2', 11.54, 1.89, 1.90, 2.02, 2.03, 'INPS circ. 29/2025 (variants derived)'),
    (2025, 'band3', NULL, 2.30, 2.30, 2.46, 2.46, 'INPS circ. 29/2025 (variants derived)'),
    (2025, 'over_24_hours', NULL, 1.22, 1.22, 1.31, 1.31, 'INPS circ. 29/2025 (variants derived)');

-- Payments recorded by operators or imports (pagoPA notice number: 18 digits).
CREATE TABLE contribution_payments (
    id                    uuid PRIMARY KEY,
    employment_code       text NOT NULL REFERENCES employments (code),
    year                  integer NOT NULL,
    quarter               integer NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    pagopa_notice_number  text NOT NULL UNIQUE CHECK (pagopa_notice_number ~ '^[0-9]{18}$'),
    paid_on               date NOT NULL,
    amount                numeric(12, 2) NOT NULL CHECK (amount > 0),
    recorded_at           timestamptz NOT NULL,
    recorded_by           text
);
CREATE INDEX contribution_payments_by_quarter ON contribution_payments (employment_code, year, quarter);

-- Inquiry topics (DOMAIN.md 2.2) with their answer deadline: not published, so data that
-- operators edit; seeded at 30 calendar days.
CREATE TABLE inquiry_topics (
    code                  text PRIMARY KEY,
    title_it              text NOT NULL,
    title_en              text NOT NULL,
    answer_deadline_days  integer NOT NULL CHECK (answer_deadline_days BETWEEN 1 AND 365),
    version               integer NOT NULL DEFAULT 1,
    updated_at            timestamptz NOT NULL DEFAULT now()
);
INSERT INTO inquiry_topics (code, title_it, title_en, answer_deadline_days) VALUES
    ('mav', 'MAV: non ricevuto, errato o non stampabile', 'Payment notice (MAV) not received, wrong or not printable', 30),
    ('registry_data', 'Anagrafiche: dati non aggiornati o variazioni', 'Personal data out of date or changes', 30),
    ('contributions', 'Contributi versati ma non presenti nell''estratto conto', 'Contributions paid but missing from the statement', 30),
    ('employment_status', 'Rapporti di lavoro: sospesi o in attesa di definizione', 'Employment suspended or awaiting definition', 30),
    ('notices', 'Avviso bonario / accertamento: informazioni o variazioni', 'Demand notice or assessment: information or changes', 30);

CREATE SEQUENCE inquiry_protocol_seq;

CREATE TABLE inquiries (
    id                 uuid PRIMARY KEY,
    protocol_number    text NOT NULL UNIQUE,
    employment_code    text NOT NULL REFERENCES employments (code),
    employer_tax_code  text NOT NULL,
    topic              text NOT NULL REFERENCES inquiry_topics (code),
    text               text NOT NULL,
    sent_at            timestamptz NOT NULL,
    sent_by            text NOT NULL,
    delegation_id      uuid,
    outcome            text CHECK (outcome IN ('positive', 'negative')),
    answer_text        text,
    answered_at        timestamptz,
    answered_by        text,
    CHECK ((outcome IS NULL) = (answered_at IS NULL))
);
CREATE INDEX inquiries_by_employment ON inquiries (employment_code, sent_at DESC, id);

-- Files attached to inquiries (and later appointments and messages), stored in the database so
-- that they live and die with the transaction that accepted them.
CREATE TABLE attachments (
    id          uuid PRIMARY KEY,
    owner_kind  text NOT NULL CHECK (owner_kind IN ('inquiry', 'appointment', 'message')),
    owner_id    uuid NOT NULL,
    file_name   text NOT NULL,
    media_type  text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff')),
    size_bytes  integer NOT NULL CHECK (size_bytes > 0),
    sha256      bytea NOT NULL,
    content     bytea NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX attachments_by_owner ON attachments (owner_kind, owner_id, created_at);
