//! The use cases of payments: the monthly run, the back-office outcomes, the reads. Each runs
//! in the caller's transaction (see [`inps_persistence::occasional_payments`] for the locking
//! that keeps concurrent runs from paying a service twice).

use std::collections::BTreeMap;

use diesel::PgConnection;
use inps_domain::delegation::Scope;
use inps_domain::money::Money;
use inps_domain::notification::EventType;
use inps_domain::occasional::payment::{
    Candidate, Outcome, OutcomeError, PayMonth, PaymentStatus, advance, batches, credited_amount,
};
use inps_domain::occasional::service::ServiceStatus;
use inps_domain::occasional::worker::PaymentMethod;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional as repo;
use inps_persistence::occasional_payments::{
    self as payments, CandidateRow, PaidServiceRow, PaymentRow, RunRow,
};
use inps_persistence::occasional_services as services;
use time::{Date, OffsetDateTime};

use super::super::{audit_write, authorize, rule_book, rules_on};
use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify};
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// A run and the payments it made.
#[derive(Debug, Clone)]
pub struct Run {
    /// The run.
    pub run: RunRow,
    /// Its payments.
    pub payments: Vec<PaymentRow>,
}

/// A payment with its services.
#[derive(Debug, Clone)]
pub struct Payment {
    /// The payment.
    pub payment: PaymentRow,
    /// The services it pays (or paid, when failed).
    pub services: Vec<PaidServiceRow>,
}

fn resource(id: uuid::Uuid) -> String {
    format!("/v1/payments/{id}")
}

fn money(cents: i64) -> Result<Money, Refusal> {
    Money::from_cents(cents).map_err(Refusal::internal)
}

fn status_of(row: &PaymentRow) -> Result<PaymentStatus, Refusal> {
    row.status.parse().map_err(Refusal::internal)
}

fn candidate(row: &CandidateRow) -> Result<Candidate<String, CandidateRow>, Refusal> {
    Ok(Candidate {
        worker: row.worker_tax_code.clone(),
        service: row.clone(),
        date: row.work_date,
        status: row.status.parse().map_err(Refusal::internal)?,
        revocable_until: row.revocable_until,
        held: row.held,
        net: money(row.net_cents)?,
    })
}

/// Notifies the worker of a payment's state.
fn tell_worker(
    conn: &mut PgConnection,
    row: &PaymentRow,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let worker = TaxCode::parse(&row.worker_tax_code).map_err(Refusal::internal)?;
    let payload = serde_json::json!({
        "payment_id": row.id,
        "month": PayMonth::of(row.month).to_string(),
        "status": row.status,
        "amount": money(row.amount_cents)?,
    });
    notify(
        conn,
        Event {
            event_type: EventType::OccasionalPaymentUpdated,
            subject: worker.clone(),
            recipients: vec![worker],
            payload,
            link: resource(row.id),
        },
        now,
    )?;
    Ok(())
}

