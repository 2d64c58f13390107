//! The delegation use cases: create, list, show, accept, reject, revoke. Domain commands in,
//! the delegation (with its effective status) or a typed [`Refusal`] out; no HTTP. The HTTP
//! handlers and the demo seeder call these same functions.

use diesel::PgConnection;
use inps_domain::delegation::{
    self as rules, DelegationAction, DelegationStatus, DelegationTerms, Party, Service,
};
use inps_domain::notification::EventType;
use inps_domain::rome_time::rome_date;
use inps_domain::tax_code::TaxCode;
use inps_persistence::delegations::{
    self as repo, DelegationQuery, NewDelegation, StoredDelegation,
};
use time::OffsetDateTime;

use super::code::{code_hash, code_matches, new_code};
use super::refusals::{not_eligible, terms_refusal, transition_refusal};
use crate::auth::Actor;
use crate::notifications::outbox::{Event, notify};
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;
use crate::settings::SecretKey;

/// A delegation and its effective status on the day it was read.
#[derive(Debug, Clone)]
pub struct DelegationState {
    /// As stored.
    pub delegation: StoredDelegation,
    /// [`rules::effective_status`] today.
    pub status: DelegationStatus,
}

impl DelegationState {
    fn of(delegation: StoredDelegation, now: OffsetDateTime) -> Self {
        let status =
            rules::effective_status(delegation.status, delegation.valid_until, rome_date(now));
        Self { delegation, status }
    }
}

fn stored(row: repo::DelegationRow) -> Result<StoredDelegation, Refusal> {
    StoredDelegation::try_from(row).map_err(Refusal::internal)
}

/// Notifies `recipients` of `event_type` about `delegation` (its subject is the delegator).
fn notify_parties(
    conn: &mut PgConnection,
    event_type: EventType,
    delegation: &StoredDelegation,
    recipients: Vec<TaxCode>,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let payload = serde_json::json!({
        "delegation_id": delegation.id,
        "delegator_tax_code": delegation.delegator.as_str(),
        "delegate_tax_code": delegation.delegate.as_str(),
        "service": delegation.service.as_str(),
        "scopes": delegation.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "valid_from": delegation.valid_from.to_string(),
        "valid_until": delegation.valid_until.to_string(),
    });
    let event = Event {
        event_type,
        subject: delegation.delegator.clone(),
        recipients,
        payload,
        link: format!("/v1/delegations/{}", delegation.id),
    };
    notify(conn, event, now)
}

/// Give a delegation: the actor (the delegator) names the intermediary and the terms.
#[derive(Debug, Clone)]
pub struct CreateDelegation {
    /// The intermediary.
    pub delegate: TaxCode,
    /// What is delegated, until when.
    pub terms: DelegationTerms,
}

/// A created delegation and the code the delegator hands to the intermediary (only here).
#[derive(Debug, Clone)]
pub struct CreatedDelegation {
    /// The pending delegation.
    pub delegation: DelegationState,
    /// The 8-digit verification code.
    pub verification_code: String,
}

