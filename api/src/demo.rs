//! `inps-api seed-demo`: a realistic, deterministic dataset for a sandbox, so a newcomer can log in
//! from Swagger UI at once. An operator, two qualified intermediaries, three employers with
//! employments of every type, years of contribution payments with gaps, an active delegation and
//! inquiries in every state, and occasional work (a student worker, a Libretto Famiglia family and
//! a PrestO trattoria with funds and services, one revoked), all written in one transaction through the API's own use cases
//! (`data` holds the tables). Running it again changes nothing and prints the personas again,
//! with fresh sandbox assertions. Refused outside sandbox mode.

mod data;
mod occasional;
mod pdf;
mod report;

use std::collections::HashMap;

use diesel::{Connection as _, PgConnection, RunQueryDsl as _};
use inps_domain::assistance::TicketCategory;
use inps_domain::attachment::AttachmentKind;
use inps_domain::contribution::payment::{NoticeNumber, RecordPayment};
use inps_domain::contribution::{self as rules, QuarterId, YearRates};
use inps_domain::delegation::{DelegationTerms, Scope, Service};
use inps_domain::employment::{Address, Employment, PersonName, RecordEmployment};
use inps_domain::identity::Role;
use inps_domain::money::Money;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::{employers, intermediaries, persons};
use rust_decimal::Decimal;
use sha2::{Digest as _, Sha256};
use time::{Date, Duration, OffsetDateTime};

use self::data::{EMPLOYERS, EMPLOYMENTS, EmploymentSpec, INQUIRIES, MonthsAgo, Payment, Person};
use crate::assistance::tickets::use_cases::{OpenTicket, open_ticket, post_message, take_ticket};
use crate::auth::Actor;
use crate::cassetto::contributions::use_cases::{rate_tables, record_payment};
use crate::cassetto::employments::use_cases::record_employment;
use crate::cassetto::inquiries::use_cases::{SendInquiry, answer_inquiry, send_inquiry};
use crate::cli;
use crate::delegations::intermediaries::use_cases::{
    RegisterIntermediary, SetRole, register_intermediary, set_role,
};
use crate::delegations::lifecycle::use_cases::{
    AcceptDelegation, CreateDelegation, Transition, accept_delegation, create_delegation,
};
use crate::error::ApiError;
use crate::identity::me::handlers::current_versions;
use crate::settings::{AppEnv, Settings};

pub use self::report::{DemoPersona, DemoReport};
use crate::upload::UploadedFile;

fn tax_code(text: &str) -> Result<TaxCode, ApiError> {
    TaxCode::parse(text).map_err(ApiError::internal)
}

/// The actor of a write made on behalf of a persona, marked as demo data in the log.
fn as_persona(code: &str, roles: &[Role]) -> Result<Actor, ApiError> {
    Ok(Actor::person_with(
        tax_code(code)?,
        roles.to_vec(),
        "seed-demo",
    ))
}

fn months_ago(today: Date, back: MonthsAgo) -> Result<Date, ApiError> {
    let index = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - back.months;
    let month = u8::try_from(index.rem_euclid(12) + 1).map_err(ApiError::internal)?;
    let month = time::Month::try_from(month).map_err(ApiError::internal)?;
    Date::from_calendar_date(index.div_euclid(12), month, back.day).map_err(ApiError::internal)
}

fn name(p: &Person) -> Result<PersonName, ApiError> {
    Ok(PersonName {
        tax_code: tax_code(p.tax_code)?,
        given_name: p.given_name.to_owned(),
        family_name: p.family_name.to_owned(),
    })
}

fn new_employment(spec: &EmploymentSpec, today: Date) -> Result<RecordEmployment, ApiError> {
    let employer = &EMPLOYERS[spec.employer];
    Ok(RecordEmployment {
        employer: name(&employer.person)?,
        employer_address: Address {
            street: Some(employer.street.to_owned()),
            postal_code: Some(employer.postal_code.to_owned()),
            municipality: Some(employer.municipality.to_owned()),
            province: Some(employer.province.to_owned()),
        },
        worker: name(&spec.worker)?,
        employment_type: spec.kind,
        start: months_ago(today, spec.start)?,
        end: spec.end.map(|end| months_ago(today, end)).transpose()?,
        weekly_hours: Decimal::new(spec.weekly_hours_cents, 2),
        hourly_pay: Money::from_cents(spec.hourly_pay_cents).map_err(ApiError::internal)?,
        live_in: spec.live_in,
        fixed_term: spec.fixed_term,
        cuaf: spec.cuaf,
    })
}

