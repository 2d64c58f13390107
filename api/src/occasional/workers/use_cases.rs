//! The use cases of workers: register, show, replace the self-declaration, replace the payment
//! method. Domain commands in, domain results or a typed [`Refusal`] out; each runs in the
//! caller's transaction.

use diesel::PgConnection;
use inps_domain::delegation::Scope;
use inps_domain::identity::Role;
use inps_domain::notification::EventType;
use inps_domain::occasional::worker::{Alert, PaymentMethod, SelfDeclaration, check_declaration};
use inps_domain::person::CurrentVersions;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional::{self as repo, Worker, WorkerRow};
use inps_persistence::persons;
use time::OffsetDateTime;

use super::super::{audit_write, authorize};
use crate::auth::Actor;
use crate::identity::me::use_cases::consents_given;
use crate::notifications::outbox::{Event, notify};
use crate::problems::Problem;
use crate::refusal::Refusal;

/// The pending action a blocking alert of the self-declaration opens (and its update closes).
pub const DECLARATION_ACTION: &str = "occasional_declaration";

/// A worker's registration.
#[derive(Debug, Clone)]
pub struct RegisterWorker {
    /// Who registers (the caller, or the person a delegate or an operator acts for).
    pub tax_code: TaxCode,
    /// The self-declaration.
    pub declaration: SelfDeclaration,
    /// How INPS pays them.
    pub payment_method: PaymentMethod,
}

/// A worker with the formal checks of their declaration today.
#[derive(Debug, Clone)]
pub struct WorkerView {
    /// The worker.
    pub worker: Worker,
    /// The alerts of the declaration, checked against today (services are checked against
    /// their own date); a blocking one is a pending action that blocks new services.
    pub alerts: Vec<Alert>,
}

fn resource(tax_code: &TaxCode) -> String {
    format!("/v1/workers/{}", tax_code.as_str())
}

fn row(worker: &Worker) -> Result<WorkerRow, Refusal> {
    WorkerRow::of(worker).map_err(Refusal::internal)
}

/// The alerts of `worker`'s declaration today; a blocking one opens the pending action, none
/// closes it.
fn check_and_record(
    conn: &mut PgConnection,
    worker: Worker,
    now: OffsetDateTime,
) -> Result<WorkerView, Refusal> {
    let alerts = check_declaration(&worker.declaration, &worker.tax_code, rome_date(now));
    let code = worker.tax_code.as_str();
    let blocking: Vec<&Alert> = alerts.iter().filter(|a| a.blocks_services()).collect();
    if blocking.is_empty() {
        persons::resolve_pending_action(conn, DECLARATION_ACTION, code, now)?;
    } else {
        let details = serde_json::to_value(&blocking).map_err(Refusal::internal)?;
        persons::open_pending_action(conn, DECLARATION_ACTION, code, &details, now)?;
    }
    Ok(WorkerView { worker, alerts })
}

/// Registers a worker (`POST /v1/workers`): the person themselves, a delegate with the
/// `registration` scope of an occasional-work delegation, or an operator. The person must have
/// logged in and given the onboarding consents (409 `onboarding-incomplete`); a second
/// registration is 409. Grants the `worker` role and audits the write.
pub fn register_worker(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: RegisterWorker,
    current: &CurrentVersions<'_>,
    now: OffsetDateTime,
) -> Result<WorkerView, Refusal> {
    let resource = resource(&cmd.tax_code);
    let action = ("worker.create", resource.as_str());
    let access = authorize(conn, actor, &cmd.tax_code, Scope::Registration, action, now)?;
    if persons::find(conn, cmd.tax_code.as_str())?.is_none() {
        return Err(Refusal::not_found().with_detail(
            "Persona mai autenticata: la registrazione segue il primo accesso.",
            "This person never logged in: registration follows the first login.",
        ));
    }
    if !consents_given(conn, &cmd.tax_code, current)? {
        return Err(Refusal::new(Problem::OnboardingIncomplete));
    }
    let worker = Worker {
        tax_code: cmd.tax_code,
        declaration: cmd.declaration,
        payment_method: cmd.payment_method,
        registered_at: now,
        updated_at: now,
    };
    if !repo::insert_worker(conn, &row(&worker)?)? {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Il prestatore è già registrato: si aggiornano autodichiarazione e modalità di pagamento.",
            "The worker is already registered: update the self-declaration and payment method.",
        ));
    }
    persons::grant_role(
        conn,
        worker.tax_code.as_str(),
        Role::Worker.as_str(),
        actor.tax_code.as_deref(),
        now,
    )?;
    audit_write(conn, actor, &access, action, &worker.tax_code, now)?;
    check_and_record(conn, worker, now)
}

