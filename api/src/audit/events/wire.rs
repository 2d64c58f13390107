//! The wire types of `/v1/audit-events`.

use inps_persistence::audit::{AuditEventRow, ChainReport};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// One event of the accountability log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    /// Position in the hash chain; null until the sealer has chained the event (usually
    /// within a second).
    #[schema(format = Int64, minimum = 1)]
    pub seq: Option<i64>,
    /// Identifier.
    pub id: uuid::Uuid,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Who acted (null for refused logins).
    #[schema(max_length = 16)]
    pub actor_tax_code: Option<String>,
    /// Whose data.
    #[schema(max_length = 16)]
    pub subject_tax_code: Option<String>,
    /// The delegation the actor used.
    pub delegation_id: Option<uuid::Uuid>,
    /// What was done (`session.create`, `delegation.accept`, `employer.read`, ...).
    #[schema(max_length = 64)]
    pub action: String,
    /// The resource.
    #[schema(max_length = 512)]
    pub resource: String,
    /// `success`, `success:<note>` or `refused:<reason>`.
    #[schema(max_length = 128)]
    pub outcome: String,
    /// Request id.
    #[schema(max_length = 128)]
    pub request_id: Option<String>,
    /// SHA-256 of this event chained on the previous one (hex); null until sealed.
    #[schema(max_length = 64)]
    pub hash: Option<String>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(r: AuditEventRow) -> Self {
        Self {
            seq: r.seq,
            id: r.id,
            occurred_at: r.occurred_at,
            actor_tax_code: r.actor_tax_code,
            subject_tax_code: r.subject_tax_code,
            delegation_id: r.delegation_id,
            action: r.action,
            resource: r.resource,
            outcome: r.outcome,
            request_id: r.request_id,
            hash: r.hash.map(hex::encode),
        }
    }
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "seq": 1042, "id": "0d4b7e21-6c9a-4f35-8e1b-3a7c5d9f2e68", "occurred_at": "2026-03-02T10:20:31Z",
            "actor_tax_code": "BNCLRA80A41H501D", "subject_tax_code": "RSSMRA85T10A562S", "delegation_id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21",
            "action": "employer.read", "resource": "/v1/employers/RSSMRA85T10A562S", "outcome": "success",
            "request_id": "6e1f0a9c-3d2b-4c7e-8a45-b9d7e2f1c063",
            "hash": "18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4"
        },
        {
            "seq": 1041, "id": "a93c5e7f-1b2d-4e86-9f04-7c1d3b5a8e92", "occurred_at": "2026-03-02T10:15:00Z",
            "actor_tax_code": "BNCLRA80A41H501D", "subject_tax_code": "RSSMRA85T10A562S", "delegation_id": "3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21",
            "action": "delegation.accept", "resource": "/v1/delegations/3f6c2a9e-8b1d-4e7a-9c52-1d0b7e4a6f21", "outcome": "success",
            "request_id": "b2d84f6a-9e1c-4a37-8d50-c3f7a1e9b246",
            "hash": "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
        }
    ],
    "next_cursor": "MTA0MQ"
}))]
pub struct AuditEventPage {
    /// Events, newest first.
    pub items: Vec<AuditEvent>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// Filters of the accountability log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events on this subject's data.
    #[param(max_length = 22)]
    pub subject_tax_code: Option<String>,
    /// Only events by this actor.
    #[param(max_length = 22)]
    pub actor_tax_code: Option<String>,
    /// From this instant (inclusive).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<OffsetDateTime>,
    /// Up to this instant (exclusive).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<OffsetDateTime>,
}

/// The result of recomputing the chain.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"valid": true, "events_checked": 1042, "first_broken": null,
    "sealed_up_to": 1042, "pending_events": 3, "sealing_lag_seconds": 0}))]
pub struct ChainVerification {
    /// True when every sealed event chains onto the previous one and the chain ends at the
    /// last recorded seal.
    pub valid: bool,
    /// Events checked.
    #[schema(format = Int64, minimum = 0)]
    pub events_checked: i64,
    /// The first broken link, if any.
    pub first_broken: Option<BrokenLink>,
    /// How far the chain is sealed: the last sealed `seq` (0 before the first seal).
    #[schema(format = Int64, minimum = 0)]
    pub sealed_up_to: i64,
    /// Events committed and still waiting for the sealer.
    #[schema(format = Int64, minimum = 0)]
    pub pending_events: i64,
    /// Age of the oldest waiting event, in seconds (0 when none waits): how far sealing lags.
    #[schema(format = Int64, minimum = 0)]
    pub sealing_lag_seconds: i64,
}

/// A link of the chain that does not verify.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokenLink {
    /// Position.
    #[schema(format = Int64)]
    pub seq: i64,
    /// Event id.
    #[schema(max_length = 36)]
    pub id: String,
    /// `PrevHashMismatch`, `HashMismatch` or `missing_event`.
    #[schema(max_length = 64)]
    pub reason: String,
}

impl ChainVerification {
    /// The report as answered at `now` (the sealing lag is the oldest waiting event's age).
    pub fn at(report: ChainReport, now: time::OffsetDateTime) -> Self {
        Self {
            sealed_up_to: report.sealed_up_to,
            pending_events: report.pending,
            sealing_lag_seconds: report
                .oldest_pending_at
                .map_or(0, |at| (now - at).whole_seconds().max(0)),
            valid: report.first_broken.is_none(),
            events_checked: i64::try_from(report.checked).unwrap_or(i64::MAX),
            first_broken: report.first_broken.map(|(seq, id, reason)| BrokenLink {
                seq,
                id,
                reason,
            }),
        }
    }
}
