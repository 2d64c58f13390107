-- The delivery worker's bookkeeping per queued delivery: how many attempts were made, when the
-- next one is due (NULL: at once), the last error, when it was sent, and the time past which
-- the message is not sent late (the event type's time-to-live, fixed when queued).
ALTER TABLE notification_deliveries
    ADD COLUMN attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN next_attempt_at  timestamptz,
    ADD COLUMN last_error       text,
    ADD COLUMN sent_at          timestamptz,
    ADD COLUMN expires_at       timestamptz,
    ADD COLUMN updated_at       timestamptz;

-- What the worker claims: queued deliveries by when they are due.
DROP INDEX notification_deliveries_queued;
CREATE INDEX notification_deliveries_due
    ON notification_deliveries ((coalesce(next_attempt_at, created_at)))
    WHERE status = 'queued';
