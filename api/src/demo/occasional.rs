//! The occasional-work part of the demo: a student registered as a worker, a family on the
//! Libretto Famiglia and a trattoria on PrestO (its owner acts for it as legal representative),
//! both with settled funds and one payment notice still pending, and services recorded, declared
//! and revoked over the last days, two past months paid by INPS payment runs (one payment
//! credited, one failed), and a weekly rule of the trattoria with generated and refused
//! occurrences. Written through the same use cases as the API.

use diesel::PgConnection;
use inps_domain::identity::Role;
use inps_domain::money::Money;
use inps_domain::occasional::client::{Business, Client};
use inps_domain::occasional::payment::{Outcome, PayMonth};
use inps_domain::occasional::rules::AtecoCode;
use inps_domain::occasional::service::{Activity, ServiceDraft, Terms};
use inps_domain::occasional::worker::{PaymentMethod, SelfDeclaration};
use inps_domain::person::{CurrentVersions, Document};
use inps_domain::rome_time::{rome_date, rome_instant};
use inps_persistence::persons;
use rust_decimal::Decimal;
use time::{Duration, OffsetDateTime, Time};

use super::data::{EMPLOYERS, Person, person};
use super::{as_persona, tax_code};
use crate::error::ApiError;
use crate::identity::me::use_cases::{GiveConsent, give_consents};
use crate::occasional::clients::use_cases::record_client;
use crate::occasional::payments::use_cases::{record_outcome, run_payments};
use crate::occasional::recurring::use_cases::{NewRule, create_rule, generate_window};
use crate::occasional::services::use_cases::{NewService, record_service, revoke_service};
use crate::occasional::wallet::use_cases::{request_funding, settle_funding};
use crate::occasional::workers::use_cases::{RegisterWorker, register_worker};

/// The occasional worker: a university student (born in 2002).
pub const WORKER: Person = person("BNCLCU02A15H501O", "Luca", "Bianchi");

/// The trattoria's partita IVA (its legal representative is the third employer).
const TRATTORIA: &str = "01234567897";

/// The family client (the second employer) and the trattoria's owner (the third).
const FAMILY: usize = 1;
const OWNER: usize = 2;

fn eur(cents: i64) -> Result<Money, ApiError> {
    Money::from_cents(cents).map_err(ApiError::internal)
}

fn draft(
    day: OffsetDateTime,
    (hour, minutes): (u8, u32),
    activity: Activity,
    terms: Terms,
) -> Result<ServiceDraft, ApiError> {
    Ok(ServiceDraft {
        date: rome_date(day),
        start: Time::from_hms(hour, 0, 0).map_err(ApiError::internal)?,
        minutes,
        activity,
        terms,
    })
}

