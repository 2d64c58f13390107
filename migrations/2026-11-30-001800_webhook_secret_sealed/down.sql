-- Sealed secrets cannot be opened by SQL: going back needs every subscription created again.
DELETE FROM webhook_subscriptions WHERE secret IS NULL;
ALTER TABLE webhook_subscriptions
    DROP CONSTRAINT webhook_subscriptions_one_secret,
    DROP COLUMN secret_sealed,
    ALTER COLUMN secret SET NOT NULL;
