//! Delegations (deleghe): a subject lets another person act for them on one service, within a
//! list of scopes and a validity period.
//!
//! This module holds the pure rules: which scopes each service allows, how long a delegation may
//! last, the lifecycle state machine and when a stored delegation is actually in force. Storing
//! delegations and enforcing "one active domestic-work delegation per employer" atomically is the
//! persistence layer's job, driven by [`Service::single_active_delegation`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

pub use crate::identity::ParseError;
use crate::identity::{Role, parse_wire};
use crate::tax_code::TaxCode;

/// How many wrong verification codes a pending delegation tolerates before the attempt must be
/// started again. Five keeps a short numeric code out of reach of guessing while leaving room for
/// typing mistakes.
pub const MAX_VERIFICATION_ATTEMPTS: u32 = 5;

/// The INPS service a delegation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Lavoro domestico: the domestic employer's cassetto previdenziale.
    DomesticWork,
    /// Prestazioni occasionali: Libretto Famiglia and PrestO.
    OccasionalWork,
}

impl Service {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 2] = [Self::DomesticWork, Self::OccasionalWork];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DomesticWork => "domestic_work",
            Self::OccasionalWork => "occasional_work",
        }
    }

    /// The scopes a delegation for this service may grant, sorted.
    ///
    /// Domestic work mirrors what the cassetto offers to intermediaries (reading, quesiti and the
    /// appointment agenda); occasional work covers the portal's functions (services, payments and
    /// the one-off registration).
    pub fn allowed_scopes(self) -> &'static [Scope] {
        match self {
            Self::DomesticWork => &[Scope::Read, Scope::Inquiries, Scope::Appointments],
            Self::OccasionalWork => &[
                Scope::Read,
                Scope::Services,
                Scope::Payments,
                Scope::Registration,
            ],
        }
    }

    /// Whether a subject may have at most one active delegation for this service.
    ///
    /// True for domestic work only: an employer has at most one active delegation, to a single
    /// intermediary or association, and activating a new one automatically revokes the previous
    /// one (INPS msg. 465/2017; DOMAIN.md 2.1). Occasional-work delegations have no such limit.
    pub fn single_active_delegation(self) -> bool {
        match self {
            Self::DomesticWork => true,
            Self::OccasionalWork => false,
        }
    }

    /// The roles whose holder may delegate this service: the position that gives them
    /// something to delegate. Domestic work is delegated by the household employer; occasional
    /// work by the worker (prestatore) or the client (utilizzatore). A legal representative of
    /// a client would qualify too, but there is no representation data yet.
    pub fn delegating_roles(self) -> &'static [Role] {
        match self {
            Self::DomesticWork => &[Role::Employer],
            Self::OccasionalWork => &[Role::Worker, Role::Client],
        }
    }

    /// The longest validity of a delegation for this service, in months.
    ///
    /// Occasional work: 12 months, after which the delegation must be renewed (DOMAIN.md 7).
    /// Domestic work has no published limit: 5 years is this project's choice, so that even a
    /// forgotten delegation is reconfirmed now and then.
    pub fn max_validity_months(self) -> u32 {
        match self {
            Self::DomesticWork => 60,
            Self::OccasionalWork => 12,
        }
    }
}

impl FromStr for Service {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "service", s)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a delegate may do for the delegator. The declaration order is the canonical order
/// of scope lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// See the delegator's data. Implied by every other scope.
    Read,
    /// Send and follow quesiti (domestic work).
    Inquiries,
    /// Book and cancel appointments (domestic work).
    Appointments,
    /// Create, change and cancel occasional-work services.
    Services,
    /// Top up the delegator's balance and handle payments.
    Payments,
    /// Register the delegator on the occasional-work portal and keep the registration current.
    Registration,
}

impl Scope {
    /// Every variant, in canonical order.
    pub const ALL: [Self; 6] = [
        Self::Read,
        Self::Inquiries,
        Self::Appointments,
        Self::Services,
        Self::Payments,
        Self::Registration,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Inquiries => "inquiries",
            Self::Appointments => "appointments",
            Self::Services => "services",
            Self::Payments => "payments",
            Self::Registration => "registration",
        }
    }
}

