-- Scheduled reminders: a job per (kind, subject) due on an Italian civil date, claimed with
-- FOR UPDATE SKIP LOCKED by the notification worker, which writes the reminder to the outbox.
CREATE TABLE scheduled_jobs (
    id          uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('delegation_expiring')),
    subject_id  uuid NOT NULL,
    due_on      date NOT NULL,
    created_at  timestamptz NOT NULL,
    done_at     timestamptz,
    outcome     text CHECK (outcome IN ('sent', 'obsolete')),
    UNIQUE (kind, subject_id, due_on)
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_on) WHERE done_at IS NULL;