/// The pagoPA notice number of the demo payment of `quarter` (18 digits, unique per quarter).
fn notice_number(employment_code: &str, quarter: QuarterId) -> String {
    format!(
        "30{employment_code}{}{}0",
        quarter.year,
        quarter.quarter.number()
    )
}

/// Records the payments of every quarter whose deadline has passed, following `spec`'s plan.
/// Years without a rate table are paid with the earliest table (INPS has the real ones).
fn pay_contributions(
    conn: &mut PgConnection,
    row: &Employment,
    spec: &EmploymentSpec,
    rates: &HashMap<i32, YearRates>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let today = rome_date(now);
    let terms = row.terms();
    let earliest = rates.keys().min().and_then(|y| rates.get(y));
    let past: Vec<QuarterId> = rules::quarters_of(&terms, today)
        .into_iter()
        .filter(|q| rules::due_window(*q, &terms).1 < today)
        .collect();
    let recent: Vec<QuarterId> = past
        .iter()
        .rev()
        .filter(|q| rates.contains_key(&q.year))
        .copied()
        .collect();
    for (i, quarter) in past.iter().enumerate() {
        let plan = match recent.iter().position(|q| q == quarter) {
            Some(n) => spec
                .recent
                .iter()
                .find(|(at, _)| *at == n)
                .map_or(Payment::OnTime, |(_, plan)| *plan),
            None if spec.old_gap_every > 0 && (i + 1) % spec.old_gap_every == 0 => Payment::Unpaid,
            None => Payment::OnTime,
        };
        let rates_of = |year: i32| {
            rates
                .get(&year)
                .cloned()
                .or_else(|| earliest.map(|r| YearRates { year, ..*r }))
        };
        let Ok(due) = rules::quarter_contribution(&terms, *quarter, rates_of) else {
            continue;
        };
        let on_time = due.due_from + Duration::days(2 + i64::from(quarter.quarter.number()));
        let (amount, paid_on) = match plan {
            Payment::Unpaid => continue,
            Payment::OnTime => (due.amount, on_time),
            Payment::Late(days) => (due.amount, due.due_by + Duration::days(days)),
            Payment::Partial(percent) => (
                due.amount
                    .mul_rate(Decimal::new(percent, 2))
                    .map_err(ApiError::internal)?,
                on_time,
            ),
        };
        if amount.is_zero() || paid_on > today {
            continue;
        }
        let input = RecordPayment {
            quarter: *quarter,
            notice_number: NoticeNumber::parse(&notice_number(row.code.as_str(), *quarter))
                .map_err(ApiError::internal)?,
            paid_on,
            amount,
        };
        record_payment(conn, &Actor::cli(), &row.code, input, now)?;
    }
    Ok(())
}

/// An active domestic-work delegation, given 121 days ago and accepted the day after, through
/// the same use cases as `POST /v1/delegations` and its `accept`.
fn delegate_for_demo(
    conn: &mut PgConnection,
    settings: &Settings,
    delegator: &str,
    delegate: &str,
    now: OffsetDateTime,
) -> Result<uuid::Uuid, ApiError> {
    let given = now - Duration::days(121);
    let cmd = CreateDelegation {
        delegate: tax_code(delegate)?,
        terms: DelegationTerms {
            service: Service::DomesticWork,
            scopes: vec![Scope::Read, Scope::Inquiries, Scope::Appointments],
            valid_from: rome_date(given),
            valid_until: rome_date(now) + Duration::days(730),
        },
    };
    let secret = &settings.delegation_code_secret;
    let employer = as_persona(delegator, &[Role::Employer])?;
    let created = create_delegation(conn, &employer, secret, cmd, given)?;
    let id = created.delegation.delegation.id;
    let accept = AcceptDelegation {
        id,
        verification_code: created.verification_code,
        expected: None,
    };
    let consultant = as_persona(delegate, &[Role::Intermediary])?;
    match accept_delegation(conn, &consultant, secret, accept, given + Duration::days(1))? {
        Transition::Done(_) => Ok(id),
        Transition::WrongCode => Err(ApiError::internal("demo delegation code refused")),
    }
}

