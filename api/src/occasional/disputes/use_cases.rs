//! The use cases of disputes. Each runs in the caller's transaction.

use diesel::PgConnection;
use inps_domain::authorization::Access;
use inps_domain::delegation::Scope;
use inps_domain::notification::EventType;
use inps_domain::occasional::dispute::{
    self, DisputeAction, DisputeError, DisputeParty, DisputeState, Reason, Timeline,
};
use inps_domain::occasional::service::ServiceStatus;
use inps_domain::tax_code::TaxCode;
use inps_persistence::occasional as repo;
use inps_persistence::occasional_disputes::{self as disputes, Dispute};
use inps_persistence::occasional_services::{self as services, Service};
use time::OffsetDateTime;

use super::super::clients::use_cases::acting_person;
use super::super::services::use_cases::{ServicePatch, rectify_service};
use super::super::{audit_write, authorize};
use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify};
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

/// A worker's request for clarification.
#[derive(Debug, Clone)]
pub struct OpenDispute {
    /// The reason code.
    pub reason: Reason,
    /// The explanation.
    pub text: String,
}

/// A client's reply: an answer, with a rettifica of the service when `rectification` is given.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The answer.
    pub text: String,
    /// The changes to the service, if the client rectifies it.
    pub rectification: Option<ServicePatch>,
}

fn resource(id: uuid::Uuid) -> String {
    format!("/v1/disputes/{id}")
}

/// The problem of a refused dispute step: 403 for a party who may not take it, 409 for a step
/// the state does not allow, 422 for a bad text.
fn refusal(error: &DisputeError) -> Refusal {
    let detail = |r: Refusal| {
        r.with_detail(
            format!("Contestazione: {error}"),
            format!("Dispute: {error}"),
        )
    };
    match error {
        DisputeError::OnlyWorkerOpens | DisputeError::NotAllowed { .. } => {
            detail(Refusal::new(Problem::Forbidden))
        }
        DisputeError::ServiceNotDisputable(_) | DisputeError::WrongState { .. } => {
            detail(Refusal::new(Problem::StateConflict))
        }
        DisputeError::Text(e) => Refusal::invalid_field(
            "text",
            Text::new(format!("testo non valido: {e}"), e.to_string()),
        ),
    }
}

/// The service `id` for an actor who is one of its parties, and which one: `first` is tried
/// first (the side that takes the step), so a person who is both worker and client acts as the
/// side the step needs. An operator is the operator. 404 for anyone else.
fn party_of(
    conn: &mut PgConnection,
    actor: &Actor,
    service: &Service,
    (scope, first): (Scope, DisputeParty),
    (action, link): (&str, &str),
    now: OffsetDateTime,
) -> Result<(DisputeParty, Access), Refusal> {
    let client =
        repo::find_client(conn, service.client_id, false)?.ok_or_else(Refusal::not_found)?;
    if actor.is_operator() {
        let access = authorize(conn, actor, client.subject(), scope, (action, link), now)?;
        return Ok((DisputeParty::Operator, access));
    }
    let sides: [(DisputeParty, &TaxCode); 2] = if first == DisputeParty::Worker {
        [
            (DisputeParty::Worker, &service.worker),
            (DisputeParty::Client, client.subject()),
        ]
    } else {
        [
            (DisputeParty::Client, client.subject()),
            (DisputeParty::Worker, &service.worker),
        ]
    };
    let mut refused = None;
    for (party, subject) in sides {
        match authorize(conn, actor, subject, scope, (action, link), now) {
            Ok(access) => return Ok((party, access)),
            Err(e) => {
                refused.get_or_insert(e);
            }
        }
    }
    Err(refused.unwrap_or_else(Refusal::not_found))
}