impl FromStr for Scope {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "scope", s)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a delegation is in its lifecycle.
///
/// `Expired` is normally derived, not stored: see [`effective_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelegationStatus {
    /// Created by the delegator, waiting for the delegate's answer.
    Pending,
    /// Accepted by the delegate; grants its scopes within its validity period.
    Active,
    /// Refused by the delegate. Final.
    Rejected,
    /// Withdrawn by either party or by an operator, or replaced by a newer domestic-work
    /// delegation. Final.
    Revoked,
    /// Past its `valid_until` date. Final.
    Expired,
}

impl DelegationStatus {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Active,
        Self::Rejected,
        Self::Revoked,
        Self::Expired,
    ];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    /// Whether no action can move the delegation out of this status.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Revoked | Self::Expired)
    }
}

impl FromStr for DelegationStatus {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "delegation status", s)
    }
}

impl fmt::Display for DelegationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the requester of a new delegation asks for, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationTerms {
    /// The service the delegation is for.
    pub service: Service,
    /// Requested scopes, in any order, possibly repeated.
    pub scopes: Vec<Scope>,
    /// First day the delegation may be used.
    pub valid_from: Date,
    /// Last day the delegation may be used (inclusive).
    pub valid_until: Date,
}

/// Terms that passed [`validate_terms`]: scopes allowed for the service, deduplicated, sorted and
/// including [`Scope::Read`]; dates in order and within the service's maximum length.
///
/// The fields are private so that a value of this type is always valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedTerms {
    service: Service,
    scopes: Vec<Scope>,
    valid_from: Date,
    valid_until: Date,
}

impl NormalizedTerms {
    /// The service the delegation is for.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The granted scopes, in canonical order, without repetitions, `Read` always first.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// First day the delegation may be used.
    pub fn valid_from(&self) -> Date {
        self.valid_from
    }

    /// Last day the delegation may be used (inclusive).
    pub fn valid_until(&self) -> Date {
        self.valid_until
    }
}

/// Why requested delegation terms are not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    /// The scope list is empty.
    #[error("a delegation must grant at least one scope")]
    NoScopes,
    /// A scope the service does not offer.
    #[error("scope '{scope}' is not available for service '{service}'")]
    ScopeNotAllowed {
        /// The first offending scope in the request.
        scope: Scope,
        /// The service requested.
        service: Service,
    },
    /// `valid_from` is before today: a delegation cannot authorise acts already done.
    #[error("a delegation cannot start in the past")]
    StartsInThePast,
    /// `valid_until` is before `valid_from`.
    #[error("a delegation cannot end before it starts")]
    EndsBeforeStart,
    /// The validity period is longer than the service allows.
    #[error("a delegation for this service may last at most {max_months} months")]
    TooLong {
        /// The maximum for the service.
        max_months: u32,
    },
    /// The delegator and the delegate are the same person.
    #[error("a subject cannot delegate to themselves")]
    SelfDelegation,
}

/// Checks and normalises the terms of a new delegation from `delegator` to `delegate`.
///
/// `today` is the current date in Italy, supplied by the caller. [`Scope::Read`] is added when
/// missing, because a delegate who can act for someone must be able to see what they act on.
pub fn validate_terms(
    delegator: &TaxCode,
    delegate: &TaxCode,
    terms: DelegationTerms,
    today: Date,
) -> Result<NormalizedTerms, TermsError> {
    if delegator == delegate {
        return Err(TermsError::SelfDelegation);
    }
    let DelegationTerms {
        service,
        mut scopes,
        valid_from,
        valid_until,
    } = terms;
    if scopes.is_empty() {
        return Err(TermsError::NoScopes);
    }
    if let Some(&scope) = scopes
        .iter()
        .find(|scope| !service.allowed_scopes().contains(scope))
    {
        return Err(TermsError::ScopeNotAllowed { scope, service });
    }
    scopes.push(Scope::Read);
    scopes.sort_unstable();
    scopes.dedup();

    if valid_from < today {
        return Err(TermsError::StartsInThePast);
    }
    if valid_until < valid_from {
        return Err(TermsError::EndsBeforeStart);
    }
    let max_months = service.max_validity_months();
    // A limit beyond the last representable date cannot be exceeded by any representable end.
    if add_months(valid_from, max_months).is_some_and(|limit| valid_until > limit) {
        return Err(TermsError::TooLong { max_months });
    }
    Ok(NormalizedTerms {
        service,
        scopes,
        valid_from,
        valid_until,
    })
}

