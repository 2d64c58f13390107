-- An Idempotency-Key is scoped to the request it came with: the caller, the HTTP method and the
-- path (API.md "Writes"). The same key sent to another resource is another key, so it can never
-- replay an answer given for a different resource.
-- Records written before had no scope and can never match a scoped request again: they are
-- dropped (they only live 24 hours).
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys ADD COLUMN method text NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN path text NOT NULL;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (caller, method, path, key);
