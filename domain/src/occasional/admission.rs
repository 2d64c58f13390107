//! Every check of a new service in one decision: the rules in force on its date, the worker's
//! declaration, the client's channel and PrestO eligibility, the channel's pay and notice rules,
//! and the annual limits.
//!
//! The same decision judges a new service, a duplicate, each occurrence of a recurring rule and
//! (with the old version released and the notice checked only for a moved start) a
//! rectification. The caller loads the facts, in one transaction that concurrent requests cannot
//! overshoot, and stores the outcome.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::client::{Client, PrestoRefusal, presto_eligibility};
use super::deadlines::{late_report, presto_notice, revocation_deadline};
use super::limits::{
    Ceilings, LimitBreach, LimitReport, PairHistory, Usage, YearTotals, check_limits,
};
use super::rules::RuleBook;
use super::service::{Amounts, Channel, ServiceDraft, ServiceError, Terms};
use super::worker::{Alert, SelfDeclaration, check_declaration};
use crate::tax_code::TaxCode;

/// The facts a new service is judged on.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The client.
    pub client: &'a Client,
    /// The worker's tax code (its birth date is checked against the declaration).
    pub worker: &'a TaxCode,
    /// The worker's current self-declaration.
    pub declaration: &'a SelfDeclaration,
    /// The former employment of the pair, if any.
    pub history: PairHistory,
    /// What the worker, the client and the pair already used in the calendar year of the
    /// service, without it.
    pub totals: YearTotals,
    /// When the client records (Libretto Famiglia) or declares (PrestO) the service.
    pub recorded_at: OffsetDateTime,
}

/// An admitted service: what to store and tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admission {
    /// The first day of the rule set that judged it.
    pub rules_effective_from: Date,
    /// What it costs and pays.
    pub amounts: Amounts,
    /// What it adds to the totals.
    pub usage: Usage,
    /// The totals after it, what is left and the warnings.
    pub limits: LimitReport,
    /// For a Libretto Famiglia service reported after the 3rd of the next month: the deadline it
    /// missed (accepted, flagged).
    pub late_report: Option<Date>,
    /// Until when it may be revoked.
    pub revocable_until: Option<OffsetDateTime>,
}

/// Why a service is refused; [`Refusal::rule`] names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No rule set is in force on the service's date (before the first one).
    #[error("no occasional-work rules are in force on {0}")]
    NoRulesInForce(Date),
    /// The worker's declaration has blocking alerts: it must be updated first.
    #[error("the worker's self-declaration must be updated before new services")]
    DeclarationPending(Vec<Alert>),
    /// A person used PrestO or a business the Libretto Famiglia.
    #[error("this client may only use {allowed}")]
    WrongChannel {
        /// The client's channel.
        allowed: Channel,
    },
    /// PrestO is closed to the business.
    #[error(transparent)]
    Presto(#[from] PrestoRefusal),
    /// A rule of the channel (activity, duration, minimum pay, notice).
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// An annual limit.
    #[error(transparent)]
    Limits(#[from] LimitBreach),
}

impl Refusal {
    /// Stable name of the broken rule; for limits, the first broken one.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::NoRulesInForce(_) => "no_rules_in_force",
            Self::DeclarationPending(_) => "declaration_pending",
            Self::WrongChannel { .. } => "client_channel",
            Self::Presto(refusal) => refusal.rule(),
            Self::Service(error) => error.rule(),
            Self::Limits(breach) => breach.broken.first().map_or("limit", |kind| kind.rule()),
        }
    }
}

/// Whether the PrestO notice is checked: always for a new service; for a rectification only
/// when the start moves (correcting the hours or the pay of past work needs no notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Checked.
    Required,
    /// Not checked.
    Waived,
}

/// Judges a new service `draft` on `facts` under the rules in force on its date.
pub fn admit(
    draft: &ServiceDraft,
    facts: &Facts<'_>,
    book: &RuleBook,
) -> Result<Admission, Refusal> {
    admit_with(draft, facts, book, Notice::Required)
}

/// [`admit`], choosing whether the PrestO notice is checked.
pub fn admit_with(
    draft: &ServiceDraft,
    facts: &Facts<'_>,
    book: &RuleBook,
    notice: Notice,
) -> Result<Admission, Refusal> {
    let rules = book
        .in_force_on(draft.date)
        .ok_or(Refusal::NoRulesInForce(draft.date))?;
    let blocking: Vec<Alert> = check_declaration(facts.declaration, facts.worker, draft.date)
        .into_iter()
        .filter(Alert::blocks_services)
        .collect();
    if !blocking.is_empty() {
        return Err(Refusal::DeclarationPending(blocking));
    }
    let allowed = facts.client.channel();
    if draft.channel() != allowed {
        return Err(Refusal::WrongChannel { allowed });
    }
    if let Client::Business(business) = facts.client {
        presto_eligibility(business, rules)?;
    }
    let amounts = draft.amounts(rules)?;
    let late_report = match draft.terms {
        Terms::Presto { .. } => {
            if notice == Notice::Required {
                presto_notice(draft, facts.recorded_at, rules)?;
            }
            None
        }
        Terms::LibrettoFamiglia => late_report(draft.date, facts.recorded_at, rules),
    };
    let usage = Usage::of(
        draft.channel(),
        amounts.net,
        draft.minutes,
        facts.declaration.category(),
        rules,
    )
    .map_err(ServiceError::from)?;
    let ceilings = Ceilings::new(rules, facts.client);
    let limits = check_limits(&facts.totals, &usage, &facts.history, draft.date, &ceilings)?;
    Ok(Admission {
        rules_effective_from: rules.effective_from,
        amounts,
        usage,
        limits,
        late_report,
        revocable_until: revocation_deadline(draft.channel(), draft.date, rules),
    })
}
