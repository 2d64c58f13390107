-- Notifications: one outbox of events (written in the transaction of the change they report)
-- and, per recipient, a notification with its own read state and the delivery chosen when it
-- was written (channels, frequency); each channel other than the inbox is queued for the
-- delivery worker in notification_deliveries.

CREATE TABLE notification_events (
    id                uuid PRIMARY KEY,
    event_type        text NOT NULL,
    subject_tax_code  text NOT NULL,
    recipients        text[] NOT NULL CHECK (cardinality(recipients) > 0),
    payload           jsonb NOT NULL,
    link              text NOT NULL,
    created_at        timestamptz NOT NULL
);

CREATE TABLE notifications (
    id                  uuid PRIMARY KEY,
    event_id            uuid NOT NULL REFERENCES notification_events (id),
    recipient_tax_code  text NOT NULL,
    event_type          text NOT NULL,
    subject_tax_code    text NOT NULL,
    payload             jsonb NOT NULL,
    link                text NOT NULL,
    created_at          timestamptz NOT NULL,
    read_at             timestamptz,
    channels            text[] NOT NULL,
    frequency           text NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    CONSTRAINT notifications_once_per_recipient UNIQUE (event_id, recipient_tax_code)
);
-- The inbox: unread first, then newest (the keyset order of GET /v1/notifications).
CREATE INDEX notifications_inbox
    ON notifications (recipient_tax_code, (read_at IS NULL) DESC, created_at DESC, id DESC);

CREATE TABLE notification_deliveries (
    notification_id  uuid NOT NULL REFERENCES notifications (id),
    channel          text NOT NULL CHECK (channel IN ('email', 'pec', 'sms')),
    status           text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'expired')),
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (notification_id, channel)
);
CREATE INDEX notification_deliveries_queued ON notification_deliveries (created_at)
    WHERE status = 'queued';