/// Runs the payouts of `month` (`POST /v1/payment-runs`, operators only): one payment per
/// worker, by the payment method on file now, for the month's payable services (see
/// [`inps_domain::occasional::payment`]); 422 while the month is not over. Idempotent per
/// month: a second run pays only what no payment holds yet (possibly nothing). Runs are
/// serialized; each locks the services it reads. Every payment is audited and notified.
pub fn run_payments(
    conn: &mut PgConnection,
    actor: &Actor,
    month: PayMonth,
    now: OffsetDateTime,
) -> Result<Run, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    if !month.is_over(rome_date(now)) {
        return Err(Refusal::invalid_field(
            "month",
            Text::new(
                "il mese non è ancora concluso: si paga dal mese successivo",
                "the month is not over yet: it is paid from the following month",
            ),
        ));
    }
    let end = month
        .end()
        .ok_or_else(|| Refusal::internal("a month without an end"))?;
    payments::lock_runs(conn)?;
    let rows = payments::candidates(conn, month.first_day(), end)?;
    let list = rows.iter().map(candidate).collect::<Result<Vec<_>, _>>()?;
    let planned = batches(&list, month, now).map_err(Refusal::internal)?;
    let book = rule_book(conn)?;
    let rules = rules_on(&book, rome_date(now))?;
    let run = RunRow {
        id: uuid::Uuid::new_v4(),
        month: month.first_day(),
        run_at: now,
        run_by: actor.tax_code.clone(),
        payments: i32::try_from(planned.len()).map_err(Refusal::internal)?,
        services: i32::try_from(planned.iter().map(|b| b.services.len()).sum::<usize>())
            .map_err(Refusal::internal)?,
        amount_cents: planned.iter().map(|b| b.amount.cents()).sum(),
    };
    payments::insert_run(conn, &run)?;
    let run_id = run.id;
    let mut made = Vec::with_capacity(planned.len());
    for batch in planned {
        let worker = repo::find_worker(conn, &batch.worker, false)?
            .ok_or_else(|| Refusal::internal("a service of an unknown worker"))?;
        let fee = worker.payment_method.payout_fee(&rules.payout_fees);
        let iban = match &worker.payment_method {
            PaymentMethod::IbanTransfer { iban } => Some(iban.as_str().to_owned()),
            _ => None,
        };
        let row = PaymentRow {
            id: uuid::Uuid::new_v4(),
            run_id,
            worker_tax_code: batch.worker.clone(),
            month: month.first_day(),
            status: PaymentStatus::Scheduled.as_str().to_owned(),
            payment_method: worker.payment_method.kind().as_str().to_owned(),
            iban,
            amount_cents: batch.amount.cents(),
            fee_cents: fee.cents(),
            credited_cents: credited_amount(batch.amount, fee).cents(),
            failure_reason: None,
            version: 1,
            created_at: now,
            in_payment_at: None,
            credited_at: None,
            failed_at: None,
        };
        let paid: Vec<PaidServiceRow> = batch
            .services
            .iter()
            .map(|s| PaidServiceRow {
                payment_id: row.id,
                service_id: s.id,
                client_id: s.client_id,
                work_date: s.work_date,
                net_cents: s.net_cents,
                gross_cents: s.gross_cents,
                released: false,
            })
            .collect();
        payments::insert_payment(conn, &row, &paid)?;
        let event = actor.audit(
            "payment.schedule",
            &resource(row.id),
            Some(&row.worker_tax_code),
        );
        inps_persistence::audit::append(conn, event, now)?;
        tell_worker(conn, &row, now)?;
        made.push(row);
    }
    let event = actor.audit("payment_run.create", "/v1/payment-runs", None);
    inps_persistence::audit::append(conn, event, now)?;
    Ok(Run {
        run,
        payments: made,
    })
}

fn outcome_refusal(error: &OutcomeError) -> Refusal {
    match error {
        OutcomeError::Transition { .. } => Refusal::new(Problem::StateConflict).with_detail(
            format!("Esito non ammesso: {error}"),
            format!("Outcome not allowed: {error}"),
        ),
        OutcomeError::Reason => Refusal::invalid_field(
            "reason",
            Text::new(
                "un esito failed richiede un motivo da 1 a 500 caratteri",
                "a failed outcome needs a reason of 1 to 500 characters",
            ),
        ),
    }
}

/// Records the back-office outcome of payment `id` (`POST /v1/payments/{id}/outcome`,
/// operators only) by the domain state machine (409 on a transition it refuses). `credited`
/// marks its services `paid` and takes their gross cost out of each client's wallet (committed
/// and paid in); `failed` releases its services for a later run. Audited; the worker is
/// notified. `precondition` checks the version the caller read (`If-Match`, optional).
pub fn record_outcome(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    outcome: Outcome,
    precondition: impl FnOnce(i32) -> Result<(), Refusal>,
    now: OffsetDateTime,
) -> Result<Payment, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let mut row = payments::find(conn, id, true)?.ok_or_else(Refusal::not_found)?;
    precondition(row.version)?;
    let to = advance(status_of(&row)?, &outcome).map_err(|e| outcome_refusal(&e))?;
    let paid = payments::services_of(conn, id)?;
    match &outcome {
        Outcome::InPayment => row.in_payment_at = Some(now),
        Outcome::Credited => {
            credit(conn, &paid)?;
            row.credited_at = Some(now);
        }
        Outcome::Failed { reason } => {
            payments::release(conn, id)?;
            row.failure_reason = Some(reason.trim().to_owned());
            row.failed_at = Some(now);
        }
    }
    row.status = to.as_str().to_owned();
    payments::update_status(conn, &row)?;
    let event = actor.audit(
        &format!("payment.{}", to.as_str()),
        &resource(id),
        Some(&row.worker_tax_code),
    );
    inps_persistence::audit::append(conn, event, now)?;
    tell_worker(conn, &row, now)?;
    let payment = payments::find(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let services = payments::services_of(conn, id)?;
    Ok(Payment { payment, services })
}

