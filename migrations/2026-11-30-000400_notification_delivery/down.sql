DROP INDEX notification_deliveries_due;
CREATE INDEX notification_deliveries_queued ON notification_deliveries (created_at)
    WHERE status = 'queued';
ALTER TABLE notification_deliveries
    DROP COLUMN attempts,
    DROP COLUMN next_attempt_at,
    DROP COLUMN last_error,
    DROP COLUMN sent_at,
    DROP COLUMN expires_at,
    DROP COLUMN updated_at;
