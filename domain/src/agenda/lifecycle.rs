//! The states of an appointment and the changes between them.
//!
//! ```text
//!  draft ──confirm──▶ confirmed ──close (office)──▶ closed_resolved
//!                      │    ▲
//!                      │    └─reschedule (office)
//!                      └──cancel (user before the start, or office with a reason)──▶ cancelled
//! ```
//!
//! - A draft is confirmed by its author while it has not expired ([`super::booking`]) and its
//!   slot has not started; confirming is also when the seat is taken (by the store, atomically).
//! - The user (the employer or a delegate) cancels only a confirmed appointment, and only before
//!   it starts (DOMAIN.md 2.3: "cancel a confirmed appointment"); a reason is optional.
//! - The office cancels a confirmed appointment, also once it has started (a no-show), with a
//!   reason; closes it as resolved ("Chiuso e Definito"); or moves it to another slot, which
//!   keeps it confirmed and must not start in the past (the store checks that the new slot
//!   exists, [`super::slots::slot_at`], and takes a seat in it as at confirmation).
//! - `closed_resolved` and `cancelled` are final.
//!
//! Every change yields the [`HistoryKind`] of the history entry to write; the number of changes
//! is the SEQUENCE of the calendar event ([`super::ics`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use crate::identity::ParseError;
use crate::identity::parse_wire;
use crate::notification::named_enum;
use crate::text::{TextError, clean_optional, clean_text};

/// The longest cancellation reason, in characters (trimmed).
pub const MAX_REASON_CHARS: usize = 1000;

named_enum! {
    /// Where an appointment stands.
    AppointmentState, "appointment state" {
        /// Being prepared by its author: holds no seat and expires if not confirmed.
        Draft = "draft",
        /// Confermato: booked, upcoming or already held.
        Confirmed = "confirmed",
        /// Chiuso e Definito: the office resolved the request.
        ClosedResolved = "closed_resolved",
        /// Cancellato, by the user or by the office.
        Cancelled = "cancelled",
    }
}

named_enum! {
    /// Who cancelled an appointment.
    CancelledBy, "cancelled by" {
        /// The employer or their delegate.
        User = "user",
        /// An office operator.
        Office = "office",
    }
}

named_enum! {
    /// The kind of an entry of an appointment's history: one per change.
    HistoryKind, "history kind" {
        /// The draft was created.
        Created = "created",
        /// The draft was confirmed and the seat taken.
        Confirmed = "confirmed",
        /// The user cancelled it.
        CancelledByUser = "cancelled_by_user",
        /// The office cancelled it.
        CancelledByOffice = "cancelled_by_office",
        /// The office closed it as resolved.
        ClosedResolved = "closed_resolved",
        /// The office moved it to another slot.
        Rescheduled = "rescheduled",
    }
}

/// What the transition rules need to know about an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppointmentFacts {
    /// Its state.
    pub state: AppointmentState,
    /// When its slot starts.
    pub start: OffsetDateTime,
    /// When it stops being confirmable, if it is a draft ([`super::booking::draft_expires_at`]).
    pub draft_expires_at: OffsetDateTime,
}

/// A change someone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<'a> {
    /// The author confirms the draft.
    Confirm,
    /// The user cancels, optionally saying why.
    CancelByUser {
        /// The reason, if given.
        reason: Option<&'a str>,
    },
    /// The office cancels, saying why.
    CancelByOffice {
        /// The reason (required).
        reason: &'a str,
    },
    /// The office closes it as resolved.
    Close,
    /// The office moves it to the slot starting at `start`.
    Reschedule {
        /// The new start.
        start: OffsetDateTime,
    },
}

/// The result of an allowed change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The new state.
    pub state: AppointmentState,
    /// The start of its slot afterwards (changed only by a reschedule).
    pub start: OffsetDateTime,
    /// Who cancelled it, for a cancellation.
    pub cancelled_by: Option<CancelledBy>,
    /// The cancellation reason, trimmed, if any.
    pub reason: Option<String>,
    /// The history entry to write.
    pub history: HistoryKind,
}

