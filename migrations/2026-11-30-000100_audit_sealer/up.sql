-- The accountability log without a global lock: use cases insert their events unchained
-- (seq, prev_hash and hash NULL), in insertion order `position`; a sealer chains committed
-- events in batches, one sealer at a time, and records each batch's head in audit_seals.
-- A sealed event can never change again; an unsealed one can only be sealed, once.

ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;

CREATE SEQUENCE audit_events_position;
ALTER TABLE audit_events ADD COLUMN position bigint;
UPDATE audit_events SET position = seq;
SELECT setval('audit_events_position', COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false);
ALTER TABLE audit_events
    ALTER COLUMN position SET DEFAULT nextval('audit_events_position'),
    ALTER COLUMN position SET NOT NULL;
ALTER SEQUENCE audit_events_position OWNED BY audit_events.position;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (position);
ALTER TABLE audit_events
    ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ADD CONSTRAINT audit_events_seq_key UNIQUE (seq),
    ADD CONSTRAINT audit_events_sealed_whole CHECK (
        (seq IS NULL AND prev_hash IS NULL AND hash IS NULL)
        OR (seq IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL));

DROP INDEX audit_events_by_subject;
DROP INDEX audit_events_by_actor;
CREATE INDEX audit_events_by_subject ON audit_events (subject_tax_code, position DESC);
CREATE INDEX audit_events_by_actor ON audit_events (actor_tax_code, position DESC);
CREATE INDEX audit_events_unsealed ON audit_events (position) WHERE seq IS NULL;

CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    -- The one permitted change: sealing an unsealed event, touching nothing else.
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND NEW.position = OLD.position AND NEW.id = OLD.id
       AND NEW.occurred_at = OLD.occurred_at
       AND NEW.actor_tax_code IS NOT DISTINCT FROM OLD.actor_tax_code
       AND NEW.subject_tax_code IS NOT DISTINCT FROM OLD.subject_tax_code
       AND NEW.delegation_id IS NOT DISTINCT FROM OLD.delegation_id
       AND NEW.action = OLD.action AND NEW.resource = OLD.resource
       AND NEW.outcome = OLD.outcome
       AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;

-- One row per sealed batch: the chain's head after it. The last row must match the last sealed
-- event, so removing events from the end of the chain is detected too.
CREATE TABLE audit_seals (
    batch       bigserial PRIMARY KEY,
    first_seq   bigint NOT NULL,
    last_seq    bigint NOT NULL UNIQUE,
    head_hash   bytea NOT NULL,
    sealed_at   timestamptz NOT NULL,
    CHECK (first_seq <= last_seq)
);

CREATE FUNCTION audit_seals_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_seals is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_seals_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION audit_seals_append_only();
CREATE TRIGGER audit_seals_no_truncate
    BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit_seals_append_only();