/// Creates a pending delegation from the actor to a registered, active intermediary; the
/// actor must hold a position that can delegate the service ([`rules::may_delegate`]).
pub fn create_delegation(
    conn: &mut PgConnection,
    actor: &Actor,
    secret: &SecretKey,
    cmd: CreateDelegation,
    now: OffsetDateTime,
) -> Result<CreatedDelegation, Refusal> {
    let service = cmd.terms.service;
    let delegator = actor
        .person()
        .filter(|_| rules::may_delegate(actor.roles(), service))
        .ok_or_else(|| not_eligible(service))?;
    let terms = rules::validate_terms(delegator, &cmd.delegate, cmd.terms, rome_date(now))
        .map_err(|e| terms_refusal(&e))?;
    let registered = inps_persistence::intermediaries::find(conn, cmd.delegate.as_str())?
        .is_some_and(|i| i.active);
    if !registered {
        return Err(Refusal::new(Problem::DelegateNotQualified).with_field(
            "delegate_tax_code",
            Text::new(
                "non è un intermediario abilitato (circ. INPS 49/2011)",
                "not a registered qualified intermediary (circ. INPS 49/2011)",
            ),
        ));
    }
    let id = uuid::Uuid::new_v4();
    let code = new_code()?;
    let row = repo::create(
        conn,
        &NewDelegation {
            id,
            delegator,
            delegate: &cmd.delegate,
            service: terms.service(),
            scopes: terms.scopes(),
            valid_from: terms.valid_from(),
            valid_until: terms.valid_until(),
            verification_code_hash: code_hash(secret, id, &code)?,
            now,
        },
    )?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "delegation.create",
            &format!("/v1/delegations/{id}"),
            Some(delegator.as_str()),
        ),
        now,
    )?;
    let created = stored(row)?;
    let delegate = created.delegate.clone();
    notify_parties(
        conn,
        EventType::DelegationRequested,
        &created,
        vec![delegate],
        now,
    )?;
    Ok(CreatedDelegation {
        delegation: DelegationState::of(created, now),
        verification_code: code,
    })
}

/// Which delegations to list. A person sees those where they are a party; operators all.
#[derive(Debug, Clone, Default)]
pub struct ListDelegations {
    /// Only those given by this subject.
    pub delegator: Option<TaxCode>,
    /// Only those given to this intermediary.
    pub delegate: Option<TaxCode>,
    /// Only this service.
    pub service: Option<Service>,
    /// Only this effective status.
    pub status: Option<DelegationStatus>,
    /// After this keyset position (created_at, id).
    pub after: Option<(OffsetDateTime, uuid::Uuid)>,
    /// At most this many.
    pub limit: i64,
}

/// The delegations matching `cmd`, newest first, filtered in the query (before paging).
pub fn list_delegations(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: ListDelegations,
    now: OffsetDateTime,
) -> Result<Vec<DelegationState>, Refusal> {
    let party = (!actor.is_operator())
        .then(|| actor.person().map(TaxCode::as_str))
        .flatten();
    let filter = DelegationQuery {
        delegator: cmd.delegator.as_ref().map(TaxCode::as_str),
        delegate: cmd.delegate.as_ref().map(TaxCode::as_str),
        party,
        service: cmd.service,
        status: cmd
            .status
            .map(|s| rules::stored_status_matches(s, rome_date(now))),
    };
    repo::query(conn, &filter, cmd.after, cmd.limit)?
        .into_iter()
        .map(|row| Ok(DelegationState::of(stored(row)?, now)))
        .collect()
}

/// How the actor stands to a delegation, if at all.
fn party_of(actor: &Actor, delegation: &StoredDelegation) -> Option<Party> {
    match actor.person() {
        Some(me) if *me == delegation.delegate => Some(Party::Delegate),
        Some(me) if *me == delegation.delegator => Some(Party::Delegator),
        _ if actor.is_operator() => Some(Party::Operator),
        _ => None,
    }
}

/// The delegation `id`, if the actor is a party to it or an operator (else not found).
pub fn show_delegation(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<DelegationState, Refusal> {
    let row = repo::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    let delegation = stored(row)?;
    party_of(actor, &delegation).ok_or_else(Refusal::not_found)?;
    Ok(DelegationState::of(delegation, now))
}

/// The version the client last read (`If-Match`), when it sent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Any version (`*`).
    Any,
    /// One of these versions.
    OneOf(Vec<i32>),
}

/// Accept a pending delegation with the code the delegator received.
#[derive(Debug, Clone)]
pub struct AcceptDelegation {
    /// Which.
    pub id: uuid::Uuid,
    /// The 8-digit code.
    pub verification_code: String,
    /// The version read, if the client sent one.
    pub expected: Option<ExpectedVersion>,
}

