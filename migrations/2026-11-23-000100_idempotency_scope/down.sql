DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys DROP COLUMN path;
ALTER TABLE idempotency_keys DROP COLUMN method;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (caller, key);
