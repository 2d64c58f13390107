//! Disputes (contestazioni) of occasional-work services. The caller locks the service row
//! before opening or moving a dispute, so the steps of one service's disputes never interleave;
//! the unique index `occasional_disputes_one_open` keeps at most one dispute waiting (`opened`
//! or `answered`).

use std::str::FromStr as _;

use diesel::prelude::*;
use inps_domain::occasional::dispute::{DisputeState, Reason, Timeline};
use inps_domain::occasional::service::ServiceStatus;
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};
use crate::occasional::LoadError;
use crate::schema::occasional_disputes;

/// A dispute as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = occasional_disputes, treat_none_as_null = true)]
pub struct DisputeRow {
    pub id: uuid::Uuid,
    pub service_id: uuid::Uuid,
    pub state: String,
    pub reason: String,
    pub text: String,
    pub status_before: String,
    pub answer: Option<String>,
    pub opened_by: String,
    pub answered_by: Option<String>,
    pub opened_at: OffsetDateTime,
    pub answered_at: Option<OffsetDateTime>,
    pub rectified_at: Option<OffsetDateTime>,
    pub reopened_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
}

/// A dispute, read into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    /// Its id.
    pub id: uuid::Uuid,
    /// The disputed service.
    pub service_id: uuid::Uuid,
    /// Its state.
    pub state: DisputeState,
    /// The worker's reason code.
    pub reason: Reason,
    /// The worker's text.
    pub text: String,
    /// The service's status before the dispute.
    pub status_before: ServiceStatus,
    /// The client's last answer.
    pub answer: Option<String>,
    /// Who opened it (a tax code).
    pub opened_by: String,
    /// Who last answered or rectified (a tax code).
    pub answered_by: Option<String>,
    /// The times of its steps.
    pub timeline: Timeline,
}

impl Dispute {
    /// The row of this dispute.
    pub fn row(&self) -> DisputeRow {
        DisputeRow {
            id: self.id,
            service_id: self.service_id,
            state: self.state.as_str().to_owned(),
            reason: self.reason.as_str().to_owned(),
            text: self.text.clone(),
            status_before: self.status_before.as_str().to_owned(),
            answer: self.answer.clone(),
            opened_by: self.opened_by.clone(),
            answered_by: self.answered_by.clone(),
            opened_at: self.timeline.opened_at,
            answered_at: self.timeline.answered_at,
            rectified_at: self.timeline.rectified_at,
            reopened_at: self.timeline.reopened_at,
            closed_at: self.timeline.closed_at,
        }
    }
}

impl TryFrom<DisputeRow> for Dispute {
    type Error = CorruptRow;

    fn try_from(row: DisputeRow) -> Result<Self, CorruptRow> {
        const T: &str = "occasional_disputes";
        let key = row.id;
        Ok(Self {
            id: row.id,
            service_id: row.service_id,
            state: parse_column(T, &key, "state", &row.state, DisputeState::from_str)?,
            reason: parse_column(T, &key, "reason", &row.reason, Reason::from_str)?,
            text: row.text,
            status_before: parse_column(
                T,
                &key,
                "status_before",
                &row.status_before,
                ServiceStatus::from_str,
            )?,
            answer: row.answer,
            opened_by: row.opened_by,
            answered_by: row.answered_by,
            timeline: Timeline {
                opened_at: row.opened_at,
                answered_at: row.answered_at,
                rectified_at: row.rectified_at,
                reopened_at: row.reopened_at,
                closed_at: row.closed_at,
            },
        })
    }
}

/// Inserts a dispute.
pub fn insert(conn: &mut PgConnection, dispute: &Dispute) -> QueryResult<()> {
    diesel::insert_into(occasional_disputes::table)
        .values(dispute.row())
        .execute(conn)
        .map(drop)
}

/// Stores the new state of a dispute.
pub fn update(conn: &mut PgConnection, dispute: &Dispute) -> QueryResult<()> {
    diesel::update(occasional_disputes::table.find(dispute.id))
        .set(dispute.row())
        .execute(conn)
        .map(drop)
}

/// The dispute `id`.
pub fn find(conn: &mut PgConnection, id: uuid::Uuid) -> Result<Option<Dispute>, LoadError> {
    let row = occasional_disputes::table
        .find(id)
        .select(DisputeRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Dispute::try_from).transpose()?)
}

/// The disputes of service `service_id`, oldest first.
pub fn of_service(
    conn: &mut PgConnection,
    service_id: uuid::Uuid,
) -> Result<Vec<Dispute>, LoadError> {
    use occasional_disputes as d;
    d::table
        .filter(d::service_id.eq(service_id))
        .order((d::opened_at.asc(), d::id.asc()))
        .select(DisputeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| Dispute::try_from(row).map_err(LoadError::from))
        .collect()
}