/// Pays out `paid`: per client (locked in id order, so two credits never deadlock) the gross
/// cost leaves the wallet, then each service becomes `paid`.
fn credit(conn: &mut PgConnection, paid: &[PaidServiceRow]) -> Result<(), Refusal> {
    let mut per_client: BTreeMap<uuid::Uuid, i64> = BTreeMap::new();
    for s in paid {
        *per_client.entry(s.client_id).or_default() += s.gross_cents;
    }
    for (client_id, cents) in per_client {
        let client = repo::find_client(conn, client_id, true)?
            .ok_or_else(|| Refusal::internal("a payment of an unknown client"))?;
        let wallet = client
            .wallet
            .pay_out(money(cents)?)
            .map_err(Refusal::internal)?;
        repo::store_wallet(conn, client_id, &wallet)?;
    }
    for s in paid {
        services::set_status(conn, s.service_id, ServiceStatus::Paid)?;
    }
    Ok(())
}

/// The payment `id` (`GET /v1/payments/{id}`): for the worker, a delegate of theirs with the
/// `services` scope, or an operator (404 for anyone else; the delegated read is audited).
pub fn show_payment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    action: &str,
    now: OffsetDateTime,
) -> Result<Payment, Refusal> {
    let payment = payments::find(conn, id, false)?.ok_or_else(Refusal::not_found)?;
    let worker = TaxCode::parse(&payment.worker_tax_code).map_err(Refusal::internal)?;
    let link = resource(id);
    let access = authorize(conn, actor, &worker, Scope::Services, (action, &link), now)?;
    audit_delegated_read(conn, actor, &access, (action, &link), &worker, now)?;
    let services = payments::services_of(conn, id)?;
    Ok(Payment { payment, services })
}

/// The receipt data of payment `id` (`GET /v1/payments/{id}/receipt`): as [`show_payment`],
/// and only once credited (409 before: there is nothing to certify yet).
pub fn receipt(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Payment, Refusal> {
    let payment = show_payment(conn, actor, id, "payment.receipt.read", now)?;
    if status_of(&payment.payment)? != PaymentStatus::Credited {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "La ricevuta è disponibile solo per i pagamenti accreditati.",
            "The receipt is available for credited payments only.",
        ));
    }
    Ok(payment)
}

/// Up to `limit` payments of `worker` after `cursor`, latest month first
/// (`GET /v1/workers/{tax_code}/payments`): same visibility as a payment.
pub fn worker_payments(
    conn: &mut PgConnection,
    actor: &Actor,
    worker: &TaxCode,
    cursor: Option<(Date, uuid::Uuid)>,
    limit: i64,
    now: OffsetDateTime,
) -> Result<Vec<PaymentRow>, Refusal> {
    let link = format!("/v1/workers/{}/payments", worker.as_str());
    let read = ("payment.list", link.as_str());
    let access = authorize(conn, actor, worker, Scope::Services, read, now)?;
    audit_delegated_read(conn, actor, &access, read, worker, now)?;
    repo::find_worker(conn, worker.as_str(), false)?.ok_or_else(Refusal::not_found)?;
    Ok(payments::of_worker(conn, worker.as_str(), cursor, limit)?)
}

/// Logs a read made through a delegation (the `services` scope is checked as an action, which
/// the access layer leaves to the use case to log).
fn audit_delegated_read(
    conn: &mut PgConnection,
    actor: &Actor,
    access: &inps_domain::authorization::Access,
    audited: (&str, &str),
    subject: &TaxCode,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    if access.delegation_id().is_some() {
        audit_write(conn, actor, access, audited, subject, now)?;
    }
    Ok(())
}

/// Refuses a change to service `id` while a payment holds it (409): it is being paid.
pub fn refuse_if_held(conn: &mut PgConnection, id: uuid::Uuid) -> Result<(), Refusal> {
    if payments::is_held(conn, id)? {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "La prestazione è in un pagamento INPS: non si può più modificare né contestare.",
            "The service is in an INPS payment: it can no longer be changed or disputed.",
        ));
    }
    Ok(())
}

/// The run `id` with its payments (`GET /v1/payment-runs/{id}`, operators only).
pub fn show_run(conn: &mut PgConnection, actor: &Actor, id: uuid::Uuid) -> Result<Run, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    let (run, payments) = payments::find_run(conn, id)?.ok_or_else(Refusal::not_found)?;
    Ok(Run { run, payments })
}
