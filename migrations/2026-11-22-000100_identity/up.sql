-- Identity, sessions, roles, delegations, the accountability log and idempotency keys.

CREATE TABLE persons (
    tax_code       text PRIMARY KEY,
    given_name     text NOT NULL,
    family_name    text NOT NULL,
    created_at     timestamptz NOT NULL,
    last_login_at  timestamptz
);

CREATE TABLE person_roles (
    tax_code    text NOT NULL REFERENCES persons (tax_code),
    role        text NOT NULL CHECK (role IN ('employer', 'worker', 'client', 'intermediary', 'operator')),
    granted_at  timestamptz NOT NULL,
    granted_by  text,
    PRIMARY KEY (tax_code, role)
);

-- Records imported from INPS archives (employers, workers): names at login are compared with
-- them and a mismatch becomes a pending action for an operator, never a silent overwrite.
CREATE TABLE registry_records (
    tax_code     text PRIMARY KEY,
    given_name   text NOT NULL,
    family_name  text NOT NULL,
    source       text NOT NULL
);

CREATE TABLE pending_actions (
    id           uuid PRIMARY KEY,
    kind         text NOT NULL,
    tax_code     text NOT NULL,
    details      jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    resolved_at  timestamptz
);
CREATE UNIQUE INDEX pending_actions_open_once ON pending_actions (kind, tax_code) WHERE resolved_at IS NULL;

-- Qualified intermediaries (circ. INPS 49/2011): only they can be delegates.
CREATE TABLE intermediaries (
    tax_code             text PRIMARY KEY,
    given_name           text NOT NULL,
    family_name          text NOT NULL,
    qualification        text NOT NULL CHECK (qualification IN
                             ('labour_consultant', 'accountant', 'patronato', 'caf', 'trade_association')),
    registration_number  text,
    active               boolean NOT NULL DEFAULT true,
    registered_at        timestamptz NOT NULL,
    registered_by        text
);

CREATE TABLE assertion_replays (
    jti         text PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX assertion_replays_expiry ON assertion_replays (expires_at);

CREATE TABLE sandbox_keys (
    kid          text PRIMARY KEY,
    private_pem  text NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE TABLE sessions (
    id                   uuid PRIMARY KEY,
    token_hash           bytea NOT NULL UNIQUE,
    tax_code             text NOT NULL REFERENCES persons (tax_code),
    level                text NOT NULL,
    idp                  text NOT NULL,
    created_at           timestamptz NOT NULL,
    last_seen_at         timestamptz NOT NULL,
    absolute_expires_at  timestamptz NOT NULL,
    revoked_at           timestamptz
);
CREATE INDEX sessions_by_person ON sessions (tax_code);

CREATE TABLE contacts (
    tax_code         text PRIMARY KEY REFERENCES persons (tax_code),
    email            text,
    email_verified   boolean NOT NULL DEFAULT false,
    pec              text,
    pec_verified     boolean NOT NULL DEFAULT false,
    mobile           text,
    mobile_verified  boolean NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE consents (
    tax_code   text NOT NULL REFERENCES persons (tax_code),
    document   text NOT NULL CHECK (document IN ('privacy_notice', 'terms_of_use')),
    version    text NOT NULL,
    given_at   timestamptz NOT NULL,
    PRIMARY KEY (tax_code, document, version)
);

CREATE TABLE notification_preferences (
    tax_code    text NOT NULL REFERENCES persons (tax_code),
    event_type  text NOT NULL,
    channels    text[] NOT NULL,
    frequency   text NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tax_code, event_type)
);

CREATE TABLE delegations (
    id                        uuid PRIMARY KEY,
    delegator_tax_code        text NOT NULL,
    delegate_tax_code         text NOT NULL REFERENCES intermediaries (tax_code),
    service                   text NOT NULL CHECK (service IN ('domestic_work', 'occasional_work')),
    scopes                    text[] NOT NULL,
    valid_from                date NOT NULL,
    valid_until               date NOT NULL CHECK (valid_until >= valid_from),
    status                    text NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'revoked', 'expired')),
    verification_code_hash    bytea NOT NULL,
    failed_attempts           integer NOT NULL DEFAULT 0,
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL,
    created_by                text NOT NULL,
    activated_at              timestamptz,
    closed_at                 timestamptz,
    closed_by                 text,
    CHECK (delegator_tax_code <> delegate_tax_code)
);
CREATE INDEX delegations_by_delegator ON delegations (delegator_tax_code, created_at DESC, id);
CREATE INDEX delegations_by_delegate ON delegations (delegate_tax_code, created_at DESC, id);
-- INPS msg. 465/2017: an employer has at most one active domestic-work delegation.
CREATE UNIQUE INDEX delegations_one_active_domestic ON delegations (delegator_tax_code)
    WHERE service = 'domestic_work' AND status = 'active';

-- The accountability log: append-only (UPDATE, DELETE and TRUNCATE are refused) and
-- hash-chained: hash = sha256(prev_hash || canonical event), see inps_domain::audit.
CREATE TABLE audit_events (
    seq               bigint PRIMARY KEY,
    id                uuid NOT NULL UNIQUE,
    occurred_at       timestamptz NOT NULL,
    actor_tax_code    text,
    subject_tax_code  text,
    delegation_id     uuid,
    action            text NOT NULL,
    resource          text NOT NULL,
    outcome           text NOT NULL,
    request_id        text,
    prev_hash         bytea NOT NULL,
    hash              bytea NOT NULL
);
CREATE INDEX audit_events_by_subject ON audit_events (subject_tax_code, seq DESC);
CREATE INDEX audit_events_by_actor ON audit_events (actor_tax_code, seq DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Idempotency-Key: the first successful answer of a creating POST, replayed for 24 h.
CREATE TABLE idempotency_keys (
    caller            text NOT NULL,
    key               text NOT NULL,
    fingerprint       bytea NOT NULL,
    response_status   integer,
    response_body     bytea,
    response_location text,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
