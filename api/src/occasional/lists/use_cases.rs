//! The use cases of the lists: a worker's services, the exports, and an intermediary's
//! portfolio. Authorization is decided once, on the filter; the rows are then read by keyset
//! pages, so an export never holds more than one page of services at a time.

use std::collections::{BTreeMap, BTreeSet};

use diesel::PgConnection;
use inps_domain::authorization::{Access, CallerFacts, DelegationFact, authorize};
use inps_domain::delegation::{Scope, Service as DelegatedService};
use inps_domain::identity::Role;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional as repo;
use inps_persistence::occasional_services::{self as services, ListFilter, Service};
use time::{Date, Duration, Month, OffsetDateTime};

use super::super::services::use_cases::{ServiceQuery, list_filter};
use crate::auth::Actor;
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// The most services one export carries: past it, 422 asks for a shorter period.
pub const MAX_EXPORT_ROWS: usize = 10_000;

/// Services read per round trip while exporting.
const EXPORT_BATCH: i64 = 500;

/// The longest period of an export, in days between `from` and `to` (both included: 366 days).
const MAX_EXPORT_SPAN_DAYS: i64 = 365;

/// The period of an export: both days given, or the missing one a year from the other, or by
/// default the current calendar year (Europe/Rome). 422 when `from` is after `to` or the period
/// is longer than 366 days.
pub fn export_period(
    from: Option<Date>,
    to: Option<Date>,
    now: OffsetDateTime,
) -> Result<(Date, Date), Refusal> {
    let span = Duration::days(MAX_EXPORT_SPAN_DAYS);
    let out_of_range = || {
        Refusal::invalid_field(
            "from",
            Text::new("data fuori intervallo", "date out of range"),
        )
    };
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from.checked_add(span).ok_or_else(out_of_range)?),
        (None, Some(to)) => (to.checked_sub(span).ok_or_else(out_of_range)?, to),
        (None, None) => {
            let year = rome_date(now).year();
            let first =
                Date::from_calendar_date(year, Month::January, 1).map_err(Refusal::internal)?;
            let last =
                Date::from_calendar_date(year, Month::December, 31).map_err(Refusal::internal)?;
            (first, last)
        }
    };
    if from > to {
        return Err(Refusal::invalid_field(
            "to",
            Text::new("precede `from`", "before `from`"),
        ));
    }
    if to - from > span {
        return Err(Refusal::invalid_field(
            "to",
            Text::new(
                "il periodo di un'esportazione è al massimo di 366 giorni",
                "an export covers at most 366 days",
            ),
        ));
    }
    Ok((from, to))
}