/// Reject or revoke a delegation.
#[derive(Debug, Clone)]
pub struct EndDelegation {
    /// Which.
    pub id: uuid::Uuid,
    /// The version read, if the client sent one.
    pub expected: Option<ExpectedVersion>,
}

/// The outcome of an action on a delegation. A wrong code is an outcome, not a refusal: the
/// failed attempt and its log entry must be committed.
#[derive(Debug, Clone)]
pub enum Transition {
    /// Done: the delegation as it is now.
    Done(Box<DelegationState>),
    /// The verification code was wrong (counted).
    WrongCode,
}

/// Locks the delegation (and its delegator's changes) and checks the actor may see it and
/// that it is the version expected.
fn load_for_action(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    expected: Option<&ExpectedVersion>,
) -> Result<(StoredDelegation, Party), Refusal> {
    let probe = repo::find(conn, id)?.ok_or_else(Refusal::not_found)?;
    repo::lock_delegator(conn, &probe.delegator_tax_code)?;
    let row = repo::find_for_update(conn, id)?.ok_or_else(Refusal::not_found)?;
    let delegation = stored(row)?;
    let party = party_of(actor, &delegation).ok_or_else(Refusal::not_found)?;
    if let Some(ExpectedVersion::OneOf(versions)) = expected
        && !versions.contains(&delegation.version)
    {
        return Err(Refusal::new(Problem::PreconditionFailed).with_detail(
            "La risorsa è cambiata: rileggerla e riprovare.",
            "The resource has changed: read it again and retry.",
        ));
    }
    Ok((delegation, party))
}

fn verb(action: DelegationAction) -> &'static str {
    match action {
        DelegationAction::Accept => "delegation.accept",
        DelegationAction::Reject => "delegation.reject",
        DelegationAction::Revoke => "delegation.revoke",
    }
}

/// Who hears of `action` done by `party`: the other party (both when an operator acted).
fn told_of(
    action: DelegationAction,
    party: Party,
    delegation: &StoredDelegation,
) -> (EventType, Vec<TaxCode>) {
    let event_type = match action {
        DelegationAction::Accept => EventType::DelegationAccepted,
        DelegationAction::Reject => EventType::DelegationRejected,
        DelegationAction::Revoke => EventType::DelegationRevoked,
    };
    let (delegator, delegate) = (delegation.delegator.clone(), delegation.delegate.clone());
    let recipients = match party {
        Party::Delegate => vec![delegator],
        Party::Delegator => vec![delegate],
        Party::Operator => vec![delegator, delegate],
    };
    (event_type, recipients)
}

/// Moves the delegation to `next`, logged as `action` by the actor (`party`), and tells the
/// other party.
fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    (delegation, party): (&StoredDelegation, Party),
    action: DelegationAction,
    next: DelegationStatus,
    now: OffsetDateTime,
) -> Result<Transition, Refusal> {
    let by = actor.tax_code.as_deref().unwrap_or("cli");
    let updated = repo::set_status(conn, delegation.id, next, by, now)?;
    let mut event = actor.audit(
        verb(action),
        &format!("/v1/delegations/{}", delegation.id),
        Some(delegation.delegator.as_str()),
    );
    event.delegation_id = Some(delegation.id);
    inps_persistence::audit::append(conn, event, now)?;
    let (event_type, recipients) = told_of(action, party, delegation);
    notify_parties(conn, event_type, delegation, recipients, now)?;
    Ok(Transition::Done(Box::new(DelegationState::of(
        stored(updated)?,
        now,
    ))))
}