fn seed(conn: &mut PgConnection, settings: &Settings, now: OffsetDateTime) -> Result<(), ApiError> {
    let cli = Actor::cli();
    let operator = data::OPERATOR;
    persons::ensure_exists(
        conn,
        operator.tax_code,
        operator.given_name,
        operator.family_name,
        now,
    )?;
    let office = SetRole {
        person: tax_code(operator.tax_code)?,
        role: Role::Operator,
        grant: true,
    };
    set_role(conn, &cli, office, now)?;
    for i in [data::LABOUR_CONSULTANT, data::PATRONATO] {
        if intermediaries::find(conn, i.person.tax_code)?.is_none() {
            let cmd = RegisterIntermediary {
                tax_code: tax_code(i.person.tax_code)?,
                given_name: i.person.given_name.to_owned(),
                family_name: i.person.family_name.to_owned(),
                qualification: i.qualification,
                registration_number: Some(i.registration_number.to_owned()),
            };
            register_intermediary(conn, &cli, cmd, now)?;
        }
    }
    let rates = rate_tables(conn)?;
    let mut rows = Vec::with_capacity(EMPLOYMENTS.len());
    for spec in &EMPLOYMENTS {
        let row = record_employment(conn, &cli, new_employment(spec, rome_date(now))?, now)?;
        pay_contributions(conn, &row, spec, &rates, now)?;
        rows.push(row);
    }
    let consultant = data::LABOUR_CONSULTANT.person.tax_code;
    let delegator = EMPLOYERS[data::DELEGATING_EMPLOYER].person.tax_code;
    delegate_for_demo(conn, settings, delegator, consultant, now)?;
    for spec in &INQUIRIES {
        let row = rows
            .get(spec.employment)
            .ok_or_else(|| ApiError::internal("demo inquiry of an unknown employment"))?;
        let sent_at = now - Duration::days(spec.days_ago);
        let actor = if spec.by_delegate {
            as_persona(consultant, &[Role::Intermediary])?
        } else {
            as_persona(row.employer.as_str(), &[Role::Employer])?
        };
        let files: Vec<UploadedFile> = spec
            .receipt
            .map(|file_name| {
                let paid = QuarterId::containing(rome_date(sent_at) - Duration::days(200));
                let bytes = pdf::document(&[
                    "Ricevuta di pagamento pagoPA".to_owned(),
                    format!("Codice rapporto: {}", row.code),
                    format!("Datore di lavoro: {}", row.employer),
                    format!("Trimestre: {paid}"),
                    format!(
                        "Avviso pagoPA n. {}",
                        notice_number(row.code.as_str(), paid)
                    ),
                    "Esito: pagamento eseguito".to_owned(),
                ]);
                UploadedFile {
                    file_name: file_name.to_owned(),
                    kind: AttachmentKind::Pdf,
                    sha256: Sha256::digest(&bytes).into(),
                    bytes,
                }
            })
            .into_iter()
            .collect();
        let cmd = SendInquiry {
            topic: spec.topic.to_owned(),
            text: spec.text.to_owned(),
            files,
        };
        let sent = send_inquiry(conn, &actor, &row.code, cmd, sent_at)?;
        if let Some((outcome, days_ago, text)) = spec.answer {
            let office = as_persona(operator.tax_code, &[Role::Operator])?;
            let at = now - Duration::days(days_ago);
            answer_inquiry(conn, &office, sent.inquiry.id, outcome, text, at)?;
        }
    }
    support_tickets_for_demo(conn, &rows, operator.tax_code, now)?;
    occasional::seed(conn, &current_versions(settings), now)?;
    occasional::delegate_portfolio(conn, &settings.delegation_code_secret, consultant, now)?;
    agenda_for_demo(conn, settings, &rows, consultant, operator.tax_code, now)
}