/// Seeds the occasional-work data at `now`.
pub(super) fn seed(
    conn: &mut PgConnection,
    current: &CurrentVersions<'_>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let start = now - Duration::days(20);
    persons::ensure_exists(
        conn,
        WORKER.tax_code,
        WORKER.given_name,
        WORKER.family_name,
        start,
    )?;
    let worker = as_persona(WORKER.tax_code, &[])?;
    let consents = Document::ALL
        .iter()
        .map(|&document| GiveConsent {
            document,
            version: match document {
                Document::PrivacyNotice => current.privacy_notice.to_owned(),
                Document::TermsOfUse => current.terms_of_use.to_owned(),
            },
        })
        .collect();
    give_consents(conn, &worker, current, consents, start)?;
    let registration = RegisterWorker {
        tax_code: tax_code(WORKER.tax_code)?,
        declaration: SelfDeclaration::student("Sapienza Università di Roma")
            .map_err(ApiError::internal)?,
        payment_method: PaymentMethod::new(
            inps_domain::occasional::worker::PaymentMethodKind::IbanTransfer,
            Some("IT60X0542811101000000123456"),
        )
        .map_err(ApiError::internal)?,
    };
    register_worker(conn, &worker, registration, current, start)?;

    let family = EMPLOYERS[FAMILY].person;
    let owner = EMPLOYERS[OWNER].person;
    let family_actor = as_persona(family.tax_code, &[Role::Employer])?;
    let owner_actor = as_persona(owner.tax_code, &[Role::Employer])?;
    let person_client = Client::Person {
        tax_code: tax_code(family.tax_code)?,
    };
    let family_id = record_client(conn, &family_actor, person_client, start)?.id;
    let business = Business::new(
        tax_code(TRATTORIA)?,
        tax_code(owner.tax_code)?,
        AtecoCode::parse("56.10.11").map_err(ApiError::internal)?,
        Decimal::from(3),
    )
    .map_err(ApiError::internal)?;
    let trattoria_id = record_client(conn, &owner_actor, Client::Business(business), start)?.id;

    let office = as_persona(super::data::OPERATOR.tax_code, &[Role::Operator])?;
    for (actor, id, cents) in [
        (&family_actor, family_id, 50_000),
        (&owner_actor, trattoria_id, 150_000),
    ] {
        let funding = request_funding(conn, actor, id, eur(cents)?, start)?;
        settle_funding(conn, &office, funding.id, start + Duration::days(1))?;
    }
    request_funding(
        conn,
        &family_actor,
        family_id,
        eur(20_000)?,
        now - Duration::days(1),
    )?;

    let student = tax_code(WORKER.tax_code)?;
    let libretto = [
        (10, (15, 120), Activity::PrivateTuition),
        (5, (16, 90), Activity::HomeCare),
    ];
    for (days_ago, when, activity) in libretto {
        let day = now - Duration::days(days_ago);
        let cmd = NewService {
            client_id: family_id,
            worker: student.clone(),
            draft: draft(day, when, activity, Terms::LibrettoFamiglia)?,
            place: Some("Roma".to_owned()),
        };
        record_service(conn, &family_actor, cmd, day)?;
    }
    let mut presto = Vec::new();
    for (days_ago, pay) in [(6, 4_800), (2, 6_000)] {
        let declared = now - Duration::days(days_ago + 1);
        let terms = Terms::Presto { pay: eur(pay)? };
        let cmd = NewService {
            client_id: trattoria_id,
            worker: student.clone(),
            draft: draft(
                now - Duration::days(days_ago),
                (19, 300),
                Activity::Other,
                terms,
            )?,
            place: Some("Trattoria Esposito, Napoli".to_owned()),
        };
        presto.push(record_service(conn, &owner_actor, cmd, declared)?.0.id);
    }
    if let Some(&last) = presto.last() {
        revoke_service(conn, &owner_actor, last, now - Duration::days(1))?;
    }
    let family_side = (&family_actor, family_id);
    payouts(conn, family_side, &student, &office, now)?;
    recurring_for_demo(conn, (&owner_actor, &office), trattoria_id, student, now)
}

/// A weekly rule of the trattoria: the student on weekday evenings for two months at 600 EUR
/// net each, funded for it. The first window generates four services; the fifth would pass the
/// 2,500 EUR pair limit, so it and the rest of the window are refused (shown with the rule and
/// the residuals in `GET /v1/recurring-services/{id}`).
fn recurring_for_demo(
    conn: &mut PgConnection,
    (owner, office): (&crate::auth::Actor, &crate::auth::Actor),
    trattoria_id: uuid::Uuid,
    student: inps_domain::tax_code::TaxCode,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    use time::Weekday::{Friday, Monday, Thursday, Tuesday, Wednesday};

    let funding = request_funding(conn, owner, trattoria_id, eur(500_000)?, now)?;
    settle_funding(conn, office, funding.id, now)?;
    let today = rome_date(now);
    let cmd = NewRule {
        client_id: trattoria_id,
        worker: student,
        weekdays: vec![Monday, Tuesday, Wednesday, Thursday, Friday],
        start: Time::from_hms(19, 0, 0).map_err(ApiError::internal)?,
        minutes: 300,
        activity: Activity::Other,
        pay: Some(eur(60_000)?),
        place: Some("Trattoria Esposito, Napoli".to_owned()),
        first_date: today + Duration::days(1),
        last_date: today + Duration::days(60),
    };
    let rule = create_rule(conn, owner, cmd, now)?;
    generate_window(conn, owner, rule.id, now)?;
    Ok(())
}