/// Ends the delegator's previous active delegation for a service that allows only one
/// ([`Service::single_active_delegation`]): revoked if still in force, expired if its last
/// day has passed ([`rules::superseded_status`]).
fn supersede_previous(
    conn: &mut PgConnection,
    actor: &Actor,
    delegation: &StoredDelegation,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    if !delegation.service.single_active_delegation() {
        return Ok(());
    }
    let delegator = delegation.delegator.as_str();
    let Some(previous) = repo::stored_active_of(conn, delegator, delegation.service)? else {
        return Ok(());
    };
    let previous = stored(previous)?;
    let fate = rules::superseded_status(previous.status, previous.valid_until, rome_date(now));
    repo::set_status(conn, previous.id, fate, "superseded", now)?;
    let action = match fate {
        DelegationStatus::Expired => "delegation.expire",
        _ => "delegation.revoke",
    };
    let mut event = actor.audit(
        action,
        &format!("/v1/delegations/{}", previous.id),
        Some(delegator),
    );
    event.outcome = "success:superseded".into();
    inps_persistence::audit::append(conn, event, now)?;
    if fate == DelegationStatus::Revoked {
        // The previous delegate loses access: they hear of it (the delegator chose the new one).
        let delegate = previous.delegate.clone();
        notify_parties(
            conn,
            EventType::DelegationRevoked,
            &previous,
            vec![delegate],
            now,
        )?;
    }
    Ok(())
}

/// The delegate accepts a pending delegation with the right code; for a service that allows
/// one active delegation, the previous one ends in the same transaction.
pub fn accept_delegation(
    conn: &mut PgConnection,
    actor: &Actor,
    secret: &SecretKey,
    cmd: AcceptDelegation,
    now: OffsetDateTime,
) -> Result<Transition, Refusal> {
    let (delegation, party) = load_for_action(conn, actor, cmd.id, cmd.expected.as_ref())?;
    let effective =
        rules::effective_status(delegation.status, delegation.valid_until, rome_date(now));
    let next = rules::transition(effective, DelegationAction::Accept, party)
        .map_err(|e| transition_refusal(&e))?;
    if delegation.failed_attempts >= rules::MAX_VERIFICATION_ATTEMPTS {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            "Troppi codici errati: la delega va ricreata.",
            "Too many wrong codes: the delegation must be created again.",
        ));
    }
    let id = delegation.id;
    if !code_matches(
        secret,
        id,
        &cmd.verification_code,
        &delegation.verification_code_hash,
    )? {
        repo::count_failed_attempt(conn, id)?;
        let mut event = actor.audit(
            verb(DelegationAction::Accept),
            &format!("/v1/delegations/{id}"),
            Some(delegation.delegator.as_str()),
        );
        event.outcome = "refused:wrong_code".into();
        inps_persistence::audit::append(conn, event, now)?;
        return Ok(Transition::WrongCode);
    }
    supersede_previous(conn, actor, &delegation, now)?;
    let transition = record(
        conn,
        actor,
        (&delegation, party),
        DelegationAction::Accept,
        next,
        now,
    )?;
    crate::notifications::reminders::schedule_expiry_reminder(
        conn,
        id,
        delegation.valid_until,
        now,
    )?;
    Ok(transition)
}

fn end_delegation(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: &EndDelegation,
    action: DelegationAction,
    now: OffsetDateTime,
) -> Result<Transition, Refusal> {
    let (delegation, party) = load_for_action(conn, actor, cmd.id, cmd.expected.as_ref())?;
    let effective =
        rules::effective_status(delegation.status, delegation.valid_until, rome_date(now));
    let next = rules::transition(effective, action, party).map_err(|e| transition_refusal(&e))?;
    record(conn, actor, (&delegation, party), action, next, now)
}

/// The delegate refuses a pending delegation.
pub fn reject_delegation(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: EndDelegation,
    now: OffsetDateTime,
) -> Result<Transition, Refusal> {
    end_delegation(conn, actor, &cmd, DelegationAction::Reject, now)
}

/// Either party, or an operator, ends a pending or active delegation.
pub fn revoke_delegation(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: EndDelegation,
    now: OffsetDateTime,
) -> Result<Transition, Refusal> {
    end_delegation(conn, actor, &cmd, DelegationAction::Revoke, now)
}
