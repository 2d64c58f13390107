-- Occasional work (Prestazioni occasionali, art. 54-bis D.L. 50/2017): Libretto Famiglia and PrestO.

-- The numbers of the law as dated rows: a service is judged by the row in force on its date (the
-- latest effective_from on or before it), so a new law is a new row. Amounts in euro cents,
-- rates as fractions. Seeded from RuleSet::law_2023 (DOMAIN.md section 1); a test checks the seed.
CREATE TABLE occasional_rule_sets (
    effective_from                      date PRIMARY KEY,
    worker_limit_cents                  bigint NOT NULL CHECK (worker_limit_cents > 0),
    client_limit_cents                  bigint NOT NULL CHECK (client_limit_cents > 0),
    client_listed_sector_limit_cents    bigint NOT NULL CHECK (client_listed_sector_limit_cents > 0),
    pair_limit_cents                    bigint NOT NULL CHECK (pair_limit_cents > 0),
    presto_pair_hours                   integer NOT NULL CHECK (presto_pair_hours > 0),
    former_employer_months              integer NOT NULL CHECK (former_employer_months >= 0),
    title_gross_cents                   bigint NOT NULL,
    title_net_cents                     bigint NOT NULL,
    title_pension_cents                 bigint NOT NULL,
    title_inail_cents                   bigint NOT NULL,
    title_management_cents              bigint NOT NULL,
    libretto_report_day                 smallint NOT NULL CHECK (libretto_report_day BETWEEN 1 AND 28),
    presto_min_hourly_pay_cents         bigint NOT NULL,
    presto_min_daily_pay_cents          bigint NOT NULL,
    presto_pension_rate                 numeric NOT NULL,
    presto_inail_rate                   numeric NOT NULL,
    presto_management_rate              numeric NOT NULL,
    presto_notice_minutes               integer NOT NULL CHECK (presto_notice_minutes >= 0),
    presto_revocation_days              integer NOT NULL CHECK (presto_revocation_days >= 0),
    presto_max_employees                numeric NOT NULL,
    presto_max_employees_listed_sector  numeric NOT NULL,
    weighting                           numeric NOT NULL CHECK (weighting BETWEEN 0 AND 1),
    weighted_categories                 text[] NOT NULL,
    -- [{"prefix": "82.30.00", "name": "..."}]: ATECO prefixes with the law's names.
    listed_sectors                      jsonb NOT NULL,
    banned_sectors                      jsonb NOT NULL,
    payout_fee_bonifico_domiciliato_cents bigint NOT NULL,
    payout_fee_other_cents              bigint NOT NULL
);

INSERT INTO occasional_rule_sets VALUES (
    '2023-01-01',
    500000, 1000000, 1500000, 250000, 280, 6,
    1000, 800, 165, 25, 10,
    3,
    900, 3600, 0.33, 0.035, 0.01, 60, 3, 10, 25,
    0.75, ARRAY['pensioner', 'student_under_25', 'unemployed', 'income_support'],
    '[{"prefix": "82.30.00", "name": "organizzazione di convegni e fiere"},
      {"prefix": "96.04.20", "name": "stabilimenti termali"},
      {"prefix": "93.21.01", "name": "parchi di divertimento e parchi tematici"},
      {"prefix": "96.09.05", "name": "organizzazione di feste e cerimonie"}]',
    '[{"prefix": "01", "name": "agricoltura (L. 197/2022, from 1/1/2023)"},
      {"prefix": "05", "name": "estrazione di carbone (miniere)"},
      {"prefix": "06", "name": "estrazione di petrolio e gas (miniere)"},
      {"prefix": "07", "name": "estrazione di minerali metalliferi (miniere)"},
      {"prefix": "08", "name": "cave, estrazione di pietra, torbiere"},
      {"prefix": "09", "name": "attività di supporto all''estrazione"},
      {"prefix": "23.70", "name": "taglio, modellatura e finitura di pietre"},
      {"prefix": "41", "name": "costruzione di edifici (edilizia)"},
      {"prefix": "42", "name": "ingegneria civile (edilizia)"},
      {"prefix": "43", "name": "lavori di costruzione specializzati (edilizia)"}]',
    384, 175
);

-- Workers (prestatori): the self-declaration (category and details, as the domain writes it) and
-- the payment method. Blocking alerts of the declaration are pending actions (pending_actions,
-- kind 'occasional_declaration') until the declaration is updated.
CREATE TABLE occasional_workers (
    tax_code        text PRIMARY KEY REFERENCES persons (tax_code),
    declaration     jsonb NOT NULL,
    category        text NOT NULL CHECK (category IN ('pensioner', 'student_under_25', 'unemployed', 'income_support', 'other')),
    payment_method  text NOT NULL CHECK (payment_method IN ('iban_transfer', 'bonifico_domiciliato', 'post_office_mandate')),
    iban            text,
    registered_at   timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK ((payment_method = 'iban_transfer') = (iban IS NOT NULL))
);

