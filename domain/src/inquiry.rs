//! Quesiti of the comunicazione bidirezionale (DOMAIN.md 2.2) and when one may be brought to an
//! appointment at an INPS office (DOMAIN.md 2.3).
//!
//! An employer or their delegate sends a quesito about one employment relationship; INPS answers
//! with a positive or negative outcome. An appointment can be booked only for quesiti that got a
//! negative answer, or no answer within a deadline fixed per topic. The deadlines per topic are
//! not published, so they are configuration and arrive here as a number of days.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

pub use crate::identity::ParseError;
use crate::identity::parse_wire;
use crate::rome_time::rome_date;

mod record;
pub use record::{
    Answer, DeadlineBound, EligibilitySelection, Inquiry, MAX_TEXT_CHARS, eligibility_selection,
};

/// The outcome INPS gives when it answers a quesito.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InquiryOutcome {
    /// The request was resolved.
    Positive,
    /// The request was not resolved: the employer may ask for an appointment.
    Negative,
}

impl InquiryOutcome {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 2] = [Self::Positive, Self::Negative];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Negative => "negative",
        }
    }
}

impl FromStr for InquiryOutcome {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "inquiry outcome", s)
    }
}

impl fmt::Display for InquiryOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a quesito stands, as shown to the employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InquiryState {
    /// Sent, not answered yet.
    AwaitingAnswer,
    /// Answered with a positive outcome.
    AnsweredPositive,
    /// Answered with a negative outcome.
    AnsweredNegative,
}

impl InquiryState {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 3] = [
        Self::AwaitingAnswer,
        Self::AnsweredPositive,
        Self::AnsweredNegative,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingAnswer => "awaiting_answer",
            Self::AnsweredPositive => "answered_positive",
            Self::AnsweredNegative => "answered_negative",
        }
    }
}

impl FromStr for InquiryState {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "inquiry state", s)
    }
}

impl fmt::Display for InquiryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the eligibility rules need to know about a stored quesito.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InquiryFacts {
    /// When the quesito was sent (and registered in the protocol).
    pub sent_at: OffsetDateTime,
    /// INPS's answer and when it was given, if any.
    pub answer: Option<(InquiryOutcome, OffsetDateTime)>,
    /// Whether the quesito is already listed on an appointment that is still active (confirmed),
    /// so that the same quesito is not discussed at two appointments.
    pub on_active_appointment: bool,
}

/// Why a quesito may be brought to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EligibleBecause {
    /// INPS answered with a negative outcome (whenever the answer came).
    NegativeAnswer,
    /// INPS did not answer, and the answer deadline has passed.
    NoAnswerInTime,
}

/// Why a quesito may not be brought to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotEligibleBecause {
    /// INPS answered with a positive outcome: there is nothing left to discuss.
    PositiveAnswer,
    /// No answer yet, but INPS still has time to give one.
    AwaitingAnswer {
        /// The last Italian calendar day of the answer window; the quesito becomes eligible the
        /// day after.
        deadline: Date,
    },
    /// The quesito is already on an active appointment.
    AlreadyOnAppointment,
}

/// Whether a quesito may be brought to an appointment, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Eligibility {
    /// It may.
    Eligible(EligibleBecause),
    /// It may not.
    NotEligible(NotEligibleBecause),
}

impl Eligibility {
    /// Whether the quesito may be brought to an appointment.
    pub fn is_eligible(&self) -> bool {
        matches!(self, Self::Eligible(_))
    }
}

/// The last Italian calendar day on which INPS is still in time to answer a quesito sent at
/// `sent_at`: the Italian date of sending plus `answer_deadline_days` calendar days.
///
/// Days are counted on the Italian calendar rather than as multiples of 24 hours, so that a
/// quesito sent late in the evening does not gain or lose a day across a daylight-saving change.
/// The result saturates at the last representable date, which no real deadline reaches.
pub fn answer_deadline(sent_at: OffsetDateTime, answer_deadline_days: u32) -> Date {
    rome_date(sent_at).saturating_add(Duration::days(i64::from(answer_deadline_days)))
}

/// Whether the quesito described by `facts` may be brought to an appointment at `now`, given the
/// answer deadline of its topic.
///
/// Being on an active appointment excludes it whatever the answer. Otherwise the answer decides,
/// even when it came after the deadline: a late negative answer is eligible as a negative answer,
/// a late positive one makes the quesito ineligible. Without an answer the quesito becomes
/// eligible on the Italian day after the deadline.
pub fn eligibility(
    facts: &InquiryFacts,
    answer_deadline_days: u32,
    now: OffsetDateTime,
) -> Eligibility {
    eligibility_by(
        facts,
        answer_deadline(facts.sent_at, answer_deadline_days),
        now,
    )
}

/// [`eligibility`] with the answer deadline already fixed: a quesito keeps the deadline it was
/// given when it was sent, even if its topic's deadline changes later.
pub fn eligibility_by(facts: &InquiryFacts, deadline: Date, now: OffsetDateTime) -> Eligibility {
    if facts.on_active_appointment {
        return Eligibility::NotEligible(NotEligibleBecause::AlreadyOnAppointment);
    }
    match facts.answer {
        Some((InquiryOutcome::Positive, _)) => {
            Eligibility::NotEligible(NotEligibleBecause::PositiveAnswer)
        }
        Some((InquiryOutcome::Negative, _)) => {
            Eligibility::Eligible(EligibleBecause::NegativeAnswer)
        }
        None => {
            if rome_date(now) > deadline {
                Eligibility::Eligible(EligibleBecause::NoAnswerInTime)
            } else {
                Eligibility::NotEligible(NotEligibleBecause::AwaitingAnswer { deadline })
            }
        }
    }
}

/// Where the quesito described by `facts` stands.
pub fn state(facts: &InquiryFacts) -> InquiryState {
    match facts.answer {
        None => InquiryState::AwaitingAnswer,
        Some((InquiryOutcome::Positive, _)) => InquiryState::AnsweredPositive,
        Some((InquiryOutcome::Negative, _)) => InquiryState::AnsweredNegative,
    }
}

/// The protocol number registered for a communication: `INPS.DL.<year>.<sequence>`, with the
/// sequence zero-padded to seven digits (it simply grows longer past 9,999,999).
///
/// This function only formats: uniqueness comes from `sequence`, which the persistence layer
/// draws from a database sequence, so two communications never share a number.
pub fn protocol_number(year: i32, sequence: u64) -> String {
    format!("INPS.DL.{year}.{sequence:07}")
}

#[cfg(test)]
mod tests;
