//! A quesito as recorded, and which stored quesiti are eligible for an appointment on a day,
//! described so that a store can select them without deciding anything itself.

use time::{Date, OffsetDateTime};

use super::{Eligibility, InquiryFacts, InquiryOutcome, InquiryState, eligibility_by, state};
use crate::employment::EmploymentCode;
use crate::rome_time::rome_date;
use crate::tax_code::TaxCode;

/// Longest question or answer text, in characters (trimmed).
pub const MAX_TEXT_CHARS: usize = 4000;

/// INPS's answer to a quesito.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Positive or negative.
    pub outcome: InquiryOutcome,
    /// The answer.
    pub text: String,
    /// When it was given.
    pub at: OffsetDateTime,
    /// The operator who gave it (`cli` for the command line).
    pub by: String,
}

/// A quesito as recorded; `Id` is how the store names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry<Id> {
    /// The store's identifier.
    pub id: Id,
    /// Protocol number ([`super::protocol_number`]).
    pub protocol_number: String,
    /// The employment it is about.
    pub employment_code: EmploymentCode,
    /// The employer (whose data it is).
    pub employer: TaxCode,
    /// Topic code.
    pub topic: String,
    /// The question.
    pub text: String,
    /// When it was sent.
    pub sent_at: OffsetDateTime,
    /// Who sent it (the employer, a delegate, or `cli`).
    pub sent_by: String,
    /// The delegation it was sent through, if any.
    pub delegation: Option<Id>,
    /// The answer, once given.
    pub answer: Option<Answer>,
    /// The last day INPS is in time to answer, fixed when it was sent.
    pub answer_deadline: Date,
    /// Whether a confirmed appointment lists it (the agenda's `appointment_inquiries`, loaded by
    /// the store with the quesito).
    pub on_active_appointment: bool,
}

impl<Id> Inquiry<Id> {
    /// What the eligibility rules need to know.
    pub fn facts(&self) -> InquiryFacts {
        InquiryFacts {
            sent_at: self.sent_at,
            answer: self.answer.as_ref().map(|a| (a.outcome, a.at)),
            on_active_appointment: self.on_active_appointment,
        }
    }

    /// Where it stands.
    pub fn state(&self) -> InquiryState {
        state(&self.facts())
    }

    /// Whether it may be brought to an appointment at `now`.
    pub fn eligibility(&self, now: OffsetDateTime) -> Eligibility {
        eligibility_by(&self.facts(), self.answer_deadline, now)
    }
}

/// Where the answer deadline of an unanswered quesito must lie to be selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineBound {
    /// Strictly before this day.
    Before(Date),
    /// On or after this day.
    OnOrAfter(Date),
}

/// The stored quesiti that are, or are not, eligible for an appointment on a day: those answered
/// with `answered`, and the unanswered ones whose deadline lies within `unanswered_deadline`;
/// a quesito on a confirmed appointment is selected exactly when `on_active_appointment` is
/// (it is never eligible, whatever its answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EligibilitySelection {
    /// The outcome of the answered quesiti selected.
    pub answered: InquiryOutcome,
    /// The deadline of the unanswered quesiti selected.
    pub unanswered_deadline: DeadlineBound,
    /// Whether the quesiti on a confirmed appointment are selected (all of them), or none.
    pub on_active_appointment: bool,
}

impl EligibilitySelection {
    /// Whether a quesito with this answer outcome and deadline, on a confirmed appointment or
    /// not, is selected.
    pub fn matches(
        &self,
        outcome: Option<InquiryOutcome>,
        deadline: Date,
        on_active_appointment: bool,
    ) -> bool {
        if on_active_appointment {
            return self.on_active_appointment;
        }
        match (outcome, self.unanswered_deadline) {
            (Some(outcome), _) => outcome == self.answered,
            (None, DeadlineBound::Before(day)) => deadline < day,
            (None, DeadlineBound::OnOrAfter(day)) => deadline >= day,
        }
    }
}

/// The selection of the quesiti that are (`eligible`) or are not eligible at `now`: a negative
/// answer, or none with the deadline passed (before today in Italy), is eligible; a positive
/// answer, or none with the deadline today or later, is not ([`eligibility_by`]).
pub fn eligibility_selection(eligible: bool, now: OffsetDateTime) -> EligibilitySelection {
    let today = rome_date(now);
    if eligible {
        EligibilitySelection {
            answered: InquiryOutcome::Negative,
            unanswered_deadline: DeadlineBound::Before(today),
            on_active_appointment: false,
        }
    } else {
        EligibilitySelection {
            answered: InquiryOutcome::Positive,
            unanswered_deadline: DeadlineBound::OnOrAfter(today),
            on_active_appointment: true,
        }
    }
}

#[cfg(test)]
mod tests;
