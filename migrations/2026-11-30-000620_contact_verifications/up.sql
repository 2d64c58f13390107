-- One-time codes verifying a contact on file: at most one pending per person and channel (a new
-- request replaces it). Only a keyed hash of the code is kept (HMAC-SHA-256), with the address
-- it was sent to (a code is void once the contact changes), its expiry and the wrong tries.
CREATE TABLE contact_verifications (
    tax_code         text NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('email', 'pec', 'sms')),
    address          text NOT NULL,
    code_hash        bytea NOT NULL,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    failed_attempts  integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    PRIMARY KEY (tax_code, channel)
);
