-- Deliveries to an explicit address: the security notice of a change of contacts goes to the
-- previous address (no longer on file) and to the new one, so a notification can have several
-- deliveries on one channel. Each delivery gets its own id; `address` is NULL for a delivery to
-- the address on file when sent (every other delivery), and one notification has at most one
-- delivery per channel and address.
ALTER TABLE notification_deliveries
    ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN address text;
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_pkey;
ALTER TABLE notification_deliveries ADD PRIMARY KEY (id);
ALTER TABLE notification_deliveries
    ADD CONSTRAINT notification_deliveries_once UNIQUE NULLS NOT DISTINCT (notification_id, channel, address);
