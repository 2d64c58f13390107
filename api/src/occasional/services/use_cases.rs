//! The use cases of services and limits. Domain commands in, domain results or a typed
//! [`Refusal`] out; each runs in the caller's transaction (see the module documentation of
//! [`super`] for the locking that makes concurrent services safe).

use diesel::PgConnection;
use inps_domain::authorization::Access;
use inps_domain::delegation::Scope;
use inps_domain::money::Money;
use inps_domain::notification::EventType;
use inps_domain::occasional::admission::{Facts, admit};
use inps_domain::occasional::changes::{CurrentVersion, RectificationError, duplicate, rectify};
use inps_domain::occasional::client::Client;
use inps_domain::occasional::deadlines::check_revocation;
use inps_domain::occasional::limits::{LimitReport, PairHistory};
use inps_domain::occasional::rules::{RuleBook, RuleSet};
use inps_domain::occasional::service::{ServiceDraft, ServiceStatus, Terms};
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional::{self as repo, StoredClient};
use inps_persistence::occasional_services::{
    self as services, ListFilter, PairTotals, Service, ServiceRow,
};
use time::{Date, Month, OffsetDateTime};

use super::super::clients::use_cases::{acting_person, visible_client};
use super::super::{audit_write, authorize, rule_book, rules_on};
use super::refusals;
use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify};
use crate::occasional::recurring::use_cases::schedule_libretto_report_reminder;
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// A new service.
#[derive(Debug, Clone)]
pub struct NewService {
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    pub worker: TaxCode,
    /// When, how long, what, and the channel's terms.
    pub draft: ServiceDraft,
    /// Where.
    pub place: Option<String>,
}

/// 422 on `date` unless it lies between 1900 and a year from today.
fn plausible(date: Date, now: OffsetDateTime) -> Result<(), Refusal> {
    inps_domain::dates::check_plausible(date, rome_date(now))
        .map(drop)
        .map_err(|e| {
            Refusal::invalid_field(
                "date",
                Text::new(format!("data non plausibile: {e}"), e.to_string()),
            )
        })
}

fn resource(id: uuid::Uuid) -> String {
    format!("/v1/services/{id}")
}

fn unknown_worker() -> Refusal {
    Refusal::invalid_field(
        "worker_tax_code",
        Text::new("prestatore non registrato", "not a registered worker"),
    )
}

/// Records a service (`POST /v1/services`): locks the client and then the worker, reads the
/// year's totals, judges the draft by every rule and limit in force on its date, commits the
/// gross cost in the wallet, stores it, audits it, and notifies both parties of each warning
/// threshold (80 %, 95 %) the service made a total reach. The client side records: the person,
/// the legal representative, a delegate with the `services` scope, or an operator.
pub fn record_service(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: NewService,
    now: OffsetDateTime,
) -> Result<(Service, LimitReport), Refusal> {
    plausible(cmd.draft.date, now)?;
    let (client, access) = visible_client(
        conn,
        actor,
        cmd.client_id,
        Scope::Services,
        ("service.create", true),
        now,
    )?;
    let worker = repo::find_worker(conn, cmd.worker.as_str(), true)?.ok_or_else(unknown_worker)?;
    let book = rule_book(conn)?;
    let date = cmd.draft.date;
    let totals = services::year_totals(conn, worker.tax_code.as_str(), client.id, date.year())?;
    let last_employment_day =
        services::last_employment_day(conn, client.subject().as_str(), cmd.worker.as_str(), date)?;
    let facts = Facts {
        client: &client.client,
        worker: &worker.tax_code,
        declaration: &worker.declaration,
        history: PairHistory {
            last_employment_day,
        },
        totals,
        recorded_at: now,
    };
    let admission = admit(&cmd.draft, &facts, &book).map_err(|e| refusals::admission(&e))?;
    let wallet = client
        .wallet
        .commit(admission.amounts.gross)
        .map_err(|e| refusals::funds(&e))?;
    repo::store_wallet(conn, client.id, &wallet)?;
    let service = Service {
        id: uuid::Uuid::new_v4(),
        client_id: client.id,
        worker: worker.tax_code,
        draft: cmd.draft,
        place: cmd.place,
        amounts: admission.amounts,
        usage: admission.usage,
        status: ServiceStatus::Recorded,
        rules_effective_from: admission.rules_effective_from,
        late_report: admission.late_report,
        revocable_until: admission.revocable_until,
        version: 1,
        recorded_at: now,
        revoked_at: None,
    };
    services::insert(conn, &ServiceRow::of(&service, actor.tax_code.as_deref()))?;
    if matches!(service.draft.terms, Terms::LibrettoFamiglia) {
        schedule_libretto_report_reminder(conn, client.id, service.draft.date, now)?;
    }
    let link = resource(service.id);
    audit_write(
        conn,
        actor,
        &access,
        ("service.create", &link),
        client.subject(),
        now,
    )?;
    warn(conn, &service, &client.client, &admission.limits, now)?;
    Ok((service, admission.limits))
}

