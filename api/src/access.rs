//! The one way to authorize access to a subject's data: an [`AccessRequest`] goes into
//! [`Actor::authorize`], which loads the facts, applies the pure rule
//! (`inps_domain::authorization::authorize`) and records what the accountability log needs:
//! a read through a delegation, and every refused attempt (outcome `denied`, kept even though
//! the use case's transaction rolls back, see [`crate::db`]).
//!
//! The caller's positions count: a legal representative of a business (an occasional-work
//! client) acts for it (`Access::LegalRepresentative`).
//!
//! A refusal keeps its reason: a delegate who sees the subject's data but lacks the scope gets
//! 403 naming the missing scope; every other refusal is 404, so a foreign resource's existence
//! is never revealed. Operator-only operations take the [`crate::auth::Operator`] extractor.

use diesel::PgConnection;
use inps_domain::authorization::{
    Access, CallerFacts, DelegationFact, Denied, authorize, needs_delegations,
};
use inps_domain::delegation::{Scope, Service};
use inps_domain::tax_code::TaxCode;
use inps_persistence::audit::NewAuditEvent;
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::problems::Problem;
use crate::refusal::Refusal;

/// What the caller wants to do with a subject's data.
#[derive(Debug, Clone, Copy)]
pub struct AccessRequest<'a> {
    /// Whose data.
    pub subject: &'a TaxCode,
    /// Which service's data.
    pub service: Service,
    /// What for.
    pub scope: Scope,
    /// How the accountability log names the attempt (a delegated read, or a refusal).
    pub audit: Audited<'a>,
}

/// The accountability log's name for an access: the action and the resource it touches.
#[derive(Debug, Clone, Copy)]
pub struct Audited<'a> {
    /// What is done (`employment.read`).
    pub action: &'a str,
    /// The resource's path (`/v1/employments/1000000016`).
    pub resource: &'a str,
}

impl<'a> AccessRequest<'a> {
    /// Reading `subject`'s data of `service`.
    pub fn read(subject: &'a TaxCode, service: Service, audit: Audited<'a>) -> Self {
        Self {
            subject,
            service,
            scope: Scope::Read,
            audit,
        }
    }

    /// Acting on `subject`'s data of `service` within `scope`.
    pub fn act(subject: &'a TaxCode, service: Service, scope: Scope, audit: Audited<'a>) -> Self {
        Self {
            subject,
            service,
            scope,
            audit,
        }
    }
}

/// The refusal for `denied`, carrying the `denied` event for the accountability log.
fn refusal(denied: Denied, request: &AccessRequest<'_>, event: NewAuditEvent) -> Refusal {
    let refusal = if denied.reveals_resource() {
        Refusal::new(Problem::ScopeNotGranted)
            .with_detail(
                format!(
                    "La delega non comprende l'ambito «{}».",
                    request.scope.as_str()
                ),
                format!(
                    "The delegation does not grant the `{}` scope.",
                    request.scope.as_str()
                ),
            )
            .with_extension(
                "missing_scope",
                serde_json::Value::from(request.scope.as_str()),
            )
    } else {
        Refusal::not_found()
    };
    refusal
        .with_cause(format_args!("access denied: {}", denied.as_str()))
        .with_audit(event)
}

impl Actor {
    /// Decides `request` for this actor, today in Italian civil time, and records it: a read
    /// through a delegation is written to the accountability log here (a delegated write is
    /// logged once, by the use case that performs it, with the delegation id); a refusal
    /// carries its `denied` event.
    pub fn authorize(
        &self,
        conn: &mut PgConnection,
        request: &AccessRequest<'_>,
        now: OffsetDateTime,
    ) -> Result<Access, Refusal> {
        let Some(me) = self.person() else {
            // The command line is the administrator.
            return Ok(Access::Operator);
        };
        // The businesses the caller represents, looked up only when the caller is neither the
        // subject nor an operator (the hot path of one's own reads skips it).
        let represents = if me != request.subject && !self.is_operator() {
            represented_by(conn, me)?
        } else {
            Vec::new()
        };
        let mut caller = CallerFacts {
            tax_code: me,
            roles: self.roles(),
            represents: &represents,
            registered_intermediary: false,
        };
        // The subject, an operator: no delegation lookup, no register lookup.
        let facts = if needs_delegations(&caller, request.subject) {
            delegation_facts(conn, request.subject, me)?
        } else {
            Vec::new()
        };
        caller.registered_intermediary = !facts.is_empty()
            && inps_persistence::intermediaries::find(conn, me.as_str())?.is_some_and(|i| i.active);
        let today = inps_domain::rome_time::rome_date(now);
        let decision = authorize(
            &caller,
            request.subject,
            request.service,
            request.scope,
            &facts,
            today,
        );
        let mut event = self.audit(
            request.audit.action,
            request.audit.resource,
            Some(request.subject.as_str()),
        );
        match decision {
            Ok(access) => {
                if let Some(id) = access
                    .delegation_id()
                    .filter(|_| request.scope == Scope::Read)
                {
                    event.delegation_id = uuid::Uuid::parse_str(id).ok();
                    inps_persistence::audit::append(conn, event, now)?;
                }
                Ok(access)
            }
            Err(denied) => {
                event.outcome = "denied".to_owned();
                Err(refusal(denied, request, event))
            }
        }
    }
}

/// The active delegations from `subject` to `delegate`, as domain facts. A stored value the
/// domain cannot read is an internal error, logged with its row, never a silently lost fact.
fn delegation_facts(
    conn: &mut PgConnection,
    subject: &TaxCode,
    delegate: &TaxCode,
) -> Result<Vec<DelegationFact>, Refusal> {
    inps_persistence::delegations::active_between(conn, subject.as_str(), delegate.as_str())?
        .into_iter()
        .map(|row| DelegationFact::try_from(row).map_err(Refusal::internal))
        .collect()
}

/// The businesses `person` is the legal representative of (occasional-work clients), so that
/// the representative acts for them. A stored tax code the domain cannot read is an internal
/// error.
fn represented_by(conn: &mut PgConnection, person: &TaxCode) -> Result<Vec<TaxCode>, Refusal> {
    inps_persistence::occasional::represented_by(conn, person.as_str())?
        .iter()
        .map(|code| TaxCode::parse(code).map_err(Refusal::internal))
        .collect()
}