/// Notifies the worker and the client of `service` of a dispute step.
fn notify_parties(
    conn: &mut PgConnection,
    service: &Service,
    dispute: &Dispute,
    event_type: EventType,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let client =
        repo::find_client(conn, service.client_id, false)?.ok_or_else(Refusal::not_found)?;
    let payload = serde_json::json!({
        "dispute_id": dispute.id,
        "service_id": service.id,
        "reason": dispute.reason.as_str(),
        "state": dispute.state.as_str(),
    });
    notify(
        conn,
        Event {
            event_type,
            subject: service.worker.clone(),
            recipients: vec![
                service.worker.clone(),
                acting_person(&client.client).clone(),
            ],
            payload,
            link: resource(dispute.id),
        },
        now,
    )?;
    Ok(())
}

/// Opens a dispute on the service `service_id` (`POST /v1/services/{id}/disputes`): only the
/// worker side (403 for the client side and operators), only on a recorded or rectified service
/// (409 otherwise, also while another dispute is open); the service becomes `disputed`.
pub fn open_dispute(
    conn: &mut PgConnection,
    actor: &Actor,
    service_id: uuid::Uuid,
    cmd: OpenDispute,
    now: OffsetDateTime,
) -> Result<Dispute, Refusal> {
    let found = services::find(conn, service_id, false)?.ok_or_else(Refusal::not_found)?;
    let link = format!("/v1/services/{service_id}/disputes");
    let step = (Scope::Services, DisputeParty::Worker);
    let (party, access) = party_of(conn, actor, &found, step, ("dispute.open", &link), now)?;
    let service = services::find(conn, service_id, true)?.ok_or_else(Refusal::not_found)?;
    super::super::payments::use_cases::refuse_if_held(conn, service_id)?;
    let request =
        dispute::open(service.status, party, cmd.reason, &cmd.text).map_err(|e| refusal(&e))?;
    let opened = Dispute {
        id: uuid::Uuid::new_v4(),
        service_id,
        state: DisputeState::Opened,
        reason: request.reason,
        text: request.text,
        status_before: service.status,
        answer: None,
        opened_by: actor.tax_code.clone().unwrap_or_default(),
        answered_by: None,
        timeline: Timeline::opened(now),
    };
    disputes::insert(conn, &opened)?;
    services::set_status(conn, service_id, ServiceStatus::Disputed)?;
    audit_write(
        conn,
        actor,
        &access,
        ("dispute.open", &resource(opened.id)),
        &service.worker,
        now,
    )?;
    notify_parties(conn, &service, &opened, EventType::ServiceDisputed, now)?;
    Ok(opened)
}

/// Replies to the dispute `id` (`POST /v1/disputes/{id}/reply`): the client side answers (the
/// dispute is `answered`, the service stays `disputed`) or, with a rectification, rectifies the
/// service through the rettifica (every rule and limit, the wallet, the kept version: see
/// [`rectify_service`]; the dispute and the service are `rectified`). 403 for the worker and
/// operators, 409 for a step the state does not allow.
pub fn reply_to_dispute(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    reply: Reply,
    now: OffsetDateTime,
) -> Result<Dispute, Refusal> {
    let found = disputes::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    let service = services::find(conn, found.service_id, false)?.ok_or_else(Refusal::not_found)?;
    let link = resource(id);
    let step = (Scope::Services, DisputeParty::Client);
    let (party, access) = party_of(conn, actor, &service, step, ("dispute.reply", &link), now)?;
    let action = if reply.rectification.is_some() {
        DisputeAction::Rectify
    } else {
        DisputeAction::Answer
    };
    // Judged before the rettifica, so a refused step changes nothing; judged again under the
    // service's lock below.
    dispute::transition(found.state, action, party).map_err(|e| refusal(&e))?;
    let text = dispute::message(&reply.text).map_err(|e| refusal(&e))?;
    match reply.rectification {
        Some(patch) => {
            rectify_service(conn, actor, service.id, patch, |_| Ok(()), now)?;
        }
        None => {
            services::find(conn, service.id, true)?;
        }
    }
    let current = disputes::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    let state = dispute::transition(current.state, action, party).map_err(|e| refusal(&e))?;
    let replied = Dispute {
        state,
        answer: Some(text),
        answered_by: actor.tax_code.clone(),
        timeline: current.timeline.stamp(action, now),
        ..current
    };
    disputes::update(conn, &replied)?;
    let client =
        repo::find_client(conn, service.client_id, false)?.ok_or_else(Refusal::not_found)?;
    audit_write(
        conn,
        actor,
        &access,
        ("dispute.reply", &link),
        client.subject(),
        now,
    )?;
    notify_parties(conn, &service, &replied, EventType::DisputeAnswered, now)?;
    Ok(replied)
}