/// Two consultation points (Rome: weekday mornings and Thursday afternoon, 2 seats, closed on
/// 29 June; Milan: Monday and Wednesday mornings, 1 seat) and, about a quesito of the first
/// employment left unanswered past its deadline, an appointment in every state: a draft, one
/// confirmed, one booked by the labour consultant and closed as resolved by the office, one
/// cancelled by the office.
fn agenda_for_demo(
    conn: &mut PgConnection,
    settings: &Settings,
    rows: &[Employment],
    consultant: &str,
    operator: &str,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    use crate::agenda::appointments::use_cases::{
        NewDraft, cancel_appointment, close_appointment, confirm_appointment, create_appointment,
    };
    use crate::agenda::consultation_points::use_cases::{
        add_closure, create_point, free_slots, set_opening_hours,
    };
    use inps_domain::agenda::{DayPlan, NewClosure, NewConsultationPoint, Opening, OpeningHours};
    use time::Weekday::{Friday, Monday, Thursday, Tuesday, Wednesday};
    let office = as_persona(operator, &[Role::Operator])?;
    // The seeder acts on what it just wrote: no version to check.
    let any_version = |_| Ok(());
    let hours = |(h1, m1): (u8, u8), (h2, m2): (u8, u8)| {
        Ok::<_, ApiError>(Opening {
            start: time::Time::from_hms(h1, m1, 0).map_err(ApiError::internal)?,
            end: time::Time::from_hms(h2, m2, 0).map_err(ApiError::internal)?,
        })
    };
    let day = |openings: Vec<Opening>, slot_minutes: u16, seats: u16| DayPlan {
        openings,
        slot_minutes,
        seats,
    };
    let rome_morning = hours((8, 30), (12, 30))?;
    let rome_afternoon = hours((14, 0), (16, 0))?;
    let milan_morning = hours((9, 0), (13, 0))?;
    let points = [
        (
            "INPS Roma Eur - Sportello lavoro domestico",
            "Viale Aldo Ballarin 42, 00142 Roma",
            vec![
                (Monday, day(vec![rome_morning], 30, 2)),
                (Tuesday, day(vec![rome_morning], 30, 2)),
                (Wednesday, day(vec![rome_morning], 30, 2)),
                (Thursday, day(vec![rome_morning, rome_afternoon], 30, 2)),
                (Friday, day(vec![rome_morning], 30, 2)),
            ],
        ),
        (
            "INPS Milano Nord - Sportello lavoro domestico",
            "Via Melchiorre Gioia 22, 20124 Milano",
            vec![
                (Monday, day(vec![milan_morning], 20, 1)),
                (Wednesday, day(vec![milan_morning], 20, 1)),
            ],
        ),
    ];
    let mut rome = None;
    for (name, address, days) in points {
        let cmd = NewConsultationPoint {
            name: name.to_owned(),
            address: address.to_owned(),
        };
        let point = create_point(conn, &office, cmd, now)?.row.id;
        let hours = OpeningHours {
            days,
            exceptions: Vec::new(),
        };
        set_opening_hours(conn, &office, point, hours, now)?;
        rome.get_or_insert(point);
    }
    let rome = rome.ok_or_else(|| ApiError::internal("no demo consultation point"))?;
    let patron = Date::from_calendar_date(rome_date(now).year(), time::Month::June, 29)
        .map_err(ApiError::internal)?;
    let closure = NewClosure {
        date: patron,
        hours: None,
        reason: Some("Santi Pietro e Paolo, patroni di Roma".to_owned()),
    };
    add_closure(conn, &office, rome, closure, now)?;
    let row = rows
        .first()
        .ok_or_else(|| ApiError::internal("no demo employment"))?;
    let employer = as_persona(row.employer.as_str(), &[Role::Employer])?;
    let cmd = SendInquiry {
        topic: "contributions".to_owned(),
        text: "Il conguaglio dei contributi dell'anno scorso non torna con le buste paga: \
               chiedo un appuntamento per verificarlo insieme."
            .to_owned(),
        files: Vec::new(),
    };
    let inquiry = send_inquiry(conn, &employer, &row.code, cmd, now - Duration::days(40))?
        .inquiry
        .id;
    let today = rome_date(now);
    let slots = free_slots(conn, rome, today, today + Duration::days(13), now)?;
    let (ttl, agent) = (
        settings.appointment_draft_ttl,
        as_persona(consultant, &[Role::Intermediary])?,
    );
    let mut book = |who: &Actor, index: usize, note: &str| {
        let slot = slots
            .get(index * 3)
            .ok_or_else(|| ApiError::internal("too few demo slots"))?;
        let cmd = NewDraft {
            employment_code: row.code.as_str().to_owned(),
            inquiry_ids: vec![inquiry],
            point_id: rome,
            slot_start: slot.slot.start,
            note: note.to_owned(),
            channels: Vec::new(),
        };
        Ok::<_, ApiError>(create_appointment(conn, who, cmd, ttl, now)?.row.id)
    };
    // The draft first: a draft is checked against confirmed appointments again when confirmed.
    book(&employer, 3, "Bozza: conguaglio dei contributi.")?;
    let closed = book(
        &agent,
        0,
        "Verifica del conguaglio per conto del datore di lavoro.",
    )?;
    let cancelled = book(&employer, 1, "Conguaglio dei contributi dell'anno scorso.")?;
    let confirmed = book(
        &employer,
        2,
        "Conguaglio dei contributi: porto le buste paga.",
    )?;
    confirm_appointment(conn, &agent, closed, any_version, now)?;
    close_appointment(conn, &office, closed, any_version, now)?;
    confirm_appointment(conn, &employer, cancelled, any_version, now)?;
    let reason = "Sportello chiuso per assemblea del personale.";
    cancel_appointment(conn, &office, cancelled, Some(reason), any_version, now)?;
    confirm_appointment(conn, &employer, confirmed, any_version, now)?;
    Ok(())
}

