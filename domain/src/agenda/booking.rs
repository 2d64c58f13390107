//! Booking an appointment: the draft's rules, its expiry, its attachments and the reminder.
//!
//! A booking is a draft first (holding no seat), then gets its attachments, then is confirmed,
//! which is when the store takes a seat atomically. [`validate_draft`] checks every rule of a
//! draft at once and reports each broken one; the store calls it when the draft is created and
//! again at confirmation, since an inquiry may have been put on another appointment meanwhile.

use std::collections::HashSet;
use std::hash::Hash;

use time::{Duration, OffsetDateTime};

use super::lifecycle::AppointmentState;
use crate::attachment::{AttachmentError, check_count, check_total};
use crate::employment::EmploymentCode;
use crate::inquiry::{Eligibility, InquiryFacts, NotEligibleBecause, eligibility_by};
use crate::notification::Channel;
use crate::person::Contacts;
use crate::text::{TextError, clean_text};

/// How long a draft may wait for its confirmation, unless configured otherwise.
pub const DEFAULT_DRAFT_TTL: Duration = Duration::hours(24);

/// The longest note, in characters (trimmed).
pub const MAX_NOTE_CHARS: usize = 2000;

/// The most quesiti one appointment may discuss.
pub const MAX_INQUIRIES: usize = 20;

/// How long before its start an appointment is recalled to the people it concerns.
pub const REMINDER_LEAD: Duration = Duration::hours(24);

/// When a draft created at `created_at` expires, with drafts living `ttl`.
pub fn draft_expires_at(created_at: OffsetDateTime, ttl: Duration) -> OffsetDateTime {
    created_at.saturating_add(ttl)
}

/// When to remind the people concerned of an appointment starting at `start`: 24 hours of
/// elapsed time before it (across a clock change that is 23 or 25 hours of wall-clock time).
/// For an appointment booked less than a day ahead this instant is already past: the caller
/// then sends the reminder at once or not at all, as it prefers.
pub fn reminder_at(start: OffsetDateTime) -> OffsetDateTime {
    start.saturating_sub(REMINDER_LEAD)
}

/// A quesito named on a draft, as the store found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryOnDraft<Id> {
    /// The store's identifier.
    pub id: Id,
    /// The employment it is about.
    pub employment_code: EmploymentCode,
    /// What the eligibility rules need; `on_active_appointment` says whether another
    /// confirmed appointment lists it.
    pub facts: InquiryFacts,
    /// Its answer deadline, fixed when it was sent.
    pub answer_deadline: time::Date,
}

/// A draft as asked for, with the facts the store loaded for it.
#[derive(Debug, Clone, Copy)]
pub struct DraftRequest<'a, Id> {
    /// The employment the appointment is about.
    pub employment_code: &'a EmploymentCode,
    /// The quesiti the caller named, in their order (repeats are ignored).
    pub requested: &'a [Id],
    /// Those of them the store found and the caller may see.
    pub found: &'a [InquiryOnDraft<Id>],
    /// The note as typed.
    pub note: &'a str,
    /// The channels the caller wants to be notified on (the inbox is added anyway).
    pub channels: &'a [Channel],
    /// The caller's contacts on file.
    pub contacts: &'a Contacts,
    /// The start of the chosen slot.
    pub slot_start: OffsetDateTime,
}

/// A draft that keeps every rule, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDraft<Id> {
    /// The quesiti, each once, in the order first named.
    pub inquiries: Vec<Id>,
    /// The note, trimmed.
    pub note: String,
    /// The channels: the inbox first, then those asked for, each once.
    pub channels: Vec<Channel>,
}

/// A rule of a draft that is broken; [`validate_draft`] reports every one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError<Id> {
    /// No quesito named.
    #[error("at least one inquiry is required")]
    NoInquiries,
    /// More than [`MAX_INQUIRIES`] quesiti named.
    #[error("at most {MAX_INQUIRIES} inquiries per appointment, found {found}")]
    TooManyInquiries {
        /// How many different quesiti were named.
        found: usize,
    },
    /// Quesiti that do not exist or that the caller may not see.
    #[error("unknown inquiries")]
    UnknownInquiries {
        /// Their identifiers.
        ids: Vec<Id>,
    },
    /// Quesiti about another employment than the appointment's.
    #[error("inquiries about another employment")]
    OtherEmployment {
        /// Their identifiers.
        ids: Vec<Id>,
    },
    /// Quesiti that got a positive answer, or whose answer deadline has not passed.
    #[error("inquiries not eligible for an appointment")]
    NotEligible {
        /// Their identifiers and why each is not eligible.
        inquiries: Vec<(Id, NotEligibleBecause)>,
    },
    /// Quesiti already listed on another confirmed appointment.
    #[error("inquiries already on another appointment")]
    OnAnotherAppointment {
        /// Their identifiers.
        ids: Vec<Id>,
    },
    /// The note is blank, too long or carries NUL.
    #[error("invalid note: {0}")]
    Note(TextError),
    /// Channels whose contact is not on file and verified.
    #[error("no verified contact for the channels {channels:?}")]
    UnreachableChannels {
        /// The channels.
        channels: Vec<Channel>,
    },
    /// The slot does not start in the future.
    #[error("the slot started at {start}")]
    SlotInPast {
        /// Its start.
        start: OffsetDateTime,
    },
}

