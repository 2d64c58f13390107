-- INPS payouts to occasional workers (art. 54-bis c.19; DOMAIN.md 1.5). A run for a month makes
-- one payment per worker, by the payment method on file at run time, for the month's payable
-- services (recorded or rectified, past the revocation window, not held by another payment).
-- Runs are serialized by a transaction-scoped advisory lock and lock the services they read,
-- and the partial unique index below keeps a service in at most one payment that is not failed.

CREATE TABLE occasional_payment_runs (
    id              uuid PRIMARY KEY,
    month           date NOT NULL CHECK (extract(day FROM month) = 1),
    run_at          timestamptz NOT NULL,
    run_by          text,
    payments        integer NOT NULL CHECK (payments >= 0),
    services        integer NOT NULL CHECK (services >= 0),
    amount_cents    bigint NOT NULL CHECK (amount_cents >= 0)
);
CREATE INDEX occasional_payment_runs_month ON occasional_payment_runs (month, run_at);

CREATE TABLE occasional_payments (
    id                uuid PRIMARY KEY,
    run_id            uuid NOT NULL REFERENCES occasional_payment_runs (id),
    worker_tax_code   text NOT NULL REFERENCES occasional_workers (tax_code),
    month             date NOT NULL,
    status            text NOT NULL CHECK (status IN ('scheduled', 'in_payment', 'credited', 'failed')),
    payment_method    text NOT NULL CHECK (payment_method IN ('iban_transfer', 'bonifico_domiciliato', 'post_office_mandate')),
    iban              text,
    amount_cents      bigint NOT NULL CHECK (amount_cents > 0),
    fee_cents         bigint NOT NULL CHECK (fee_cents >= 0),
    credited_cents    bigint NOT NULL CHECK (credited_cents >= 0),
    failure_reason    text,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    in_payment_at     timestamptz,
    credited_at       timestamptz,
    failed_at         timestamptz,
    CHECK ((payment_method = 'iban_transfer') = (iban IS NOT NULL)),
    CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);
CREATE INDEX occasional_payments_worker ON occasional_payments (worker_tax_code, month DESC, id DESC);

-- The services of a payment, as paid (net and gross at run time). `released` once the payment
-- failed: the service may then be paid by a later run.
CREATE TABLE occasional_payment_services (
    payment_id   uuid NOT NULL REFERENCES occasional_payments (id),
    service_id   uuid NOT NULL REFERENCES occasional_services (id),
    client_id    uuid NOT NULL REFERENCES occasional_clients (id),
    work_date    date NOT NULL,
    net_cents    bigint NOT NULL,
    gross_cents  bigint NOT NULL,
    released     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (payment_id, service_id)
);
CREATE UNIQUE INDEX occasional_payment_services_held ON occasional_payment_services (service_id)
    WHERE NOT released;