/// Whether a person holding `roles` may give a delegation for `service` (as its delegator):
/// they must hold one of [`Service::delegating_roles`]. Nobody else has a position to delegate,
/// operators and intermediaries included.
pub fn may_delegate(roles: &[Role], service: Service) -> bool {
    service
        .delegating_roles()
        .iter()
        .any(|role| roles.contains(role))
}

/// `date` moved forward by `months` calendar months, the day clamped to the end of the target
/// month (31 January + 1 month = 28 or 29 February; 29 February + 12 months = 28 February).
///
/// `None` past the last date `time` can represent.
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    let month_index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1;
    let target = month_index.checked_add(i64::from(months))?;
    let year = i32::try_from(target.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(target.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// Something a party does to a delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelegationAction {
    /// The delegate accepts a pending delegation.
    Accept,
    /// The delegate refuses a pending delegation.
    Reject,
    /// Either party, or an operator, withdraws a pending or active delegation.
    Revoke,
}

impl DelegationAction {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 3] = [Self::Accept, Self::Reject, Self::Revoke];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Revoke => "revoke",
        }
    }
}

impl FromStr for DelegationAction {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "delegation action", s)
    }
}

impl fmt::Display for DelegationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who performs a [`DelegationAction`], relative to the delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The subject who granted the delegation.
    Delegator,
    /// The person the delegation was granted to.
    Delegate,
    /// INPS staff.
    Operator,
}

impl Party {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 3] = [Self::Delegator, Self::Delegate, Self::Operator];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delegator => "delegator",
            Self::Delegate => "delegate",
            Self::Operator => "operator",
        }
    }
}

impl FromStr for Party {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "party", s)
    }
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a delegation action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The party may never perform the action (only the delegate accepts or rejects).
    #[error("the {by} cannot {action} a delegation")]
    NotAllowed {
        /// The refused action.
        action: DelegationAction,
        /// Who tried it.
        by: Party,
    },
    /// The action does not apply to the delegation's current status.
    #[error("cannot {action} a delegation that is {from}")]
    WrongState {
        /// The status the delegation is in.
        from: DelegationStatus,
        /// The refused action.
        action: DelegationAction,
    },
}

/// The status after `by` performs `action` on a delegation in status `current`.
///
/// Pass the [`effective_status`], so that an expired delegation cannot be accepted. Permission is
/// checked before status: accepting or rejecting is refused to anyone but the delegate with
/// [`TransitionError::NotAllowed`] whatever the status, so the answer does not reveal the status
/// to someone who has no say in it.
pub fn transition(
    current: DelegationStatus,
    action: DelegationAction,
    by: Party,
) -> Result<DelegationStatus, TransitionError> {
    use DelegationAction::{Accept, Reject, Revoke};
    use DelegationStatus::{Active, Pending, Rejected, Revoked};

    if matches!(action, Accept | Reject) && by != Party::Delegate {
        return Err(TransitionError::NotAllowed { action, by });
    }
    match (current, action) {
        (Pending, Accept) => Ok(Active),
        (Pending, Reject) => Ok(Rejected),
        (Pending | Active, Revoke) => Ok(Revoked),
        (from, action) => Err(TransitionError::WrongState { from, action }),
    }
}

/// The status to show and act on: a pending or active delegation whose last day is before
/// `today` is [`DelegationStatus::Expired`], whatever was stored.
///
/// Deriving it instead of relying on a batch job means expiry takes effect at midnight exactly.
pub fn effective_status(
    stored: DelegationStatus,
    valid_until: Date,
    today: Date,
) -> DelegationStatus {
    match stored {
        DelegationStatus::Pending | DelegationStatus::Active if valid_until < today => {
            DelegationStatus::Expired
        }
        other => other,
    }
}

