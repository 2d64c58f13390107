//! The use cases of recurring rules, their generation and their reminders.

use diesel::{Connection as _, PgConnection};
use inps_domain::delegation::Scope;
use inps_domain::money::Money;
use inps_domain::notification::EventType;
use inps_domain::occasional::changes::{WeeklyRule, WeeklyWork};
use inps_domain::occasional::recurring::{
    self as calendar, extends_after, libretto_report_reminder_on,
    libretto_report_reminder_still_due, service_reminder_at, window,
};
use inps_domain::occasional::service::{Activity, Channel, ServiceStatus, Terms};
use inps_domain::rome_time::{rome_date, rome_instant};
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional as repo;
use inps_persistence::occasional_recurring::{self as store, OccurrenceRow, RuleRow};
use inps_persistence::occasional_services as services;
use inps_persistence::scheduled_jobs;
use time::{Date, Duration, OffsetDateTime, Time, Weekday};

use super::super::audit_write;
use super::super::clients::use_cases::{acting_person, visible_client};
use super::super::services::use_cases::{NewService, record_service};
use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify};
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// The job kind that extends a rule's generated window, once a day.
pub const RECURRING_GENERATION: &str = "recurring_services_generation";
/// The job kind of the reminder of a generated service, the day before.
pub const SERVICE_REMINDER: &str = "occasional_service_reminder";
/// The job kind of the Libretto Famiglia "report by the 3rd" reminder, on the 1st.
pub const LIBRETTO_REPORT_DUE: &str = "libretto_report_due";

/// A new weekly rule.
#[derive(Debug, Clone)]
pub struct NewRule {
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    pub worker: TaxCode,
    /// The weekdays (at least one).
    pub weekdays: Vec<Weekday>,
    /// Start, Italian civil time.
    pub start: Time,
    /// Duration in minutes.
    pub minutes: u32,
    /// What the work is.
    pub activity: Activity,
    /// PrestO only: the net pay of each occurrence.
    pub pay: Option<Money>,
    /// Where.
    pub place: Option<String>,
    /// The first day.
    pub first_date: Date,
    /// The last day.
    pub last_date: Date,
}

/// One occurrence's outcome.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The day.
    pub date: Date,
    /// The generated service.
    pub service_id: Option<uuid::Uuid>,
    /// The refusal's problem type slug.
    pub problem: Option<String>,
    /// The rule the refusal names.
    pub rule: Option<String>,
    /// The refusal's explanation.
    pub detail: Option<String>,
    /// The residual amounts of a limit refusal.
    pub residual: Option<serde_json::Value>,
    /// When it was generated or refused.
    pub generated_at: OffsetDateTime,
}

/// A rule with what it generated and refused.
#[derive(Debug, Clone)]
pub struct RuleView {
    /// The rule.
    pub rule: RuleRow,
    /// Its occurrences so far, in date order.
    pub occurrences: Vec<Occurrence>,
}

fn resource(id: uuid::Uuid) -> String {
    format!("/v1/recurring-services/{id}")
}

fn iso_weekday(day: Weekday) -> i16 {
    i16::from(day.number_from_monday())
}

fn weekday_of(n: i16) -> Result<Weekday, Refusal> {
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    usize::try_from(n - 1)
        .ok()
        .and_then(|i| days.get(i).copied())
        .ok_or_else(|| Refusal::internal(format_args!("weekday {n}")))
}

/// The weekdays of a stored rule.
pub fn weekdays(row: &RuleRow) -> Result<Vec<Weekday>, Refusal> {
    row.weekdays.iter().map(|&n| weekday_of(n)).collect()
}

fn terms_of(row: &RuleRow) -> Result<Terms, Refusal> {
    match (row.channel.as_str(), row.pay_cents) {
        ("presto", Some(cents)) => Ok(Terms::Presto {
            pay: Money::from_cents(cents).map_err(Refusal::internal)?,
        }),
        ("libretto_famiglia", None) => Ok(Terms::LibrettoFamiglia),
        (channel, _) => Err(Refusal::internal(format_args!(
            "recurring rule {} of channel {channel}",
            row.id
        ))),
    }
}

/// The domain rule of a stored one.
fn weekly(row: &RuleRow) -> Result<WeeklyRule, Refusal> {
    let work = WeeklyWork {
        start: row.start_time,
        minutes: u32::try_from(row.minutes).map_err(Refusal::internal)?,
        activity: row.activity.parse().map_err(Refusal::internal)?,
        terms: terms_of(row)?,
    };
    WeeklyRule::new(row.first_date, Some(row.last_date), weekdays(row)?, work)
        .map_err(Refusal::internal)
}

fn invalid(field: &str, it: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal::invalid_field(field, Text::new(it.into(), en.into()))
}

