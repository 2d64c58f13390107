-- Disputes (contestazioni) of occasional-work services: the worker asks the client for a
-- clarification with a reason code and a text; the client answers or rectifies. Every step is
-- stamped. At most one dispute of a service waits for a reply at a time (the service is `disputed`
-- meanwhile); after a rectification the worker may dispute the new version.
CREATE TABLE occasional_disputes (
    id             uuid PRIMARY KEY,
    service_id     uuid NOT NULL REFERENCES occasional_services (id),
    state          text NOT NULL CHECK (state IN ('opened', 'answered', 'rectified', 'closed')),
    reason         text NOT NULL CHECK (reason IN ('wrong_hours', 'wrong_amount', 'not_performed', 'other')),
    text           text NOT NULL,
    -- The service's status before the dispute opened (it returns to it when closed unrectified).
    status_before  text NOT NULL,
    answer         text,
    opened_by      text NOT NULL,
    answered_by    text,
    opened_at      timestamptz NOT NULL,
    answered_at    timestamptz,
    rectified_at   timestamptz,
    reopened_at    timestamptz,
    closed_at      timestamptz
);

CREATE UNIQUE INDEX occasional_disputes_one_open ON occasional_disputes (service_id)
    WHERE state IN ('opened', 'answered');
CREATE INDEX occasional_disputes_service ON occasional_disputes (service_id, opened_at);
