-- Agenda Appuntamenti: consultation points (punti di consulenza) with their opening plan,
-- closures and assigned office operators; appointments, the quesiti they discuss, their history;
-- and the seats taken in each slot.

-- A point's weekly plan and dated exceptions are kept as the contract's body (jsonb): they are
-- read and checked whole by `inps_domain::agenda::plan` and never queried by parts.
CREATE TABLE consultation_points (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address       text NOT NULL CHECK (length(address) BETWEEN 1 AND 300),
    opening_hours jsonb NOT NULL DEFAULT '{"days": [], "exceptions": []}',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX consultation_points_by_name ON consultation_points (name, id);

-- A closure removes a whole date (from/to null) or the slots touching some hours of it.
CREATE TABLE consultation_point_closures (
    id         uuid PRIMARY KEY,
    point_id   uuid NOT NULL REFERENCES consultation_points (id),
    date       date NOT NULL,
    from_time  time,
    to_time    time,
    reason     text,
    created_at timestamptz NOT NULL,
    CHECK ((from_time IS NULL) = (to_time IS NULL)),
    CHECK (from_time IS NULL OR from_time < to_time)
);
CREATE INDEX consultation_point_closures_by_point ON consultation_point_closures (point_id, date);

-- Office operators assigned to a point. An operator with no row here is a central operator.
CREATE TABLE consultation_point_operators (
    point_id          uuid NOT NULL REFERENCES consultation_points (id),
    operator_tax_code text NOT NULL,
    assigned_at       timestamptz NOT NULL,
    PRIMARY KEY (point_id, operator_tax_code)
);
CREATE INDEX consultation_point_operators_by_operator ON consultation_point_operators (operator_tax_code);

-- Seats taken in a slot: one row per point and slot start, created by the first confirmation.
-- A seat is taken by one conditional upsert (`taken < seats` of the current plan), which the row
-- lock of the upsert serialises: two confirmations never share a seat.
CREATE TABLE slot_seats (
    point_id uuid NOT NULL REFERENCES consultation_points (id),
    start    timestamptz NOT NULL,
    taken    integer NOT NULL CHECK (taken >= 0),
    PRIMARY KEY (point_id, start)
);

CREATE TABLE appointments (
    id                uuid PRIMARY KEY,
    employer_tax_code text NOT NULL,
    employment_code   text NOT NULL REFERENCES employments (code),
    point_id          uuid NOT NULL REFERENCES consultation_points (id),
    slot_start        timestamptz NOT NULL,
    slot_end          timestamptz NOT NULL,
    state             text NOT NULL CHECK (state IN ('draft', 'confirmed', 'closed_resolved', 'cancelled')),
    note              text NOT NULL,
    channels          text[] NOT NULL,
    booked_by         text NOT NULL,
    managed_by        text,
    delegation_id     uuid,
    cancelled_by      text CHECK (cancelled_by IN ('user', 'office')),
    cancel_reason     text,
    created_at        timestamptz NOT NULL,
    draft_expires_at  timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX appointments_by_employer ON appointments (employer_tax_code, slot_start DESC, id DESC);
CREATE INDEX appointments_by_point ON appointments (point_id, slot_start DESC, id DESC);
CREATE INDEX appointments_by_manager ON appointments (managed_by, slot_start DESC, id DESC) WHERE managed_by IS NOT NULL;

-- The quesiti an appointment discusses. `confirmed` is true while the appointment is confirmed:
-- a quesito is on one confirmed appointment at most (the partial unique index decides between
-- two concurrent confirmations sharing it).
CREATE TABLE appointment_inquiries (
    appointment_id uuid NOT NULL REFERENCES appointments (id),
    inquiry_id     uuid NOT NULL REFERENCES inquiries (id),
    position       integer NOT NULL,
    confirmed      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (appointment_id, inquiry_id)
);
CREATE UNIQUE INDEX appointment_inquiries_one_confirmed ON appointment_inquiries (inquiry_id) WHERE confirmed;

CREATE TABLE appointment_history (
    id             uuid PRIMARY KEY,
    appointment_id uuid NOT NULL REFERENCES appointments (id),
    kind           text NOT NULL CHECK (kind IN ('created', 'confirmed', 'cancelled_by_user', 'cancelled_by_office', 'closed_resolved', 'rescheduled')),
    at             timestamptz NOT NULL,
    by_tax_code    text NOT NULL,
    slot_start     timestamptz NOT NULL,
    reason         text,
    -- The order of the changes (several may share an instant).
    seq            bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX appointment_history_by_appointment ON appointment_history (appointment_id, seq);

-- The 24-hour reminder of an appointment is a scheduled job of its own kind, due at an instant
-- (`due_at`) within its Italian civil day (`due_on`).
ALTER TABLE scheduled_jobs DROP CONSTRAINT scheduled_jobs_kind_check;
ALTER TABLE scheduled_jobs ADD CONSTRAINT scheduled_jobs_kind_check
    CHECK (kind IN ('delegation_expiring', 'appointment_reminder'));
ALTER TABLE scheduled_jobs ADD COLUMN due_at timestamptz;

-- Messages between the user and the office about an appointment.
CREATE TABLE appointment_messages (
    id             uuid PRIMARY KEY,
    appointment_id uuid NOT NULL REFERENCES appointments (id),
    author         text NOT NULL,
    by_office      boolean NOT NULL,
    text           text NOT NULL,
    sent_at        timestamptz NOT NULL,
    seq            bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX appointment_messages_by_appointment ON appointment_messages (appointment_id, seq);