/// Two past months of Libretto Famiglia work paid by INPS runs: the earlier payment credited
/// (with its PDF receipt), the later one failed (its service waits for the next run).
fn payouts(
    conn: &mut PgConnection,
    (family, family_id): (&crate::auth::Actor, uuid::Uuid),
    student: &inps_domain::tax_code::TaxCode,
    office: &crate::auth::Actor,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    let first = rome_date(now).replace_day(1).map_err(ApiError::internal)?;
    // 70 days before the 1st lies in the third month back, 40 days before in the second.
    let months = [
        PayMonth::of(first - Duration::days(70)),
        PayMonth::of(first - Duration::days(40)),
    ];
    let mut made = Vec::new();
    for month in months {
        let day = month.first_day() + Duration::days(4);
        let recorded_at = rome_instant(day, Time::from_hms(18, 0, 0).map_err(ApiError::internal)?);
        let cmd = NewService {
            client_id: family_id,
            worker: student.clone(),
            draft: ServiceDraft {
                date: day,
                start: Time::from_hms(15, 0, 0).map_err(ApiError::internal)?,
                minutes: 120,
                activity: Activity::SmallDomesticJobs,
                terms: Terms::LibrettoFamiglia,
            },
            place: Some("Roma".to_owned()),
        };
        record_service(conn, family, cmd, recorded_at)?;
        let run = run_payments(conn, office, month, now - Duration::days(1))?;
        made.extend(run.payments.into_iter().map(|p| p.id));
    }
    if let [credited, failed] = made[..] {
        let any = |_: i32| Ok::<(), crate::refusal::Refusal>(());
        record_outcome(conn, office, credited, Outcome::InPayment, any, now)?;
        record_outcome(conn, office, credited, Outcome::Credited, any, now)?;
        let reason = "IBAN non più valido (conto estinto)".to_owned();
        record_outcome(conn, office, failed, Outcome::Failed { reason }, any, now)?;
    }
    Ok(())
}

/// The worker's occasional-work delegation (`read`, `services`) to `consultant`, given with
/// the registration and accepted the day after, so the consultant's portfolio
/// (`GET /v1/portfolio/services`) shows the worker's services.
pub(super) fn delegate_portfolio(
    conn: &mut PgConnection,
    secret: &crate::settings::SecretKey,
    consultant: &str,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    use crate::delegations::lifecycle::use_cases::{
        AcceptDelegation, CreateDelegation, Transition, accept_delegation, create_delegation,
    };
    use inps_domain::delegation::{DelegationTerms, Scope, Service};
    let given = now - Duration::days(20);
    let cmd = CreateDelegation {
        delegate: tax_code(consultant)?,
        terms: DelegationTerms {
            service: Service::OccasionalWork,
            scopes: vec![Scope::Read, Scope::Services],
            valid_from: rome_date(given),
            valid_until: rome_date(given) + Duration::days(360),
        },
    };
    let worker = as_persona(WORKER.tax_code, &[Role::Worker])?;
    let created = create_delegation(conn, &worker, secret, cmd, given)?;
    let accept = AcceptDelegation {
        id: created.delegation.delegation.id,
        verification_code: created.verification_code,
        expected: None,
    };
    let agent = as_persona(consultant, &[Role::Intermediary])?;
    match accept_delegation(conn, &agent, secret, accept, given + Duration::days(1))? {
        Transition::Done(_) => Ok(()),
        Transition::WrongCode => Err(ApiError::internal("demo delegation code refused")),
    }
}
