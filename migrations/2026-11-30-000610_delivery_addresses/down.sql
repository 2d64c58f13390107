DELETE FROM notification_deliveries WHERE address IS NOT NULL;
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_once;
ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_pkey;
ALTER TABLE notification_deliveries ADD PRIMARY KEY (notification_id, channel);
ALTER TABLE notification_deliveries DROP COLUMN address, DROP COLUMN id;