/// Whether a delegation grants anything today: stored as active and `today` within
/// `valid_from..=valid_until`.
pub fn is_in_force(
    stored: DelegationStatus,
    valid_from: Date,
    valid_until: Date,
    today: Date,
) -> bool {
    stored == DelegationStatus::Active && valid_from <= today && today <= valid_until
}

/// What becomes of the delegator's previous active delegation for a service with
/// [`Service::single_active_delegation`] when a new one is activated: one still in force (or
/// not yet started) is [`DelegationStatus::Revoked`], superseded by the new one; one whose last
/// day has already passed stays [`DelegationStatus::Expired`], so the history says how access
/// really ended.
pub fn superseded_status(
    stored: DelegationStatus,
    valid_until: Date,
    today: Date,
) -> DelegationStatus {
    match effective_status(stored, valid_until, today) {
        DelegationStatus::Expired => DelegationStatus::Expired,
        _ => DelegationStatus::Revoked,
    }
}

/// A bound on a stored delegation's `valid_until`, part of a [`StoredStatusMatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UntilBound {
    /// Any last day.
    Any,
    /// The last day is before this date.
    Before(Date),
    /// The last day is this date or later.
    OnOrAfter(Date),
}

impl UntilBound {
    /// Whether `valid_until` is within the bound.
    pub fn contains(self, valid_until: Date) -> bool {
        match self {
            Self::Any => true,
            Self::Before(day) => valid_until < day,
            Self::OnOrAfter(day) => valid_until >= day,
        }
    }
}

/// One way a stored delegation shows an effective status: its stored status is one of `stored`
/// and its `valid_until` is within `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatusMatch {
    /// Stored statuses that qualify.
    pub stored: Vec<DelegationStatus>,
    /// The bound on the last day.
    pub until: UntilBound,
}

/// The stored facts of the delegations whose [`effective_status`] is `effective` on `today`,
/// as alternatives (any one suffices): the same rule as [`effective_status`], given as data so
/// that a listing can filter in its query, before paging, without deciding anything itself.
pub fn stored_status_matches(effective: DelegationStatus, today: Date) -> Vec<StoredStatusMatch> {
    use DelegationStatus::{Active, Expired, Pending};
    match effective {
        Expired => vec![
            StoredStatusMatch {
                stored: vec![Expired],
                until: UntilBound::Any,
            },
            StoredStatusMatch {
                stored: vec![Pending, Active],
                until: UntilBound::Before(today),
            },
        ],
        Pending | Active => vec![StoredStatusMatch {
            stored: vec![effective],
            until: UntilBound::OnOrAfter(today),
        }],
        final_status => vec![StoredStatusMatch {
            stored: vec![final_status],
            until: UntilBound::Any,
        }],
    }
}

/// How many days before its last day an active delegation's parties are reminded that it ends.
pub const EXPIRY_REMINDER_DAYS: i64 = 7;

/// The Italian civil day on which the parties of a delegation that becomes active on `today`
/// and lasts until `valid_until` are reminded that it ends: [`EXPIRY_REMINDER_DAYS`] before its
/// last day, or no reminder when that day is not after `today` (a delegation that short needs
/// none).
pub fn expiry_reminder_on(valid_until: Date, today: Date) -> Option<Date> {
    let day = valid_until.checked_sub(time::Duration::days(EXPIRY_REMINDER_DAYS))?;
    (day > today).then_some(day)
}

/// Whether the expiry reminder scheduled for a delegation ending on `scheduled_until` is still
/// worth sending on `today`: the delegation is still in force and still ends that day (it was
/// not revoked, nor replaced).
pub fn expiry_reminder_still_due(
    status: DelegationStatus,
    valid_until: Date,
    scheduled_until: Date,
    today: Date,
) -> bool {
    valid_until == scheduled_until
        && effective_status(status, valid_until, today) == DelegationStatus::Active
}

#[cfg(test)]
mod tests;