/// Two support tickets: the first employer's about a missing payment, taken in charge and
/// answered by the office; the second employer's about logging in, still in the queue.
fn support_tickets_for_demo(
    conn: &mut PgConnection,
    rows: &[Employment],
    operator: &str,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let office = as_persona(operator, &[Role::Operator])?;
    let mut employers: Vec<&Employment> = Vec::new();
    for row in rows {
        if employers.len() < 2 && employers.iter().all(|e| e.employer != row.employer) {
            employers.push(row);
        }
    }
    for (index, row) in employers.into_iter().enumerate() {
        let employer = as_persona(row.employer.as_str(), &[Role::Employer])?;
        let (category, subject, text, resource) = if index == 0 {
            (
                TicketCategory::Contributions,
                "Versamento non visibile nel cassetto",
                "Ho pagato l'ultimo trimestre con pagoPA ma nel cassetto risulta ancora da pagare.",
                Some(format!("/v1/employments/{}/contributions", row.code)),
            )
        } else {
            (
                TicketCategory::Access,
                "Accesso con CIE non riuscito",
                "Con la CIE l'accesso si interrompe dopo l'autorizzazione.",
                None,
            )
        };
        let cmd = OpenTicket {
            service: Service::DomesticWork,
            category,
            subject: subject.to_owned(),
            text: text.to_owned(),
            related_resource: resource,
            files: Vec::new(),
        };
        let opened = open_ticket(conn, &employer, cmd, now - Duration::days(2))?;
        if index == 0 {
            let id = opened.ticket.row.id;
            take_ticket(conn, &office, id, now - Duration::days(1))?;
            let answer = "Il versamento è stato abbinato al rapporto: ora risulta pagato.";
            post_message(conn, &office, id, answer, now - Duration::hours(20))?;
        }
    }
    Ok(())
}

/// Seeds the demo dataset at `now` (sandbox only) and returns the personas with assertions
/// signed at `now`. On a database that already has it, writes nothing.
pub fn seed_demo(settings: &Settings, now: OffsetDateTime) -> anyhow::Result<DemoReport> {
    anyhow::ensure!(
        settings.app_env == AppEnv::Sandbox,
        "seed-demo creates made-up people and prints login assertions: it runs only with \
         APP_ENV=sandbox, never in production"
    );
    let mut conn = cli::connect(settings)?;
    let first = EMPLOYERS[0].person.tax_code;
    let marker = data::LABOUR_CONSULTANT.person.tax_code;
    let created = conn
        .transaction::<_, ApiError, _>(|conn| {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('seed-demo', 0))")
                .execute(conn)?;
            if employers::find(conn, first)?.is_some()
                && intermediaries::find(conn, marker)?.is_some()
            {
                return Ok(false);
            }
            seed(conn, settings, now)?;
            Ok(true)
        })
        .map_err(cli::api_error)?;
    let personas = report::personas(&mut conn, settings, now)?;
    Ok(DemoReport { created, personas })
}
