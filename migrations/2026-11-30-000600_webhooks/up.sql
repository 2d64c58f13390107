-- Webhooks for integrators: a person's subscriptions (an HTTPS URL, the event types it wants,
-- the signing secret shown once at creation) and the deliveries of outbox events to them,
-- claimed by the delivery worker like the notification deliveries.
CREATE TABLE webhook_subscriptions (
    id                    uuid PRIMARY KEY,
    owner_tax_code        text NOT NULL,
    url                   text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
    event_types           text[] NOT NULL CHECK (cardinality(event_types) > 0),
    secret                text NOT NULL,
    status                text NOT NULL CHECK (status IN ('active', 'disabled')),
    consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    disabled_at           timestamptz
);
-- The fan-out looks up the active subscriptions of each recipient.
CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_tax_code, status);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id         uuid NOT NULL REFERENCES notification_events (id),
    status           text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'expired')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz,
    last_error       text,
    response_status  integer,
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    updated_at       timestamptz
);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC, id DESC);
-- What the worker claims: queued deliveries by when they are due.
CREATE INDEX webhook_deliveries_due
    ON webhook_deliveries ((coalesce(next_attempt_at, created_at)))
    WHERE status = 'queued';