/// The disputes of the service `service_id`, oldest first (`GET /v1/services/{id}/disputes`),
/// for either party and operators.
pub fn service_disputes(
    conn: &mut PgConnection,
    actor: &Actor,
    service_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Vec<Dispute>, Refusal> {
    let service = services::find(conn, service_id, false)?.ok_or_else(Refusal::not_found)?;
    let link = format!("/v1/services/{service_id}/disputes");
    let step = (Scope::Read, DisputeParty::Worker);
    party_of(conn, actor, &service, step, ("dispute.list", &link), now)?;
    Ok(disputes::of_service(conn, service_id)?)
}

/// The dispute `id` (`GET /v1/disputes/{id}`), for either party of its service and operators.
pub fn show_dispute(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Dispute, Refusal> {
    let found = disputes::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    let service = services::find(conn, found.service_id, false)?.ok_or_else(Refusal::not_found)?;
    let step = (Scope::Read, DisputeParty::Worker);
    party_of(
        conn,
        actor,
        &service,
        step,
        ("dispute.read", &resource(id)),
        now,
    )?;
    Ok(found)
}

/// Moves the dispute `id` by `action` (close or reopen), for the worker side or, closing, an
/// operator: the client side gets 403 (the domain's rule: a dispute is never settled by the
/// side it is about), anyone else 404, a state that does not allow it 409. Locks the service
/// first and re-reads the dispute under that lock; the service returns to its status before the
/// dispute when closed unrectified (see [`dispute::service_status`]). Stamped, audited, notified
/// to both parties.
fn settle(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    action: DisputeAction,
    now: OffsetDateTime,
) -> Result<Dispute, Refusal> {
    let (verb, event_type) = match action {
        DisputeAction::Reopen => ("dispute.reopen", EventType::DisputeReopened),
        _ => ("dispute.close", EventType::DisputeClosed),
    };
    let found = disputes::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    let service = services::find(conn, found.service_id, false)?.ok_or_else(Refusal::not_found)?;
    let link = resource(id);
    let step = (Scope::Services, DisputeParty::Worker);
    let (party, access) = party_of(conn, actor, &service, step, (verb, &link), now)?;
    let service = services::find(conn, found.service_id, true)?.ok_or_else(Refusal::not_found)?;
    let current = disputes::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    let state = dispute::transition(current.state, action, party).map_err(|e| refusal(&e))?;
    let moved = Dispute {
        state,
        timeline: current.timeline.stamp(action, now),
        ..current
    };
    disputes::update(conn, &moved)?;
    let status = dispute::service_status(
        state,
        moved.status_before,
        moved.timeline.rectified_at.is_some(),
    );
    if status != service.status {
        services::set_status(conn, service.id, status)?;
    }
    audit_write(conn, actor, &access, (verb, &link), &service.worker, now)?;
    notify_parties(conn, &service, &moved, event_type, now)?;
    Ok(moved)
}

/// Closes the dispute `id` (`POST /v1/disputes/{id}/closure`): the worker side (satisfied) or
/// an operator, from `opened`, `answered` or `rectified`; see [`settle`].
pub fn close_dispute(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Dispute, Refusal> {
    settle(conn, actor, id, DisputeAction::Close, now)
}

/// Reopens the dispute `id` (`POST /v1/disputes/{id}/reopening`): the worker side, when the
/// client's answer does not satisfy them (`answered` to `opened`); see [`settle`].
pub fn reopen_dispute(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<Dispute, Refusal> {
    settle(conn, actor, id, DisputeAction::Reopen, now)
}
