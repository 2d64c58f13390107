//! Agenda Appuntamenti: appointments at an INPS consultation point (punto di consulenza) to
//! discuss quesiti that INPS answered negatively or not in time (DOMAIN.md 2.3, API.md "Domestic
//! work: appointment agenda", issue 10).
//!
//! Pure rules only: the store loads the facts, the API calls these functions with the time as a
//! parameter, and nothing here reads the clock or a database. The rules, by name:
//!
//! | rule | where | source |
//! |---|---|---|
//! | **Opening plan**: per weekday 1-6 non-overlapping openings (Italian wall-clock times), a slot of 5-240 minutes that divides each opening exactly, 1-100 seats per slot | [`plan`] | issue 10 |
//! | **Closures and exceptions**: a closure removes a whole date or the slots touching some hours of it; an exception adds openings on one date (even a holiday), never overlapping the weekly ones | [`plan`], [`slots`] | API.md |
//! | **National holidays are closed**: 1 Jan, 6 Jan, Easter Sunday and Monday, 25 Apr, 1 May, 2 Jun, 15 Aug, 4 Oct (from 2026), 1 Nov, 8, 25, 26 Dec | [`slots`], [`crate::calendar`] | L. 260/1949 and later |
//! | **Slots in Rome time**: computed from the IANA `Europe/Rome` zone; on clock-change days the slots follow elapsed time, the missing hour gets none, the repeated hour gets its own | [`slots`], [`crate::rome_time`] | issue 10 |
//! | **Bounded listing**: at most 62 days of slots per request | [`slots::check_range`] | issue 10 |
//! | **Nearest free slots**: a refused confirmation (slot taken or gone, 409) offers the 3 free slots closest in time to the one asked for | [`slots::nearest_free`] | API.md |
//! | **Eligible quesiti only**: 1-20 quesiti, known to the caller, about the appointment's employment, answered negatively or unanswered past their topic's deadline, not on another confirmed appointment | [`booking::validate_draft`] | DOMAIN.md 2.3 |
//! | **Required note**: non-blank once trimmed, at most 2000 characters | [`booking::validate_draft`] | seed, DOMAIN.md 2.3 |
//! | **Reachable channels**: notification channels among the verified contacts on file; the inbox always on | [`booking::validate_draft`] | API.md |
//! | **Drafts expire and hold no seat**: a draft is confirmable for 24 hours by default; the seat is taken at confirmation | [`booking::draft_expires_at`], [`lifecycle`] | API.md |
//! | **Attachments on drafts only**: at most 3, PDF/JPEG/PNG/TIFF recognised from their bytes, 3 MiB in total | [`booking::check_attachment_upload`], [`crate::attachment`] | DOMAIN.md 2.2, 2.3 |
//! | **State changes**: the user cancels a confirmed appointment before it starts; the office cancels it with a reason, closes it (Chiuso e Definito) or reschedules it into the future | [`lifecycle::transition`] | DOMAIN.md 2.3, API.md |
//! | **Calendar file**: RFC 5545, stable UID, SEQUENCE growing with every change | [`ics`] | API.md |
//! | **Reminder**: 24 hours before the start | [`booking::reminder_at`] | issue 10 |

pub mod booking;
pub mod ics;
pub mod lifecycle;
pub mod plan;
pub mod points;
pub mod slots;

pub use booking::{
    AttachmentRefusal, DEFAULT_DRAFT_TTL, DraftError, DraftRequest, InquiryOnDraft, ValidDraft,
    check_attachment_upload, check_attachments_editable, draft_expires_at, reminder_at,
    validate_draft,
};
pub use ics::{CalendarEvent, EventStatus};
pub use lifecycle::{
    AppointmentFacts, AppointmentState, CancelledBy, Change, HistoryKind, Transition,
    TransitionRefusal, transition,
};
pub use plan::{Closure, DayPlan, Exception, Opening, PlanError, Schedule, WeeklyPlan};
pub use points::{NewClosure, NewConsultationPoint, OpeningHours};
pub use slots::{FreeSlot, RangeError, Slot, list_slots, nearest_free, slot_at};