/// Records a weekly rule (`POST /v1/clients/{id}/recurring-services`): the client side with
/// the `services` scope (the person, the legal representative, a delegate, an operator). The
/// channel is the client's (PrestO needs `pay`, the Libretto Famiglia refuses it); the worker
/// must be registered; the days are checked by [`calendar::check_span`]. Schedules tomorrow's
/// generation job when the rule runs past the first window. The first window is generated by
/// [`generate_window`] afterwards, in the same transaction (so an `Idempotency-Key` retry
/// replays it all), each occurrence in a savepoint of its own.
pub fn create_rule(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: NewRule,
    now: OffsetDateTime,
) -> Result<RuleRow, Refusal> {
    let action = ("recurring_service.create", false);
    let (client, access) =
        visible_client(conn, actor, cmd.client_id, Scope::Services, action, now)?;
    let channel = client.client.channel();
    let terms = match (channel, cmd.pay) {
        (Channel::Presto, Some(pay)) => Terms::Presto { pay },
        (Channel::Presto, None) => {
            return Err(invalid(
                "pay",
                "obbligatorio per PrestO",
                "required for PrestO",
            ));
        }
        (Channel::LibrettoFamiglia, None) => Terms::LibrettoFamiglia,
        (Channel::LibrettoFamiglia, Some(_)) => {
            return Err(invalid(
                "pay",
                "il Libretto Famiglia paga a titoli",
                "the Libretto Famiglia pays by titles",
            ));
        }
    };
    let today = rome_date(now);
    calendar::check_span(cmd.first_date, cmd.last_date, today)
        .map_err(|e| invalid(e.field(), format!("periodo non valido: {e}"), e.to_string()))?;
    let work = WeeklyWork {
        start: cmd.start,
        minutes: cmd.minutes,
        activity: cmd.activity,
        terms,
    };
    let rule = WeeklyRule::new(cmd.first_date, Some(cmd.last_date), cmd.weekdays, work)
        .map_err(|e| invalid("weekdays", format!("regola non valida: {e}"), e.to_string()))?;
    repo::find_worker(conn, cmd.worker.as_str(), false)?.ok_or_else(|| {
        invalid(
            "worker_tax_code",
            "prestatore non registrato",
            "not a registered worker",
        )
    })?;
    let row = RuleRow {
        id: uuid::Uuid::new_v4(),
        client_id: client.id,
        worker_tax_code: cmd.worker.as_str().to_owned(),
        channel: channel.as_str().to_owned(),
        weekdays: rule.weekdays().iter().map(|&d| iso_weekday(d)).collect(),
        start_time: cmd.start,
        minutes: i32::try_from(cmd.minutes).map_err(Refusal::internal)?,
        activity: cmd.activity.as_str().to_owned(),
        place: cmd.place,
        pay_cents: cmd.pay.map(Money::cents),
        first_date: cmd.first_date,
        last_date: cmd.last_date,
        status: "active".to_owned(),
        created_by: actor.tax_code.clone(),
        created_at: now,
        stopped_at: None,
        stopped_by: None,
    };
    store::insert_rule(conn, &row)?;
    if extends_after(row.last_date, today) {
        let tomorrow = today + Duration::days(1);
        scheduled_jobs::schedule(conn, RECURRING_GENERATION, row.id, tomorrow, now)?;
    }
    audit_write(
        conn,
        actor,
        &access,
        ("recurring_service.create", &resource(row.id)),
        client.subject(),
        now,
    )?;
    Ok(row)
}

/// What generating one occurrence did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// A service was recorded.
    Service,
    /// It would break a rule: stored with the refusal, the client notified.
    Refused,
    /// Already generated, or the rule is stopped: nothing done.
    Skipped,
}

