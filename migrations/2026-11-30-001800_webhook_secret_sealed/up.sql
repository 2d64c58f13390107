-- Webhook signing secrets sealed at rest: AES-256-GCM under a key from WEBHOOK_SECRET_KEY (the
-- server seals, the database never sees the key). A row keeps exactly one form: `secret_sealed`,
-- or, for a subscription created before this migration, the clear `secret` until the server
-- seals it (at start, right after migrating, and at the first delivery of one written since).
ALTER TABLE webhook_subscriptions
    ALTER COLUMN secret DROP NOT NULL,
    ADD COLUMN secret_sealed bytea,
    ADD CONSTRAINT webhook_subscriptions_one_secret
        CHECK ((secret IS NULL) <> (secret_sealed IS NULL));
