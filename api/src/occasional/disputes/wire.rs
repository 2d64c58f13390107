//! The wire shapes of disputes.

use inps_domain::occasional::dispute::{DisputeState as DState, Reason as DReason};
use inps_persistence::occasional_disputes::Dispute;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use super::use_cases::{OpenDispute, Reply};
use crate::occasional::services::use_cases::ServicePatch;
use crate::occasional::services::wire::ServicePatchBody;
use crate::refusal::Refusal;

crate::wire::wire_enum! {
    /// Why the worker disputes a service.
    DisputeReason <=> DReason {
        /// The hours are not those worked.
        WrongHours,
        /// The pay is not the one agreed.
        WrongAmount,
        /// The work did not take place.
        NotPerformed,
        /// Anything else, explained in the text.
        Other,
    }
}

crate::wire::wire_enum! {
    /// The state of a dispute.
    DisputeState <=> DState {
        /// Waiting for the client.
        Opened,
        /// The client answered; waiting for the worker.
        Answered,
        /// The client rectified the service (rettifica).
        Rectified,
        /// Closed: final.
        Closed,
    }
}

/// A worker's request for clarification (contestazione).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "wrong_hours", "text": "Ho lavorato 3 ore, non 2."}))]
pub struct NewDisputeBody {
    /// The reason code.
    pub reason: DisputeReason,
    /// The explanation, required for every reason.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000]*\\S[^\\u0000]*$"
    )]
    pub text: String,
}

impl From<NewDisputeBody> for OpenDispute {
    fn from(body: NewDisputeBody) -> Self {
        Self {
            reason: body.reason.into(),
            text: body.text,
        }
    }
}

/// The client's reply: an answer and, to rectify the service, the changes of the rettifica.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Corretto: 3 ore.", "rectification": {"duration_minutes": 180}}))]
pub struct ReplyBody {
    /// The answer.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000]*\\S[^\\u0000]*$"
    )]
    pub text: String,
    /// The rettifica of the service (as in `PATCH /v1/services/{id}`, without `If-Match`):
    /// given, the dispute is `rectified`; absent, `answered`.
    #[serde(default)]
    pub rectification: Option<ServicePatchBody>,
}

impl TryFrom<ReplyBody> for Reply {
    type Error = Refusal;

    fn try_from(body: ReplyBody) -> Result<Self, Refusal> {
        Ok(Self {
            text: body.text,
            rectification: body.rectification.map(ServicePatch::try_from).transpose()?,
        })
    }
}

/// A dispute of a service, with the time of each step.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeBody {
    /// Its id.
    pub id: uuid::Uuid,
    /// The disputed service.
    pub service_id: uuid::Uuid,
    /// Its state.
    pub state: DisputeState,
    /// The worker's reason code.
    pub reason: DisputeReason,
    /// The worker's text.
    pub text: String,
    /// The client's answer.
    pub answer: Option<String>,
    /// When the worker opened it.
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    /// When the client last answered.
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// When the client rectified the service.
    #[serde(with = "time::serde::rfc3339::option")]
    pub rectified_at: Option<OffsetDateTime>,
    /// When the worker last reopened it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub reopened_at: Option<OffsetDateTime>,
    /// When it was closed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
}

impl From<Dispute> for DisputeBody {
    fn from(d: Dispute) -> Self {
        Self {
            id: d.id,
            service_id: d.service_id,
            state: d.state.into(),
            reason: d.reason.into(),
            text: d.text,
            answer: d.answer,
            opened_at: d.timeline.opened_at,
            answered_at: d.timeline.answered_at,
            rectified_at: d.timeline.rectified_at,
            reopened_at: d.timeline.reopened_at,
            closed_at: d.timeline.closed_at,
        }
    }
}

/// The disputes of a service, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeList {
    /// The disputes.
    pub items: Vec<DisputeBody>,
}
