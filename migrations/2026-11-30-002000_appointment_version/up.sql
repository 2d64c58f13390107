-- The version of an appointment (its ETag): 1 at booking, one more with every change of state or
-- slot. A state-changing action sent with `If-Match` applies only to the version it names.
ALTER TABLE appointments ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