/// Why a change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionRefusal {
    /// Only a draft can be confirmed.
    #[error("only a draft can be confirmed, this appointment is {state}")]
    NotDraft {
        /// The current state.
        state: AppointmentState,
    },
    /// The draft expired before being confirmed.
    #[error("the draft expired at {expired_at}")]
    DraftExpired {
        /// When it expired.
        expired_at: OffsetDateTime,
    },
    /// The change needs a confirmed appointment.
    #[error("only a confirmed appointment can change this way, this one is {state}")]
    NotConfirmed {
        /// The current state.
        state: AppointmentState,
    },
    /// The slot has already started: too late to confirm it, or for the user to cancel it.
    #[error("the appointment started at {start}")]
    AlreadyStarted {
        /// When it started.
        start: OffsetDateTime,
    },
    /// The reason is missing, blank, too long or carries NUL.
    #[error("invalid reason: {0}")]
    Reason(TextError),
    /// The new slot does not start in the future.
    #[error("the new slot starts at {start}, which is not in the future")]
    RescheduleIntoPast {
        /// The requested start.
        start: OffsetDateTime,
    },
}

/// Whether `change` may be applied to the appointment described by `facts` at `now`, and what it
/// becomes if so.
pub fn transition(
    facts: &AppointmentFacts,
    change: Change<'_>,
    now: OffsetDateTime,
) -> Result<Transition, TransitionRefusal> {
    let becomes = |state, history| Transition {
        state,
        start: facts.start,
        cancelled_by: None,
        reason: None,
        history,
    };
    let cancelled = |by, reason, history| Transition {
        cancelled_by: Some(by),
        reason,
        ..becomes(AppointmentState::Cancelled, history)
    };
    let not_started = || {
        if now >= facts.start {
            return Err(TransitionRefusal::AlreadyStarted { start: facts.start });
        }
        Ok(())
    };
    let confirmed = || {
        if facts.state != AppointmentState::Confirmed {
            return Err(TransitionRefusal::NotConfirmed { state: facts.state });
        }
        Ok(())
    };
    match change {
        Change::Confirm => {
            if facts.state != AppointmentState::Draft {
                return Err(TransitionRefusal::NotDraft { state: facts.state });
            }
            if now >= facts.draft_expires_at {
                return Err(TransitionRefusal::DraftExpired {
                    expired_at: facts.draft_expires_at,
                });
            }
            not_started()?;
            Ok(becomes(AppointmentState::Confirmed, HistoryKind::Confirmed))
        }
        Change::CancelByUser { reason } => {
            confirmed()?;
            not_started()?;
            let reason =
                clean_optional(reason, MAX_REASON_CHARS).map_err(TransitionRefusal::Reason)?;
            Ok(cancelled(
                CancelledBy::User,
                reason,
                HistoryKind::CancelledByUser,
            ))
        }
        Change::CancelByOffice { reason } => {
            confirmed()?;
            let reason = clean_text(reason, MAX_REASON_CHARS).map_err(TransitionRefusal::Reason)?;
            Ok(cancelled(
                CancelledBy::Office,
                Some(reason),
                HistoryKind::CancelledByOffice,
            ))
        }
        Change::Close => {
            confirmed()?;
            Ok(becomes(
                AppointmentState::ClosedResolved,
                HistoryKind::ClosedResolved,
            ))
        }
        Change::Reschedule { start } => {
            confirmed()?;
            if start <= now {
                return Err(TransitionRefusal::RescheduleIntoPast { start });
            }
            Ok(Transition {
                start,
                ..becomes(AppointmentState::Confirmed, HistoryKind::Rescheduled)
            })
        }
    }
}

#[cfg(test)]
mod tests;