/// The worker `tax_code`, locked for the update, for an actor with `scope` (404 otherwise and
/// when not registered).
fn visible_worker(
    conn: &mut PgConnection,
    actor: &Actor,
    tax_code: &TaxCode,
    scope: Scope,
    action: &str,
    now: OffsetDateTime,
) -> Result<(Worker, inps_domain::authorization::Access), Refusal> {
    let resource = resource(tax_code);
    let access = authorize(conn, actor, tax_code, scope, (action, &resource), now)?;
    let worker = repo::find_worker(conn, tax_code.as_str(), scope != Scope::Read)?
        .ok_or_else(Refusal::not_found)?;
    Ok((worker, access))
}

/// The worker `tax_code` (`GET /v1/workers/{tax_code}`) with today's alerts.
pub fn show_worker(
    conn: &mut PgConnection,
    actor: &Actor,
    tax_code: &TaxCode,
    now: OffsetDateTime,
) -> Result<WorkerView, Refusal> {
    let (worker, _) = visible_worker(conn, actor, tax_code, Scope::Read, "worker.read", now)?;
    let alerts = check_declaration(&worker.declaration, &worker.tax_code, rome_date(now));
    Ok(WorkerView { worker, alerts })
}

/// Replaces the self-declaration (`PUT .../self-declaration`): checks it again, opening or
/// closing the pending action, and audits the write.
pub fn replace_declaration(
    conn: &mut PgConnection,
    actor: &Actor,
    tax_code: &TaxCode,
    declaration: SelfDeclaration,
    now: OffsetDateTime,
) -> Result<WorkerView, Refusal> {
    let action = "worker.self_declaration.replace";
    let (mut worker, access) =
        visible_worker(conn, actor, tax_code, Scope::Registration, action, now)?;
    worker.declaration = declaration;
    worker.updated_at = now;
    repo::update_worker(conn, &row(&worker)?)?;
    audit_write(
        conn,
        actor,
        &access,
        (action, &resource(tax_code)),
        tax_code,
        now,
    )?;
    check_and_record(conn, worker, now)
}

/// Replaces the payment method (`PUT .../payment-method`): audited; the worker gets a security
/// notice and every client with open services a notice, through the outbox. The IBAN is in
/// neither the log nor the notices.
pub fn replace_payment_method(
    conn: &mut PgConnection,
    actor: &Actor,
    tax_code: &TaxCode,
    payment_method: PaymentMethod,
    now: OffsetDateTime,
) -> Result<WorkerView, Refusal> {
    let action = "worker.payment_method.replace";
    let (mut worker, access) =
        visible_worker(conn, actor, tax_code, Scope::Registration, action, now)?;
    let previous = worker.payment_method.kind();
    worker.payment_method = payment_method;
    worker.updated_at = now;
    repo::update_worker(conn, &row(&worker)?)?;
    let resource = resource(tax_code);
    audit_write(conn, actor, &access, (action, &resource), tax_code, now)?;
    let payload = serde_json::json!({
        "previous_kind": previous.as_str(),
        "kind": worker.payment_method.kind().as_str(),
    });
    notify(
        conn,
        Event {
            event_type: EventType::PaymentMethodChanged,
            subject: tax_code.clone(),
            recipients: vec![tax_code.clone()],
            payload: payload.clone(),
            link: resource.clone(),
        },
        now,
    )?;
    let clients = repo::clients_with_open_services(conn, tax_code.as_str())?;
    if !clients.is_empty() {
        notify(
            conn,
            Event {
                event_type: EventType::WorkerPaymentMethodChanged,
                subject: tax_code.clone(),
                recipients: clients,
                payload,
                link: resource,
            },
            now,
        )?;
    }
    let alerts = check_declaration(&worker.declaration, &worker.tax_code, rome_date(now));
    Ok(WorkerView { worker, alerts })
}