/// Notifies the worker and the client of each warning threshold `service` made a total reach.
fn warn(
    conn: &mut PgConnection,
    service: &Service,
    client: &Client,
    report: &LimitReport,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let parties = vec![service.worker.clone(), acting_person(client).clone()];
    for warning in report.warnings.iter().filter(|w| w.newly_reached) {
        let payload = serde_json::json!({
            "service_id": service.id,
            "limit": warning.limit.as_str(),
            "threshold": warning.threshold,
            "year": service.draft.date.year(),
        });
        notify(
            conn,
            Event {
                event_type: EventType::OccasionalLimitWarning,
                subject: service.worker.clone(),
                recipients: parties.clone(),
                payload,
                link: resource(service.id),
            },
            now,
        )?;
    }
    Ok(())
}

/// The service `id` and its client, for an actor who may see it with `scope`: the client side
/// (the person, the legal representative, a delegate of theirs, an operator) or, for reads,
/// the worker side (the worker or a delegate of theirs); 404 otherwise.
fn visible_service(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    scope: Scope,
    now: OffsetDateTime,
) -> Result<(Service, StoredClient, Access), Refusal> {
    let service = services::find(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let client =
        repo::find_client(conn, service.client_id, false)?.ok_or_else(Refusal::not_found)?;
    let link = resource(id);
    let action = if scope == Scope::Read {
        "service.read"
    } else {
        "service.revoke"
    };
    let as_client = authorize(conn, actor, client.subject(), scope, (action, &link), now);
    let access = match as_client {
        Ok(access) => access,
        Err(refusal) if scope == Scope::Read => {
            authorize(conn, actor, &service.worker, scope, (action, &link), now)
                .map_err(|_| refusal)?
        }
        // The worker sees the service but only the client side acts on it: 403.
        Err(refusal) => {
            let read = ("service.read", link.as_str());
            return Err(
                if authorize(conn, actor, &service.worker, Scope::Read, read, now).is_ok() {
                    Refusal::new(Problem::Forbidden).with_detail(
                        "Solo l'utilizzatore può revocare la prestazione.",
                        "Only the client side may revoke the service.",
                    )
                } else {
                    refusal
                },
            );
        }
    };
    Ok((service, client, access))
}

/// The service `id` (`GET /v1/services/{id}`), for either party.
pub fn show_service(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Service, Refusal> {
    visible_service(conn, actor, id, Scope::Read, now).map(|(service, _, _)| service)
}

/// Revokes the service `id` (`POST /v1/services/{id}/revocation`) within its window (PrestO:
/// until midnight in Rome at the end of the 3rd day after the work): releases its funds and its
/// amounts from the totals. The client side, with the `services` scope.
pub fn revoke_service(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Service, Refusal> {
    let (found, _, access) = visible_service(conn, actor, id, Scope::Services, now)?;
    // The same order as recording: the client row, then the worker row, then the service.
    let client = repo::find_client(conn, found.client_id, true)?.ok_or_else(Refusal::not_found)?;
    repo::find_worker(conn, found.worker.as_str(), true)?;
    let service = services::find(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    let book = rule_book(conn)?;
    let rules = rules_on(&book, service.draft.date)?;
    let channel = service.draft.channel();
    check_revocation(channel, service.draft.date, service.status, now, rules)
        .map_err(|e| refusals::revocation(&e))?;
    let wallet = client
        .wallet
        .release(service.amounts.gross)
        .map_err(Refusal::internal)?;
    repo::store_wallet(conn, client.id, &wallet)?;
    services::revoke(conn, id, now)?;
    let link = resource(id);
    audit_write(
        conn,
        actor,
        &access,
        ("service.revoke", &link),
        client.subject(),
        now,
    )?;
    services::find(conn, id, false)?.ok_or_else(Refusal::not_found)
}

/// The filters of a list of services.
#[derive(Debug, Clone, Default)]
pub struct ServiceQuery {
    /// Only this client's.
    pub client_id: Option<uuid::Uuid>,
    /// Only this worker's.
    pub worker: Option<TaxCode>,
    /// From this day.
    pub from: Option<Date>,
    /// Up to this day.
    pub to: Option<Date>,
    /// In this status.
    pub status: Option<ServiceStatus>,
    /// Of this activity.
    pub activity: Option<inps_domain::occasional::service::Activity>,
    /// Only workers whose name contains every one of these words (folded: lower case, no
    /// accents).
    pub worker_name: Vec<String>,
}

/// Up to `limit` services matching `query` after `cursor`, latest date first
/// (`GET /v1/services`). Naming a client or a worker lists theirs for an actor who may read
/// that party's data (404 otherwise); naming neither lists everything for an operator and, for
/// anyone else, the services where they are the worker or act for the client.
pub fn list_services(
    conn: &mut PgConnection,
    actor: &Actor,
    query: ServiceQuery,
    cursor: Option<(Date, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<Service>, Refusal> {
    let filter = list_filter(conn, actor, query, now)?;
    Ok(services::list(conn, &filter, cursor, limit)?)
}

/// The stored filter of `query` for `actor`, once authorized (see [`list_services`]): 404 when
/// `actor` may not read the client or the worker named.
pub fn list_filter(
    conn: &mut PgConnection,
    actor: &Actor,
    query: ServiceQuery,
    now: OffsetDateTime,
) -> Result<ListFilter, Refusal> {
    let mut filter = ListFilter {
        client_id: query.client_id,
        worker: query.worker.as_ref().map(|w| w.as_str().to_owned()),
        from: query.from,
        to: query.to,
        status: query.status.map(|s| s.as_str().to_owned()),
        activity: query.activity.map(|a| a.as_str().to_owned()),
        party_of: None,
        worker_name: query.worker_name.clone(),
        ..ListFilter::default()
    };
    let party = match (&query.client_id, &query.worker) {
        (Some(id), _) => {
            let client = repo::find_client(conn, *id, false)?.ok_or_else(Refusal::not_found)?;
            Some(client.subject().clone())
        }
        (None, Some(worker)) => Some(worker.clone()),
        (None, None) => None,
    };
    if let Some(subject) = party {
        // Either party: the client side, or the worker named beside it.
        let read = ("service.list", "/v1/services");
        match (
            authorize(conn, actor, &subject, Scope::Read, read, now),
            &query.worker,
        ) {
            (Ok(_), _) => {}
            (Err(_), Some(worker)) if *worker != subject => {
                authorize(conn, actor, worker, Scope::Read, read, now)?;
            }
            (Err(refusal), _) => return Err(refusal),
        }
    } else if let Some(me) = actor.person().filter(|_| !actor.is_operator()) {
        let clients = services::clients_of(conn, me.as_str())?;
        filter.party_of = Some((clients, me.as_str().to_owned()));
    }
    Ok(filter)
}

/// What is used and left of one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gauge {
    /// The limit.
    pub limit: Money,
    /// Used in the year.
    pub used: Money,
    /// What is left, never negative.
    pub residual: Money,
}

impl Gauge {
    fn of(limit: Money, used_cents: i64) -> Result<Self, Refusal> {
        let used = Money::from_cents(used_cents).map_err(Refusal::internal)?;
        Ok(Self {
            limit,
            used,
            residual: limit.checked_sub(used).unwrap_or(Money::zero()),
        })
    }
}

/// One counterpart's share of a year: the pair limit and the PrestO hours of the pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairUsage {
    /// The client (for a worker's breakdown) .
    pub client_id: uuid::Uuid,
    /// The worker (for a client's breakdown).
    pub worker: String,
    /// The pair limit.
    pub pair: Gauge,
    /// PrestO minutes used.
    pub presto_minutes_used: i64,
    /// PrestO minutes left.
    pub presto_minutes_residual: i64,
}

/// A year's limits of a worker or a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearLimits {
    /// The year.
    pub year: i32,
    /// The first day of the rule set applied (the one in force at the end of the year).
    pub rules_effective_from: Date,
    /// The worker limit (net) or the client limit (weighted).
    pub total: Gauge,
    /// Per counterpart.
    pub pairs: Vec<PairUsage>,
}

/// The rules a year's totals are held to: those in force on its last day (a limit changed
/// during the year applies to the whole year's totals). 422 on `year` before the first.
fn rules_of_year(book: &RuleBook, year: i32) -> Result<&RuleSet, Refusal> {
    Date::from_calendar_date(year, Month::December, 31)
        .ok()
        .and_then(|day| book.in_force_on(day))
        .ok_or_else(|| {
            Refusal::invalid_field(
                "year",
                Text::new(
                    "nessuna regola in vigore in quell'anno",
                    "no rules in force in that year",
                ),
            )
        })
}

fn pairs(rows: &[PairTotals], rules: &RuleSet) -> Result<Vec<PairUsage>, Refusal> {
    let hours = i64::from(rules.limits.presto_pair_hours) * 60;
    rows.iter()
        .map(|row| {
            Ok(PairUsage {
                client_id: row.client_id,
                worker: row.worker.clone(),
                pair: Gauge::of(rules.limits.pair, row.net_cents)?,
                presto_minutes_used: row.presto_minutes,
                presto_minutes_residual: (hours - row.presto_minutes).max(0),
            })
        })
        .collect()
}

/// The worker's limits of `year` (`GET /v1/workers/{tax_code}/limits`): the worker limit, used
/// and residual, and per client the pair limit and the PrestO hours.
pub fn worker_limits(
    conn: &mut PgConnection,
    actor: &Actor,
    worker: &TaxCode,
    year: i32,
    now: OffsetDateTime,
) -> Result<YearLimits, Refusal> {
    let link = format!("/v1/workers/{}/limits", worker.as_str());
    authorize(
        conn,
        actor,
        worker,
        Scope::Read,
        ("worker.limits.read", &link),
        now,
    )?;
    repo::find_worker(conn, worker.as_str(), false)?.ok_or_else(Refusal::not_found)?;
    worker_year_limits(conn, worker, year)
}

/// The worker's limits of `year`, for a caller already authorized (the dashboard).
pub fn worker_year_limits(
    conn: &mut PgConnection,
    worker: &TaxCode,
    year: i32,
) -> Result<YearLimits, Refusal> {
    let book = rule_book(conn)?;
    let rules = rules_of_year(&book, year)?;
    let rows = services::year_usage_by_pair(conn, Some(worker.as_str()), None, year)?;
    let used: i64 = rows.iter().map(|row| row.net_cents).sum();
    Ok(YearLimits {
        year,
        rules_effective_from: rules.effective_from,
        total: Gauge::of(rules.limits.worker, used)?,
        pairs: pairs(&rows, rules)?,
    })
}

/// The client's limits of `year` (`GET /v1/clients/{id}/limits`): the client limit (weighted
/// pay, 10,000 or 15,000 EUR by sector), used and residual, and per worker the pair limit.
pub fn client_limits(
    conn: &mut PgConnection,
    actor: &Actor,
    client_id: uuid::Uuid,
    year: i32,
    now: OffsetDateTime,
) -> Result<YearLimits, Refusal> {
    let action = ("client.limits.read", false);
    let (client, _) = visible_client(conn, actor, client_id, Scope::Read, action, now)?;
    client_year_limits(conn, &client, year)
}

/// The client's limits of `year`, for a caller already authorized (the dashboard).
pub fn client_year_limits(
    conn: &mut PgConnection,
    client: &StoredClient,
    year: i32,
) -> Result<YearLimits, Refusal> {
    let client_id = client.id;
    let book = rule_book(conn)?;
    let rules = rules_of_year(&book, year)?;
    let rows = services::year_usage_by_pair(conn, None, Some(client_id), year)?;
    let used: i64 = rows.iter().map(|row| row.weighted_cents).sum();
    Ok(YearLimits {
        year,
        rules_effective_from: rules.effective_from,
        total: Gauge::of(Client::annual_limit(&client.client, rules), used)?,
        pairs: pairs(&rows, rules)?,
    })
}

/// A rettifica: the fields to change (absent ones keep their value).
#[derive(Debug, Clone, Default)]
pub struct ServicePatch {
    /// The day of work.
    pub date: Option<Date>,
    /// The start.
    pub start: Option<time::Time>,
    /// The duration in minutes.
    pub minutes: Option<u32>,
    /// What the work is.
    pub activity: Option<inps_domain::occasional::service::Activity>,
    /// PrestO only: the pay.
    pub pay: Option<Money>,
    /// Where.
    pub place: Option<String>,
}

fn patched(draft: &ServiceDraft, patch: &ServicePatch) -> Result<ServiceDraft, Refusal> {
    let terms = match (draft.terms, patch.pay) {
        (_, None) => draft.terms,
        (Terms::Presto { .. }, Some(pay)) => Terms::Presto { pay },
        (Terms::LibrettoFamiglia, Some(_)) => {
            return Err(Refusal::invalid_field(
                "pay",
                Text::new(
                    "il Libretto Famiglia paga a titoli",
                    "the Libretto Famiglia pays by titles",
                ),
            ));
        }
    };
    Ok(ServiceDraft {
        date: patch.date.unwrap_or(draft.date),
        start: patch.start.unwrap_or(draft.start),
        minutes: patch.minutes.unwrap_or(draft.minutes),
        activity: patch.activity.unwrap_or(draft.activity),
        terms,
    })
}

/// Rectifies the service `id` (`PATCH /v1/services/{id}`, rettifica): the new version is judged
/// by every rule and limit with the current one released (the PrestO notice only when the start
/// moves), under the same locks as recording; the wallet commits or releases the difference;
/// the current version is kept among the earlier ones. `precondition` checks the version the
/// caller read (`If-Match`). The client side, with the `services` scope.
pub fn rectify_service(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    patch: ServicePatch,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<(Service, LimitReport), Refusal> {
    let (found, _, access) = visible_service(conn, actor, id, Scope::Services, now)?;
    let client = repo::find_client(conn, found.client_id, true)?.ok_or_else(Refusal::not_found)?;
    let worker = repo::find_worker(conn, found.worker.as_str(), true)?
        .ok_or_else(|| Refusal::internal("a service of an unknown worker"))?;
    let current = services::find(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    precondition(current.version)?;
    super::super::payments::use_cases::refuse_if_held(conn, id)?;
    let new = patched(&current.draft, &patch)?;
    plausible(new.date, now)?;
    let book = rule_book(conn)?;
    let code = worker.tax_code.as_str();
    let totals = services::year_totals(conn, code, client.id, new.date.year())?;
    let last_employment_day =
        services::last_employment_day(conn, client.subject().as_str(), code, new.date)?;
    let facts = Facts {
        client: &client.client,
        worker: &worker.tax_code,
        declaration: &worker.declaration,
        history: PairHistory {
            last_employment_day,
        },
        totals,
        recorded_at: now,
    };
    let version = CurrentVersion {
        number: u32::try_from(current.version).unwrap_or(1),
        draft: &current.draft,
        usage: &current.usage,
        status: current.status,
    };
    let rectification = rectify(&version, &new, &facts, &book).map_err(|e| match e {
        RectificationError::Refused(refused) => refusals::admission(&refused),
        RectificationError::NotOpen(_) => Refusal::new(Problem::StateConflict)
            .with_detail(format!("Rettifica non possibile: {e}"), e.to_string()),
        other => refusals::rule(
            Problem::OccasionalRuleBroken,
            other.rule(),
            other.to_string(),
        ),
    })?;
    let admission = rectification.admission;
    let wallet = client
        .wallet
        .recommit(current.amounts.gross, admission.amounts.gross)
        .map_err(|e| refusals::funds(&e))?;
    repo::store_wallet(conn, client.id, &wallet)?;
    services::archive_version(conn, id)?;
    let service = Service {
        draft: new,
        place: patch.place.or(current.place),
        amounts: admission.amounts,
        usage: admission.usage,
        status: ServiceStatus::Rectified,
        rules_effective_from: admission.rules_effective_from,
        late_report: admission.late_report,
        revocable_until: admission.revocable_until,
        version: i32::try_from(rectification.version).map_err(Refusal::internal)?,
        recorded_at: now,
        ..current
    };
    services::replace(conn, &ServiceRow::of(&service, actor.tax_code.as_deref()))?;
    if matches!(service.draft.terms, Terms::LibrettoFamiglia) {
        schedule_libretto_report_reminder(conn, client.id, service.draft.date, now)?;
    }
    let link = resource(id);
    audit_write(
        conn,
        actor,
        &access,
        ("service.rectify", &link),
        client.subject(),
        now,
    )?;
    warn(conn, &service, &client.client, &admission.limits, now)?;
    Ok((service, admission.limits))
}

/// Every version of the service `id`, the current one first (`GET /v1/services/{id}/versions`),
/// for either party.
pub fn service_versions(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Service>, Refusal> {
    let (current, _, _) = visible_service(conn, actor, id, Scope::Read, now)?;
    let mut versions = vec![current];
    versions.extend(services::earlier_versions(conn, id)?);
    Ok(versions)
}

/// Records the service `id` again on `date`, at `start` or the same time
/// (`POST /v1/services/{id}/duplicate`): judged like any new service.
pub fn duplicate_service(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    (date, start): (Date, Option<time::Time>),
    now: OffsetDateTime,
) -> Result<(Service, LimitReport), Refusal> {
    let (source, _, _) = visible_service(conn, actor, id, Scope::Services, now)?;
    let cmd = NewService {
        client_id: source.client_id,
        worker: source.worker,
        draft: duplicate(&source.draft, date, start),
        place: source.place,
    };
    record_service(conn, actor, cmd, now)
}
