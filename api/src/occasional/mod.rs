//! Prestazioni occasionali (art. 54-bis D.L. 50/2017): workers (prestatori) and clients
//! (utilizzatori) of the Libretto Famiglia and PrestO, with the client's wallet.
//!
//! One folder per resource, split like every context (`handlers.rs`, `wire.rs`,
//! `use_cases.rs`). The rules are `inps_domain::occasional`, judged by the rule set in force on
//! the relevant date, read from `occasional_rule_sets` ([`rule_book`]).

pub mod clients;
pub mod dashboards;
pub mod disputes;
pub mod lists;
pub mod payments;
pub mod recurring;
pub mod services;
pub mod wallet;
pub mod workers;

use diesel::PgConnection;
use inps_domain::authorization::Access;
use inps_domain::delegation::{Scope, Service};
use inps_domain::occasional::rules::{RuleBook, RuleSet};
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional::LoadError;
use time::{Date, OffsetDateTime};

use crate::access::{AccessRequest, Audited};
use crate::auth::Actor;
use crate::refusal::Refusal;

impl From<LoadError> for Refusal {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Query(e) => Self::from(e),
            LoadError::Corrupt(e) => Self::internal(e),
        }
    }
}

/// The uuid of a path (404 when it is not one: nothing has that id).
pub fn id_in_path(raw: &str) -> Result<uuid::Uuid, crate::error::ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| crate::error::ApiError::not_found())
}

/// The stored rule sets.
pub fn rule_book(conn: &mut PgConnection) -> Result<RuleBook, Refusal> {
    Ok(inps_persistence::occasional::rule_book(conn)?)
}

/// The rule set of `book` in force on `date` (an internal error before the first one: the
/// seed starts in 2023 and no date the API accepts is earlier).
pub fn rules_on(book: &RuleBook, date: Date) -> Result<&RuleSet, Refusal> {
    book.in_force_on(date)
        .ok_or_else(|| Refusal::internal(format_args!("no occasional-work rules on {date}")))
}

/// Authorizes `actor` to use `scope` of occasional work on `subject`'s data: the subject, the
/// legal representative of a business subject, an operator, or a delegate with an
/// occasional-work delegation granting the scope (404 for anyone else, 403 for a delegate
/// without the scope).
pub fn authorize(
    conn: &mut PgConnection,
    actor: &Actor,
    subject: &TaxCode,
    scope: Scope,
    (action, resource): (&str, &str),
    now: OffsetDateTime,
) -> Result<Access, Refusal> {
    let request = AccessRequest::act(
        subject,
        Service::OccasionalWork,
        scope,
        Audited { action, resource },
    );
    actor.authorize(conn, &request, now)
}

/// Configures the occasional-work operations.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    use self::{clients::handlers as c, services::handlers as s};
    use self::{wallet::handlers as f, workers::handlers as w};
    use disputes::handlers as d;
    cfg.service(w::register_worker)
        .service(w::show_worker)
        .service(w::replace_self_declaration)
        .service(w::replace_payment_method)
        .service(c::record_client)
        .service(c::show_client)
        .service(f::request_funding)
        .service(f::settle_funding)
        .service(f::show_wallet)
        .service(s::record_service)
        .service(s::list_services)
        .service(s::show_service)
        .service(s::revoke_service)
        .service(s::rectify_service)
        .service(s::list_service_versions)
        .service(s::duplicate_service)
        .service(s::show_worker_limits)
        .service(s::show_client_limits)
        .service(d::open_dispute)
        .service(d::reply_to_dispute)
        .service(d::show_dispute)
        .service(d::list_service_disputes)
        .service(d::close_dispute)
        .service(d::reopen_dispute)
        .service(recurring::handlers::record_recurring_service)
        .service(recurring::handlers::list_recurring_services)
        .service(recurring::handlers::show_recurring_service)
        .service(recurring::handlers::stop_recurring_service);
    use self::{dashboards::handlers as b, payments::handlers as p};
    cfg.service(p::create_payment_run)
        .service(p::show_payment_run)
        .service(p::show_payment)
        .service(p::record_payment_outcome)
        .service(p::download_payment_receipt)
        .service(p::list_worker_payments)
        .service(b::show_worker_dashboard)
        .service(b::show_client_dashboard);
    // Lists and exports (the export paths are more specific than the lists').
    cfg.service(lists::handlers::list_worker_services)
        .service(lists::handlers::export_worker_services)
        .service(lists::handlers::export_client_services)
        .service(lists::handlers::list_portfolio_services)
        .service(lists::handlers::export_portfolio_services);
}

/// Appends the accountability-log event of a write by `actor` on `subject`'s data, naming the
/// delegation when the write was made under one.
pub fn audit_write(
    conn: &mut PgConnection,
    actor: &Actor,
    access: &Access,
    (action, resource): (&str, &str),
    subject: &TaxCode,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let mut event = actor.audit(action, resource, Some(subject.as_str()));
    event.delegation_id = access
        .delegation_id()
        .and_then(|id| uuid::Uuid::parse_str(id).ok());
    inps_persistence::audit::append(conn, event, now)?;
    Ok(())
}
