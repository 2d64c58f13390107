DROP TABLE audit_seals;
DROP FUNCTION audit_seals_append_only();
-- Unsealed events cannot go back to the old NOT NULL chain: the down migration refuses them.
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM audit_events WHERE seq IS NULL) THEN
        RAISE EXCEPTION 'unsealed audit events: run the sealer before migrating down';
    END IF;
END $$;
DROP INDEX audit_events_unsealed;
DROP INDEX audit_events_by_subject;
DROP INDEX audit_events_by_actor;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_sealed_whole;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_seq_key;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_pkey;
ALTER TABLE audit_events
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq);
ALTER TABLE audit_events DROP COLUMN position;
CREATE INDEX audit_events_by_subject ON audit_events (subject_tax_code, seq DESC);
CREATE INDEX audit_events_by_actor ON audit_events (actor_tax_code, seq DESC);
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
