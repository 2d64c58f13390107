//! Disputes: the worker asks the client for a clarification about a service, the client answers
//! or rectifies, and the dispute is closed.
//!
//! States and who moves them (a delegate acts as the party it represents, within its scope):
//!
//! | from | action | by | to |
//! |---|---|---|---|
//! | (none) | open | worker | `opened` |
//! | `opened` | answer | client | `answered` |
//! | `opened`, `answered` | rectify | client | `rectified` |
//! | `answered` | reopen | worker | `opened` |
//! | `opened`, `answered`, `rectified` | close | worker or operator | `closed` |
//!
//! The worker closes a dispute once satisfied, and may reopen an answer that does not satisfy
//! them; the client cannot close it, so a dispute is never settled by the side it is about; an
//! operator may close any open dispute. A rectification ends the client's part: the worker then
//! closes it (or opens a new dispute on the new version). Every transition is stamped with its
//! time so both sides see how long each step took.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::service::ServiceStatus;
use crate::identity::{ParseError, parse_wire};
use crate::notification::named_enum;
use crate::text::{TextError, clean_text};

/// The longest dispute or answer text, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

named_enum! {
    /// Why the worker disputes a service.
    Reason, "dispute reason" {
        /// The hours are not those worked.
        WrongHours = "wrong_hours",
        /// The pay is not the one agreed.
        WrongAmount = "wrong_amount",
        /// The work did not take place.
        NotPerformed = "not_performed",
        /// Anything else, explained in the text.
        Other = "other",
    }
}

named_enum! {
    /// The state of a dispute.
    DisputeState, "dispute state" {
        /// Waiting for the client.
        Opened = "opened",
        /// The client answered; waiting for the worker.
        Answered = "answered",
        /// The client rectified the service; waiting for the worker.
        Rectified = "rectified",
        /// Closed: final.
        Closed = "closed",
    }
}

named_enum! {
    /// What a party does to a dispute.
    DisputeAction, "dispute action" {
        /// The client answers with a text.
        Answer = "answer",
        /// The client rectifies the service (a new version).
        Rectify = "rectify",
        /// The worker finds the answer unsatisfying.
        Reopen = "reopen",
        /// The worker (satisfied) or an operator ends the dispute.
        Close = "close",
    }
}

named_enum! {
    /// Who acts on a dispute.
    DisputeParty, "dispute party" {
        /// The worker (prestatore) of the service.
        Worker = "worker",
        /// The client (utilizzatore) of the service.
        Client = "client",
        /// INPS staff.
        Operator = "operator",
    }
}

/// Why a dispute action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisputeError {
    /// Only the worker opens a dispute.
    #[error("only the worker may open a dispute")]
    OnlyWorkerOpens,
    /// The service is revoked or paid, or already has an open dispute.
    #[error("a {0} service cannot be disputed")]
    ServiceNotDisputable(ServiceStatus),
    /// The party may never perform the action.
    #[error("the {by} cannot {action} a dispute")]
    NotAllowed {
        /// The refused action.
        action: DisputeAction,
        /// Who tried.
        by: DisputeParty,
    },
    /// The action does not apply in the current state.
    #[error("cannot {action} a dispute that is {from}")]
    WrongState {
        /// The current state.
        from: DisputeState,
        /// The refused action.
        action: DisputeAction,
    },
    /// The text is blank, too long or holds a NUL.
    #[error("the text is not acceptable: {0}")]
    Text(#[from] TextError),
}

/// A request for clarification, as the worker writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The reason code.
    pub reason: Reason,
    /// The worker's explanation, trimmed, never blank.
    pub text: String,
}

/// Opens a dispute by `by` on a service in `status`: only the worker, only on a recorded or
/// rectified service (a disputed one already has an open dispute; a revoked or paid one is
/// settled, and goes through support). The text is required for every reason.
pub fn open(
    status: ServiceStatus,
    by: DisputeParty,
    reason: Reason,
    text: &str,
) -> Result<Request, DisputeError> {
    if by != DisputeParty::Worker {
        return Err(DisputeError::OnlyWorkerOpens);
    }
    if !matches!(status, ServiceStatus::Recorded | ServiceStatus::Rectified) {
        return Err(DisputeError::ServiceNotDisputable(status));
    }
    Ok(Request {
        reason,
        text: message(text)?,
    })
}

/// A client's answer or a worker's follow-up: trimmed, never blank, at most
/// [`MAX_TEXT_CHARS`].
pub fn message(text: &str) -> Result<String, DisputeError> {
    Ok(clean_text(text, MAX_TEXT_CHARS)?)
}

/// Who may perform `action`.
fn allowed(action: DisputeAction, by: DisputeParty) -> bool {
    match action {
        DisputeAction::Answer | DisputeAction::Rectify => by == DisputeParty::Client,
        DisputeAction::Reopen => by == DisputeParty::Worker,
        DisputeAction::Close => matches!(by, DisputeParty::Worker | DisputeParty::Operator),
    }
}

/// The state after `by` performs `action` on a dispute in `current`. Permission is checked
/// before state, so the answer reveals nothing to a party with no say.
pub fn transition(
    current: DisputeState,
    action: DisputeAction,
    by: DisputeParty,
) -> Result<DisputeState, DisputeError> {
    use DisputeAction::{Answer, Close, Rectify, Reopen};
    use DisputeState::{Answered, Closed, Opened, Rectified};

    if !allowed(action, by) {
        return Err(DisputeError::NotAllowed { action, by });
    }
    match (current, action) {
        (Opened, Answer) => Ok(Answered),
        (Opened | Answered, Rectify) => Ok(Rectified),
        (Answered, Reopen) => Ok(Opened),
        (Opened | Answered | Rectified, Close) => Ok(Closed),
        (from, action) => Err(DisputeError::WrongState { from, action }),
    }
}

/// The status of the service while a dispute is in `state`, given its status before the dispute
/// opened: disputed while open, rectified after a rectification, as before once closed without
/// one.
pub fn service_status(
    state: DisputeState,
    before: ServiceStatus,
    rectified: bool,
) -> ServiceStatus {
    match state {
        DisputeState::Opened | DisputeState::Answered => ServiceStatus::Disputed,
        DisputeState::Rectified => ServiceStatus::Rectified,
        DisputeState::Closed if rectified => ServiceStatus::Rectified,
        DisputeState::Closed => before,
    }
}

/// The times of a dispute's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    /// When the worker opened it.
    pub opened_at: OffsetDateTime,
    /// When the client last answered.
    pub answered_at: Option<OffsetDateTime>,
    /// When the client rectified the service.
    pub rectified_at: Option<OffsetDateTime>,
    /// When the worker last reopened it.
    pub reopened_at: Option<OffsetDateTime>,
    /// When it was closed.
    pub closed_at: Option<OffsetDateTime>,
}

impl Timeline {
    /// A dispute opened at `at`.
    pub fn opened(at: OffsetDateTime) -> Self {
        Self {
            opened_at: at,
            answered_at: None,
            rectified_at: None,
            reopened_at: None,
            closed_at: None,
        }
    }

    /// The timeline with `action` stamped at `at`.
    pub fn stamp(self, action: DisputeAction, at: OffsetDateTime) -> Self {
        match action {
            DisputeAction::Answer => Self {
                answered_at: Some(at),
                ..self
            },
            DisputeAction::Rectify => Self {
                rectified_at: Some(at),
                ..self
            },
            DisputeAction::Reopen => Self {
                reopened_at: Some(at),
                ..self
            },
            DisputeAction::Close => Self {
                closed_at: Some(at),
                ..self
            },
        }
    }
}