-- Clients (utilizzatori): a person (Libretto Famiglia) or a business acting through its legal
-- representative (PrestO), with its wallet: paid_in (settled fundings) and committed (held by
-- services), never more committed than paid in.
CREATE TABLE occasional_clients (
    id                    uuid PRIMARY KEY,
    kind                  text NOT NULL CHECK (kind IN ('person', 'business')),
    tax_code              text NOT NULL,
    legal_representative  text REFERENCES persons (tax_code),
    ateco                 text,
    employees             numeric CHECK (employees >= 0),
    paid_in_cents         bigint NOT NULL DEFAULT 0,
    committed_cents       bigint NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    CONSTRAINT occasional_clients_tax_code_key UNIQUE (tax_code),
    CONSTRAINT occasional_clients_wallet CHECK (0 <= committed_cents AND committed_cents <= paid_in_cents),
    CHECK ((kind = 'business') = (legal_representative IS NOT NULL AND ateco IS NOT NULL AND employees IS NOT NULL)),
    CHECK (kind = 'business' OR tax_code IS NOT NULL)
);
CREATE INDEX occasional_clients_representative ON occasional_clients (legal_representative)
    WHERE legal_representative IS NOT NULL;

-- Fundings (versamenti): a payment notice for the client's wallet; a back-office settlement
-- credits paid_in. The notice number is 18 digits from a sequence.
CREATE SEQUENCE occasional_funding_notices;
CREATE TABLE occasional_fundings (
    id             uuid PRIMARY KEY,
    client_id      uuid NOT NULL REFERENCES occasional_clients (id),
    amount_cents   bigint NOT NULL CHECK (amount_cents > 0),
    notice_number  text NOT NULL UNIQUE,
    status         text NOT NULL CHECK (status IN ('pending', 'settled')),
    created_at     timestamptz NOT NULL,
    settled_at     timestamptz,
    settled_by     text,
    CHECK ((status = 'settled') = (settled_at IS NOT NULL))
);
CREATE INDEX occasional_fundings_client ON occasional_fundings (client_id, created_at);

-- Services (prestazioni): one day of work of a worker for a client. The amounts, the usage
-- counted against the limits (net, weighted for the client limit, PrestO minutes) and the rule
-- set that judged it are stored as decided. Totals are sums over the year's services that are
-- not revoked; every write of a service locks the client row then the worker row (in that
-- order), so concurrent services of the same client, worker or pair are judged one after the
-- other and cannot overshoot a limit.
CREATE TABLE occasional_services (
    id                     uuid PRIMARY KEY,
    client_id              uuid NOT NULL REFERENCES occasional_clients (id),
    worker_tax_code        text NOT NULL REFERENCES occasional_workers (tax_code),
    channel                text NOT NULL CHECK (channel IN ('libretto_famiglia', 'presto')),
    status                 text NOT NULL CHECK (status IN ('recorded', 'disputed', 'rectified', 'revoked', 'paid')),
    work_date              date NOT NULL,
    start_time             time NOT NULL,
    minutes                integer NOT NULL CHECK (minutes > 0),
    activity               text NOT NULL,
    place                  text,
    titles                 integer,
    gross_cents            bigint NOT NULL,
    net_cents              bigint NOT NULL,
    pension_cents          bigint NOT NULL,
    inail_cents            bigint NOT NULL,
    management_cents       bigint NOT NULL,
    weighted_cents         bigint NOT NULL,
    presto_minutes         integer NOT NULL,
    rules_effective_from   date NOT NULL REFERENCES occasional_rule_sets (effective_from),
    late_report_deadline   date,
    revocable_until        timestamptz,
    version                integer NOT NULL DEFAULT 1,
    recorded_at            timestamptz NOT NULL,
    recorded_by            text,
    revoked_at             timestamptz
);
CREATE INDEX occasional_services_worker ON occasional_services (worker_tax_code, work_date);
CREATE INDEX occasional_services_client ON occasional_services (client_id, work_date);
CREATE INDEX occasional_services_keyset ON occasional_services (work_date DESC, id DESC);

-- Rectified services keep every earlier version (rettifica): the row as it was, by version.
CREATE TABLE occasional_service_versions (LIKE occasional_services INCLUDING DEFAULTS);
ALTER TABLE occasional_service_versions ADD PRIMARY KEY (id, version);
