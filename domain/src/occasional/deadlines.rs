//! The deadlines of a service, all in Italian civil time (Europe/Rome), summer time included:
//!
//! - PrestO is declared at least 1 hour before the work starts (c.17);
//! - a Libretto Famiglia service is reported by the 3rd of the month after the work (c.12), later
//!   reports accepted and flagged;
//! - a PrestO service is revocable until midnight at the end of the 3rd day after the work
//!   (c.18); a Libretto Famiglia one until the end of its reporting deadline (project choice);
//! - INPS pays the worker by the 15th of the month after the work (c.19).

use time::{Date, Duration, OffsetDateTime, Time};

use super::rules::RuleSet;
use super::service::{Channel, ServiceDraft, ServiceError, ServiceStatus};
use crate::delegation::add_months;
use crate::rome_time::{rome_date, rome_instant};

/// Day of the month after the work by which INPS pays the worker (c.19).
const PAYOUT_DAY: u8 = 15;

/// The last instant a PrestO service starting at `starts_at` may be declared: 1 hour before
/// (c.17).
pub fn declaration_deadline(starts_at: OffsetDateTime, rules: &RuleSet) -> OffsetDateTime {
    starts_at - Duration::minutes(i64::from(rules.presto.notice_minutes))
}

/// Whether a PrestO declaration made at `declared_at` respects the notice: exactly one hour
/// before the start is in time.
pub fn presto_notice(
    draft: &ServiceDraft,
    declared_at: OffsetDateTime,
    rules: &RuleSet,
) -> Result<(), ServiceError> {
    let deadline = declaration_deadline(draft.starts_at(), rules);
    if declared_at > deadline {
        return Err(ServiceError::LateDeclaration { deadline });
    }
    Ok(())
}

/// The first day of the month after `date`.
fn first_of_next_month(date: Date) -> Option<Date> {
    add_months(date.replace_day(1).ok()?, 1)
}

/// The last day on which a Libretto Famiglia service of `date` is reported in time: the 3rd of
/// the following month (c.12).
pub fn libretto_report_deadline(date: Date, rules: &RuleSet) -> Option<Date> {
    first_of_next_month(date)?
        .replace_day(rules.libretto_report_day)
        .ok()
}

/// Whether a Libretto Famiglia report made at `reported_at` is late: then the deadline it missed.
/// A late report is still accepted (no sanction applies, DOMAIN.md 1.3) and flagged.
pub fn late_report(date: Date, reported_at: OffsetDateTime, rules: &RuleSet) -> Option<Date> {
    libretto_report_deadline(date, rules).filter(|&deadline| rome_date(reported_at) > deadline)
}

/// The day by which INPS pays the worker for a service of `date`: the 15th of the following
/// month (c.19; DOMAIN.md 1.5).
pub fn payout_due(date: Date) -> Option<Date> {
    first_of_next_month(date)?.replace_day(PAYOUT_DAY).ok()
}

/// The instant a service of `date` stops being revocable: midnight in Rome at the end of the
/// last day of its window.
///
/// - PrestO: the 3rd day after the work (c.18), e.g. work on Monday, revocable until Thursday
///   24:00.
/// - Libretto Famiglia: the law sets no window; this system lets the client revoke until the end
///   of the reporting deadline (the 3rd of the following month), after which INPS prepares the
///   payment due by the 15th (design choice).
pub fn revocation_deadline(
    channel: Channel,
    date: Date,
    rules: &RuleSet,
) -> Option<OffsetDateTime> {
    let last_day = match channel {
        Channel::Presto => {
            date.checked_add(Duration::days(i64::from(rules.presto.revocation_days)))?
        }
        Channel::LibrettoFamiglia => libretto_report_deadline(date, rules)?,
    };
    Some(rome_instant(last_day.next_day()?, Time::MIDNIGHT))
}

/// Why a service cannot be revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RevocationError {
    /// The window closed at `deadline`.
    #[error("the service could be revoked until {deadline}")]
    WindowClosed {
        /// The end of the window.
        deadline: OffsetDateTime,
    },
    /// Already revoked or paid.
    #[error("a {0} service cannot be revoked")]
    NotOpen(ServiceStatus),
}

impl RevocationError {
    /// Stable name of the broken rule.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::WindowClosed { .. } => "revocation_window",
            Self::NotOpen(_) => "service_not_open",
        }
    }
}

/// Whether a service of `channel` on `date` in `status` may be revoked at `now`. Revoking a
/// service is what frees its amounts from the totals and its funds from the wallet.
pub fn check_revocation(
    channel: Channel,
    date: Date,
    status: ServiceStatus,
    now: OffsetDateTime,
    rules: &RuleSet,
) -> Result<(), RevocationError> {
    if !status.is_open() {
        return Err(RevocationError::NotOpen(status));
    }
    match revocation_deadline(channel, date, rules) {
        Some(deadline) if now < deadline => Ok(()),
        Some(deadline) => Err(RevocationError::WindowClosed { deadline }),
        // Only past the last representable date, where nothing is ever late.
        None => Ok(()),
    }
}
