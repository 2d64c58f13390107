//! Weekly recurring services (`POST /v1/clients/{id}/recurring-services`): a rule of the same
//! work on some weekdays between two days (at most [`MAX_RULE_DAYS`] apart). Its occurrences
//! are generated ahead of time, [`HORIZON_DAYS`] days ahead, as real services through the
//! recording use case ([`super::services::use_cases::record_service`]: every rule and limit,
//! under the client and worker row locks), each in a transaction of its own (a savepoint when
//! the caller already holds one), so a refused occurrence undoes nothing else. An occurrence
//! that would break a rule is not created: it is stored with the refusal (problem, rule,
//! residuals) and the client is notified.
//!
//! Creating a rule generates the first window at once; a scheduled job
//! ([`use_cases::RECURRING_GENERATION`]) extends it every day until the rule's last day.
//! Each generated service gets a reminder to both parties [`REMINDER_HOURS`] hours before it
//! starts ([`use_cases::SERVICE_REMINDER`]); Libretto Famiglia clients are reminded on the 1st
//! of the month that last month's services are reported by the 3rd
//! ([`use_cases::LIBRETTO_REPORT_DUE`]).
//!
//! **At most once.** Generating an occurrence locks the rule row, checks that the occurrence
//! was not generated yet, records it and stores the outcome in one transaction; the primary key
//! `(rule_id, on_date)` of `occasional_recurring_occurrences` backs it, so two workers (or a
//! worker and the creating request) never generate one occurrence twice.
//!
//! [`MAX_RULE_DAYS`]: inps_domain::occasional::recurring::MAX_RULE_DAYS
//! [`HORIZON_DAYS`]: inps_domain::occasional::recurring::HORIZON_DAYS
//! [`REMINDER_HOURS`]: inps_domain::occasional::recurring::REMINDER_HOURS

pub mod handlers;
pub mod use_cases;
pub mod wire;