/// Generates the occurrences of rule `rule_id` in today's window (see [`window`]), each in a
/// transaction of its own (a savepoint when the caller holds one), recorded by `actor` (the creating caller for the first window, the
/// system afterwards). Returns what each did.
pub fn generate_window(
    conn: &mut PgConnection,
    actor: &Actor,
    rule_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Generated>, Refusal> {
    let Some(row) = store::find_rule(conn, rule_id, false)? else {
        return Ok(Vec::new());
    };
    let Some((from, to)) = window(row.first_date, row.last_date, rome_date(now)) else {
        return Ok(Vec::new());
    };
    let dates = weekly(&row)?
        .occurrences(from, to)
        .map_err(Refusal::internal)?;
    let mut done = Vec::with_capacity(dates.len());
    for date in dates {
        done.push(conn.transaction(|conn| generate_one(conn, actor, rule_id, date, now))?);
    }
    Ok(done)
}

/// Generates the occurrence of rule `rule_id` on `date` at most once: locks the rule, skips it
/// when stopped or already generated, records the service through [`record_service`] (in a
/// savepoint, so a refusal rolls back only the attempt) and stores the outcome.
fn generate_one(
    conn: &mut PgConnection,
    actor: &Actor,
    rule_id: uuid::Uuid,
    date: Date,
    now: OffsetDateTime,
) -> Result<Generated, Refusal> {
    let Some(row) = store::find_rule(conn, rule_id, true)? else {
        return Ok(Generated::Skipped);
    };
    if row.status != "active" || store::occurrence_exists(conn, rule_id, date)? {
        return Ok(Generated::Skipped);
    }
    let cmd = NewService {
        client_id: row.client_id,
        worker: TaxCode::parse(&row.worker_tax_code).map_err(Refusal::internal)?,
        draft: weekly(&row)?.draft_on(date),
        place: row.place.clone(),
    };
    let recorded = conn.transaction(|conn| record_service(conn, actor, cmd, now));
    let mut outcome = OccurrenceRow {
        rule_id,
        on_date: date,
        service_id: None,
        problem: None,
        rule: None,
        detail: None,
        residual: None,
        generated_at: now,
    };
    match recorded {
        Ok((service, _)) => {
            outcome.service_id = Some(service.id);
            store::insert_occurrence(conn, &outcome)?;
            let at = service_reminder_at(date, row.start_time);
            if at > now {
                scheduled_jobs::schedule_at(
                    conn,
                    SERVICE_REMINDER,
                    service.id,
                    rome_date(at),
                    at,
                    now,
                )?;
            }
            Ok(Generated::Service)
        }
        Err(refusal)
            if matches!(
                refusal.problem(),
                Problem::Internal | Problem::ServiceUnavailable
            ) =>
        {
            Err(refusal)
        }
        Err(refusal) => {
            let details = refusal.into_details();
            outcome.problem = Some(details.problem.spec().slug.to_owned());
            outcome.rule = details
                .extensions
                .get("rule")
                .and_then(|r| r.as_str())
                .map(str::to_owned);
            outcome.detail = details.detail.map(|t| t.en.into_owned()).or_else(|| {
                details
                    .errors
                    .first()
                    .map(|e| format!("{}: {}", e.field, e.reason.en))
            });
            outcome.residual = details.extensions.get("residual").cloned();
            store::insert_occurrence(conn, &outcome)?;
            refused_notice(conn, &row, &outcome, now)?;
            Ok(Generated::Refused)
        }
    }
}

/// Tells the client that the occurrence `outcome` of `row` was not generated.
fn refused_notice(
    conn: &mut PgConnection,
    row: &RuleRow,
    outcome: &OccurrenceRow,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let client = repo::find_client(conn, row.client_id, false)?.ok_or_else(Refusal::not_found)?;
    let person = acting_person(&client.client).clone();
    notify(
        conn,
        Event {
            event_type: EventType::RecurringOccurrenceRefused,
            subject: client.subject().clone(),
            recipients: vec![person],
            payload: serde_json::json!({
                "recurring_service_id": row.id,
                "date": outcome.on_date.to_string(),
                "problem": outcome.problem,
                "rule": outcome.rule,
                "residual": outcome.residual,
            }),
            link: resource(row.id),
        },
        now,
    )
}

/// The generation job of rule `id` (kind [`RECURRING_GENERATION`]): generates today's window
/// as the system and schedules tomorrow's run while the horizon has not reached the last day.
/// Whether the rule was still active.
pub fn extend(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<bool, Refusal> {
    let Some(row) = store::find_rule(conn, id, false)? else {
        return Ok(false);
    };
    if row.status != "active" {
        return Ok(false);
    }
    generate_window(conn, &Actor::cli(), id, now)?;
    let today = rome_date(now);
    if extends_after(row.last_date, today) {
        scheduled_jobs::schedule(
            conn,
            RECURRING_GENERATION,
            id,
            today + Duration::days(1),
            now,
        )?;
    }
    Ok(true)
}

/// The reminder of generated service `id` (kind [`SERVICE_REMINDER`]): to the worker and the
/// client when the service is still open and has not started. Whether it was written.
pub fn remind_service(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<bool, Refusal> {
    let Some(service) = services::find(conn, id, false)? else {
        return Ok(false);
    };
    let open = matches!(
        service.status,
        ServiceStatus::Recorded | ServiceStatus::Rectified | ServiceStatus::Disputed
    );
    let starts = rome_instant(service.draft.date, service.draft.start);
    if !open || now >= starts || service_reminder_at(service.draft.date, service.draft.start) > now
    {
        return Ok(false);
    }
    let client =
        repo::find_client(conn, service.client_id, false)?.ok_or_else(Refusal::not_found)?;
    notify(
        conn,
        Event {
            event_type: EventType::OccasionalServiceReminder,
            subject: service.worker.clone(),
            recipients: vec![
                service.worker.clone(),
                acting_person(&client.client).clone(),
            ],
            payload: serde_json::json!({
                "service_id": service.id,
                "date": service.draft.date.to_string(),
                "start_time": format!("{:02}:{:02}", service.draft.start.hour(), service.draft.start.minute()),
            }),
            link: format!("/v1/services/{id}"),
        },
        now,
    )?;
    Ok(true)
}

/// Schedules the "report by the 3rd" reminder of Libretto Famiglia client `client_id` for the
/// work on `date`: on the 1st of the next month (once per client and month).
pub fn schedule_libretto_report_reminder(
    conn: &mut PgConnection,
    client_id: uuid::Uuid,
    date: Date,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    if let Some(day) = libretto_report_reminder_on(date) {
        scheduled_jobs::schedule(conn, LIBRETTO_REPORT_DUE, client_id, day, now)?;
    }
    Ok(())
}

/// The "report by the 3rd" reminder of client `client_id` due on `due_on` (kind
/// [`LIBRETTO_REPORT_DUE`]): written when it is not past the 3rd and the client has Libretto
/// Famiglia services of the previous month that are not revoked. Whether it was written.
pub fn remind_libretto_report(
    conn: &mut PgConnection,
    client_id: uuid::Uuid,
    due_on: Date,
    now: OffsetDateTime,
) -> Result<bool, Refusal> {
    if !libretto_report_reminder_still_due(due_on, rome_date(now)) {
        return Ok(false);
    }
    let to = due_on - Duration::days(1);
    let from = to.replace_day(1).map_err(Refusal::internal)?;
    if store::libretto_services_in(conn, client_id, from, to)? == 0 {
        return Ok(false);
    }
    let client = repo::find_client(conn, client_id, false)?.ok_or_else(Refusal::not_found)?;
    let deadline = due_on.replace_day(3).map_err(Refusal::internal)?;
    notify(
        conn,
        Event {
            event_type: EventType::LibrettoReportDue,
            subject: client.subject().clone(),
            recipients: vec![acting_person(&client.client).clone()],
            payload: serde_json::json!({
                "client_id": client_id,
                "month": format!("{}-{:02}", from.year(), u8::from(from.month())),
                "deadline": deadline.to_string(),
            }),
            link: format!("/v1/services?client_id={client_id}&from={from}&to={to}"),
        },
        now,
    )?;
    Ok(true)
}

fn view(conn: &mut PgConnection, rule: RuleRow) -> Result<RuleView, Refusal> {
    let occurrences = store::occurrences(conn, rule.id)?
        .into_iter()
        .map(|o| Occurrence {
            date: o.on_date,
            service_id: o.service_id,
            problem: o.problem,
            rule: o.rule,
            detail: o.detail,
            residual: o.residual,
            generated_at: o.generated_at,
        })
        .collect();
    Ok(RuleView { rule, occurrences })
}

/// The rule `id` with its occurrences (`GET /v1/recurring-services/{id}`), for whoever may read
/// the client's data (the client side, its delegates, operators); 404 otherwise.
pub fn show_rule(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<RuleView, Refusal> {
    let rule = store::find_rule(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let action = ("recurring_service.read", false);
    visible_client(conn, actor, rule.client_id, Scope::Read, action, now)?;
    view(conn, rule)
}

/// The rules of client `client_id`, newest first (`GET /v1/clients/{id}/recurring-services`).
pub fn list_rules(
    conn: &mut PgConnection,
    actor: &Actor,
    client_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Vec<RuleView>, Refusal> {
    let action = ("recurring_service.list", false);
    visible_client(conn, actor, client_id, Scope::Read, action, now)?;
    store::rules_of_client(conn, client_id)?
        .into_iter()
        .map(|rule| view(conn, rule))
        .collect()
}

/// Stops the rule `id` (`POST /v1/recurring-services/{id}/stop`): it generates nothing more;
/// the services already generated stay (revoke them one by one). The client side with the
/// `services` scope; 409 when already stopped.
pub fn stop_rule(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<RuleView, Refusal> {
    let found = store::find_rule(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let action = ("recurring_service.stop", false);
    let (client, access) =
        visible_client(conn, actor, found.client_id, Scope::Services, action, now)?;
    let rule = store::find_rule(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    if rule.status != "active" {
        return Err(Refusal::new(Problem::StateConflict)
            .with_detail("La regola è già sospesa.", "The rule is already stopped."));
    }
    store::stop_rule(conn, id, actor.tax_code.as_deref(), now)?;
    audit_write(
        conn,
        actor,
        &access,
        ("recurring_service.stop", &resource(id)),
        client.subject(),
        now,
    )?;
    let rule = store::find_rule(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    view(conn, rule)
}