/// Checks every rule of a draft at `now`:
///
/// - 1 to [`MAX_INQUIRIES`] quesiti ([`DraftError::NoInquiries`], [`DraftError::TooManyInquiries`]),
///   each known to the caller ([`DraftError::UnknownInquiries`]), about the appointment's
///   employment ([`DraftError::OtherEmployment`]), eligible by
///   [`crate::inquiry::eligibility_by`], so with a negative answer or no answer past its
///   deadline ([`DraftError::NotEligible`]), and not on another confirmed appointment
///   ([`DraftError::OnAnotherAppointment`]);
/// - a note, non-blank once trimmed, at most [`MAX_NOTE_CHARS`] characters ([`DraftError::Note`]);
/// - notification channels among the verified contacts on file ([`DraftError::UnreachableChannels`],
///   [`Channel::reachable`]); the inbox is always on;
/// - a slot starting after `now` ([`DraftError::SlotInPast`]).
///
/// Returns the draft normalised, or every broken rule in the order above (never empty). A list of
/// more than [`MAX_INQUIRIES`] quesiti is refused as a whole, without a verdict on each.
pub fn validate_draft<Id: Clone + Eq + Hash>(
    request: &DraftRequest<'_, Id>,
    now: OffsetDateTime,
) -> Result<ValidDraft<Id>, Vec<DraftError<Id>>> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let inquiries: Vec<Id> = request
        .requested
        .iter()
        .filter(|id| seen.insert(*id))
        .cloned()
        .collect();
    if inquiries.is_empty() {
        errors.push(DraftError::NoInquiries);
    } else if inquiries.len() > MAX_INQUIRIES {
        errors.push(DraftError::TooManyInquiries {
            found: inquiries.len(),
        });
    }
    let (mut unknown, mut other, mut ineligible, mut taken) = (vec![], vec![], vec![], vec![]);
    // Past the limit the quesiti are not looked at one by one: the list is refused as a whole.
    let examined = if inquiries.len() > MAX_INQUIRIES {
        &[][..]
    } else {
        &inquiries[..]
    };
    for id in examined {
        let Some(inquiry) = request.found.iter().find(|i| i.id == *id) else {
            unknown.push(id.clone());
            continue;
        };
        if inquiry.employment_code != *request.employment_code {
            other.push(id.clone());
        }
        match eligibility_by(&inquiry.facts, inquiry.answer_deadline, now) {
            Eligibility::Eligible(_) => {}
            Eligibility::NotEligible(NotEligibleBecause::AlreadyOnAppointment) => {
                taken.push(id.clone());
            }
            Eligibility::NotEligible(why) => ineligible.push((id.clone(), why)),
        }
    }
    if !unknown.is_empty() {
        errors.push(DraftError::UnknownInquiries { ids: unknown });
    }
    if !other.is_empty() {
        errors.push(DraftError::OtherEmployment { ids: other });
    }
    if !ineligible.is_empty() {
        errors.push(DraftError::NotEligible {
            inquiries: ineligible,
        });
    }
    if !taken.is_empty() {
        errors.push(DraftError::OnAnotherAppointment { ids: taken });
    }
    let note = clean_text(request.note, MAX_NOTE_CHARS)
        .map_err(|e| errors.push(DraftError::Note(e)))
        .ok();
    let mut channels = vec![Channel::Inbox];
    let mut unreachable = Vec::new();
    for &channel in request.channels {
        if !channel.reachable(request.contacts) {
            if !unreachable.contains(&channel) {
                unreachable.push(channel);
            }
        } else if !channels.contains(&channel) {
            channels.push(channel);
        }
    }
    if !unreachable.is_empty() {
        errors.push(DraftError::UnreachableChannels {
            channels: unreachable,
        });
    }
    if request.slot_start <= now {
        errors.push(DraftError::SlotInPast {
            start: request.slot_start,
        });
    }
    match note {
        Some(note) if errors.is_empty() => Ok(ValidDraft {
            inquiries,
            note,
            channels,
        }),
        _ => Err(errors),
    }
}

/// Why an attachment cannot be added to or removed from an appointment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentRefusal {
    /// Attachments change only while the appointment is a draft.
    #[error("attachments can change only on a draft, this appointment is {state}")]
    NotDraft {
        /// The current state.
        state: AppointmentState,
    },
    /// The file breaks a rule of [`crate::attachment`] (count, total size).
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
}

/// Whether attachments may change on an appointment in `state`: only while it is a draft.
pub fn check_attachments_editable(state: AppointmentState) -> Result<(), AttachmentRefusal> {
    if state != AppointmentState::Draft {
        return Err(AttachmentRefusal::NotDraft { state });
    }
    Ok(())
}

/// Whether a file of `adding_bytes` may be added to a draft in `state` that already has
/// `existing` files of `existing_bytes` in total: the appointment is a draft, and the rules of
/// [`crate::attachment`] hold (at most 3 files, 3 MiB in total). The type of the file is checked
/// from its bytes by [`crate::attachment::identify`].
pub fn check_attachment_upload(
    state: AppointmentState,
    existing: usize,
    existing_bytes: u64,
    adding_bytes: u64,
) -> Result<(), AttachmentRefusal> {
    check_attachments_editable(state)?;
    check_count(existing, 1)?;
    check_total(existing_bytes, adding_bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests;