/// The services of `worker` matching `query` (`GET /v1/workers/{tax_code}/services`), after
/// `cursor`, latest date first: for whoever may read the worker's data, or the client named by
/// `client_id` (404 otherwise, and for a tax code that is not a registered worker).
pub fn worker_services(
    conn: &mut PgConnection,
    actor: &Actor,
    worker: &TaxCode,
    query: ServiceQuery,
    cursor: Option<(Date, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<Service>, Refusal> {
    let filter = worker_filter(conn, actor, worker, query, now)?;
    Ok(services::list(conn, &filter, cursor, limit)?)
}

/// The authorized filter of a worker's services.
pub fn worker_filter(
    conn: &mut PgConnection,
    actor: &Actor,
    worker: &TaxCode,
    query: ServiceQuery,
    now: OffsetDateTime,
) -> Result<ListFilter, Refusal> {
    let query = ServiceQuery {
        worker: Some(worker.clone()),
        ..query
    };
    let filter = list_filter(conn, actor, query, now)?;
    repo::find_worker(conn, worker.as_str(), false)?.ok_or_else(Refusal::not_found)?;
    Ok(filter)
}

/// The authorized filter of a client's services (`GET /v1/clients/{id}/services/export`): for
/// whoever may read the client's data (404 otherwise).
pub fn client_filter(
    conn: &mut PgConnection,
    actor: &Actor,
    client_id: uuid::Uuid,
    query: ServiceQuery,
    now: OffsetDateTime,
) -> Result<ListFilter, Refusal> {
    let query = ServiceQuery {
        client_id: Some(client_id),
        ..query
    };
    list_filter(conn, actor, query, now)
}

/// Feeds `sink` every service matching `filter` between `from` and `to`, latest date first,
/// reading them by keyset pages of 500: at most [`MAX_EXPORT_ROWS`] (422 past it, before
/// anything is answered).
pub fn export(
    conn: &mut PgConnection,
    mut filter: ListFilter,
    (from, to): (Date, Date),
    mut sink: impl FnMut(&Service) -> Result<(), Refusal>,
) -> Result<usize, Refusal> {
    filter.from = Some(filter.from.map_or(from, |f| f.max(from)));
    filter.to = Some(filter.to.map_or(to, |t| t.min(to)));
    let mut cursor = None;
    let mut count = 0;
    loop {
        let batch = services::list(conn, &filter, cursor, EXPORT_BATCH)?;
        count += batch.len();
        if count > MAX_EXPORT_ROWS {
            return Err(Refusal::invalid_field(
                "to",
                Text::new(
                    format!("oltre {MAX_EXPORT_ROWS} prestazioni: ridurre il periodo"),
                    format!("more than {MAX_EXPORT_ROWS} services: shorten the period"),
                ),
            ));
        }
        for service in &batch {
            sink(service)?;
        }
        match batch.last() {
            Some(last) if i64::try_from(batch.len()).unwrap_or(0) == EXPORT_BATCH => {
                cursor = Some((last.draft.date, last.id));
            }
            _ => return Ok(count),
        }
    }
}

/// The subjects of an intermediary's portfolio, each with the delegation that puts it there.
#[derive(Debug, Clone, Default)]
pub struct Portfolio {
    /// Subject tax code -> delegation id.
    pub subjects: BTreeMap<String, uuid::Uuid>,
}

impl Portfolio {
    /// The filter narrowing `query` to the portfolio's subjects.
    pub fn filter(&self, query: &PortfolioQuery) -> ListFilter {
        ListFilter {
            from: query.from,
            to: query.to,
            status: query.status.map(|s| s.as_str().to_owned()),
            activity: query.activity.map(|a| a.as_str().to_owned()),
            payment_method: query.payment_method.clone(),
            subjects: Some(self.subjects.keys().cloned().collect()),
            ..ListFilter::default()
        }
    }
}

/// The filters of the portfolio.
#[derive(Debug, Clone, Default)]
pub struct PortfolioQuery {
    /// Only this subject's services (a subject who did not delegate the caller: none).
    pub tax_code: Option<TaxCode>,
    /// From this day.
    pub from: Option<Date>,
    /// Up to this day.
    pub to: Option<Date>,
    /// In this status.
    pub status: Option<inps_domain::occasional::service::ServiceStatus>,
    /// Of workers paid this way (stored name).
    pub payment_method: Option<String>,
    /// Of this activity.
    pub activity: Option<inps_domain::occasional::service::Activity>,
}

/// The portfolio of `actor` on `now`'s day: every subject (worker or client) whose
/// occupational-work delegation to `actor` is in force today and grants the `services` scope,
/// while `actor` is a qualified intermediary. 403 for a caller without the `intermediary` role.
pub fn portfolio(
    conn: &mut PgConnection,
    actor: &Actor,
    only: Option<&TaxCode>,
    now: OffsetDateTime,
) -> Result<Portfolio, Refusal> {
    let me = actor
        .person()
        .filter(|_| actor.roles().contains(&Role::Intermediary))
        .ok_or_else(|| {
            Refusal::new(Problem::Forbidden).with_detail(
                "Il portafoglio è degli intermediari abilitati.",
                "Only intermediaries have a portfolio.",
            )
        })?;
    let rows = inps_persistence::delegations::active_to(
        conn,
        me.as_str(),
        DelegatedService::OccasionalWork.as_str(),
    )?;
    let facts = rows
        .into_iter()
        .map(|row| DelegationFact::try_from(row).map_err(Refusal::internal))
        .collect::<Result<Vec<_>, _>>()?;
    let registered = !facts.is_empty()
        && inps_persistence::intermediaries::find(conn, me.as_str())?.is_some_and(|i| i.active);
    let caller = CallerFacts {
        tax_code: me,
        roles: actor.roles(),
        represents: &[],
        registered_intermediary: registered,
    };
    let today = rome_date(now);
    let delegators: BTreeSet<&TaxCode> = facts
        .iter()
        .map(|f| &f.delegator)
        .filter(|d| only.is_none_or(|o| o == *d))
        .collect();
    let mut subjects = BTreeMap::new();
    for delegator in delegators {
        let decision = authorize(
            &caller,
            delegator,
            DelegatedService::OccasionalWork,
            Scope::Services,
            &facts,
            today,
        );
        if let Ok(Access::Delegation { id }) = decision {
            let id = uuid::Uuid::parse_str(&id).map_err(Refusal::internal)?;
            subjects.insert(delegator.as_str().to_owned(), id);
        }
    }
    Ok(Portfolio { subjects })
}

/// Appends one accountability-log event per portfolio subject whose data `rows` carry (as the
/// worker or as the client), naming the delegation used.
pub fn audit_portfolio_read(
    conn: &mut PgConnection,
    actor: &Actor,
    portfolio: &Portfolio,
    (action, resource): (&str, &str),
    shown: &BTreeSet<String>,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    for subject in shown {
        if let Some(id) = portfolio.subjects.get(subject) {
            let mut event = actor.audit(action, resource, Some(subject));
            event.delegation_id = Some(*id);
            inps_persistence::audit::append(conn, event, now)?;
        }
    }
    Ok(())
}

/// The subjects whose data `rows` carry: each worker, and each client's subject.
pub fn parties_of(conn: &mut PgConnection, rows: &[Service]) -> Result<BTreeSet<String>, Refusal> {
    let mut parties: BTreeSet<String> = rows.iter().map(|s| s.worker.as_str().to_owned()).collect();
    let clients: BTreeSet<uuid::Uuid> = rows.iter().map(|s| s.client_id).collect();
    let clients: Vec<uuid::Uuid> = clients.into_iter().collect();
    parties.extend(
        services::client_subjects(conn, &clients)?
            .into_iter()
            .map(|(_, subject)| subject),
    );
    Ok(parties)
}

/// A page of the portfolio (`GET /v1/portfolio/services`), audited per subject shown.
pub fn portfolio_services(
    conn: &mut PgConnection,
    actor: &Actor,
    query: PortfolioQuery,
    cursor: Option<(Date, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<Service>, Refusal> {
    let portfolio = portfolio(conn, actor, query.tax_code.as_ref(), now)?;
    let rows = services::list(conn, &portfolio.filter(&query), cursor, limit)?;
    // `limit` asks one row more than the page, to know whether another follows: that row is
    // not shown, so it is not audited.
    let page = usize::try_from(limit - 1).unwrap_or(0).min(rows.len());
    let shown = parties_of(conn, &rows[..page])?;
    audit_portfolio_read(
        conn,
        actor,
        &portfolio,
        ("portfolio.services.read", "/v1/portfolio/services"),
        &shown,
        now,
    )?;
    Ok(rows)
}

/// Feeds `sink` every service of the portfolio matching `query` between `from` and `to` (see
/// [`export`]), audited per subject exported.
pub fn export_portfolio(
    conn: &mut PgConnection,
    actor: &Actor,
    query: PortfolioQuery,
    period: (Date, Date),
    mut sink: impl FnMut(&Service) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<usize, Refusal> {
    let portfolio = portfolio(conn, actor, query.tax_code.as_ref(), now)?;
    let mut workers = BTreeSet::new();
    let mut clients = BTreeSet::new();
    let count = export(conn, portfolio.filter(&query), period, |service| {
        workers.insert(service.worker.as_str().to_owned());
        clients.insert(service.client_id);
        sink(service)
    })?;
    let clients: Vec<uuid::Uuid> = clients.into_iter().collect();
    workers.extend(
        services::client_subjects(conn, &clients)?
            .into_iter()
            .map(|(_, subject)| subject),
    );
    audit_portfolio_read(
        conn,
        actor,
        &portfolio,
        ("portfolio.services.export", "/v1/portfolio/services/export"),
        &workers,
        now,
    )?;
    Ok(count)
}
