//! Inquiry topics, inquiries (quesiti) and the files attached to them.

use std::collections::HashMap;
use std::str::FromStr as _;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable};
use inps_domain::employment::EmploymentCode;
use inps_domain::inquiry::{Answer, DeadlineBound, EligibilitySelection, Inquiry, InquiryOutcome};
use inps_domain::tax_code::TaxCode;
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};
use crate::schema::{attachments, inquiries, inquiry_topics};

/// An inquiry topic with its answer deadline.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inquiry_topics)]
pub struct TopicRow {
    /// Code.
    pub code: String,
    /// Italian title.
    pub title_it: String,
    /// English title.
    pub title_en: String,
    /// Days INPS has to answer.
    pub answer_deadline_days: i32,
    /// Increases at every change (the ETag).
    pub version: i32,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// Every topic.
pub fn topics(conn: &mut PgConnection) -> QueryResult<Vec<TopicRow>> {
    inquiry_topics::table
        .order(inquiry_topics::code)
        .select(TopicRow::as_select())
        .load(conn)
}

/// The topic `code`.
pub fn topic(conn: &mut PgConnection, code: &str) -> QueryResult<Option<TopicRow>> {
    inquiry_topics::table
        .find(code)
        .select(TopicRow::as_select())
        .first(conn)
        .optional()
}

/// Sets a topic's answer deadline.
pub fn set_topic_deadline(
    conn: &mut PgConnection,
    code: &str,
    days: i32,
    now: OffsetDateTime,
) -> QueryResult<Option<TopicRow>> {
    diesel::update(inquiry_topics::table.find(code))
        .set((
            inquiry_topics::answer_deadline_days.eq(days),
            inquiry_topics::version.eq(inquiry_topics::version + 1),
            inquiry_topics::updated_at.eq(now),
        ))
        .returning(TopicRow::as_returning())
        .get_result(conn)
        .optional()
}

/// An inquiry.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inquiries)]
pub struct InquiryRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Protocol number.
    pub protocol_number: String,
    /// Codice rapporto.
    pub employment_code: String,
    /// The employer (subject).
    pub employer_tax_code: String,
    /// Topic code.
    pub topic: String,
    /// The question.
    pub text: String,
    /// When it was sent.
    pub sent_at: OffsetDateTime,
    /// Who sent it (the employer or a delegate).
    pub sent_by: String,
    /// The delegation used, if a delegate sent it.
    pub delegation_id: Option<uuid::Uuid>,
    /// `positive` or `negative`, once answered.
    pub outcome: Option<String>,
    /// The answer.
    pub answer_text: Option<String>,
    /// When it was answered.
    pub answered_at: Option<OffsetDateTime>,
    /// Which operator answered.
    pub answered_by: Option<String>,
    /// The day by which INPS should answer, fixed when it was sent.
    pub answer_deadline: time::Date,
}

impl InquiryRow {
    /// The row storing `inquiry`.
    pub fn of(inquiry: &Inquiry<uuid::Uuid>) -> Self {
        let answer = inquiry.answer.as_ref();
        Self {
            id: inquiry.id,
            protocol_number: inquiry.protocol_number.clone(),
            employment_code: inquiry.employment_code.as_str().to_owned(),
            employer_tax_code: inquiry.employer.as_str().to_owned(),
            topic: inquiry.topic.clone(),
            text: inquiry.text.clone(),
            sent_at: inquiry.sent_at,
            sent_by: inquiry.sent_by.clone(),
            delegation_id: inquiry.delegation,
            outcome: answer.map(|a| a.outcome.as_str().to_owned()),
            answer_text: answer.map(|a| a.text.clone()),
            answered_at: answer.map(|a| a.at),
            answered_by: answer.map(|a| a.by.clone()),
            answer_deadline: inquiry.answer_deadline,
        }
    }
}

impl TryFrom<InquiryRow> for Inquiry<uuid::Uuid> {
    type Error = CorruptRow;

    fn try_from(row: InquiryRow) -> Result<Self, CorruptRow> {
        let key = row.id;
        let answer = match (
            row.outcome,
            row.answer_text,
            row.answered_at,
            row.answered_by,
        ) {
            (None, None, None, None) => None,
            (Some(outcome), Some(text), Some(at), Some(by)) => Some(Answer {
                outcome: parse_column(
                    "inquiries",
                    &key,
                    "outcome",
                    &outcome,
                    InquiryOutcome::from_str,
                )?,
                text,
                at,
                by,
            }),
            (outcome, ..) => {
                return Err(CorruptRow {
                    table: "inquiries",
                    key: key.to_string(),
                    column: "outcome",
                    reason: format!("{outcome:?}: the answer columns are partly empty"),
                });
            }
        };
        Ok(Self {
            id: row.id,
            protocol_number: row.protocol_number,
            employment_code: parse_column(
                "inquiries",
                &key,
                "employment_code",
                &row.employment_code,
                EmploymentCode::parse,
            )?,
            employer: parse_column(
                "inquiries",
                &key,
                "employer_tax_code",
                &row.employer_tax_code,
                TaxCode::parse,
            )?,
            topic: row.topic,
            text: row.text,
            sent_at: row.sent_at,
            sent_by: row.sent_by,
            delegation: row.delegation_id,
            answer,
            answer_deadline: row.answer_deadline,
            // The row alone does not say it: [`crate::agenda::mark_on_confirmed`] fills it.
            on_active_appointment: false,
        })
    }
}

/// The next protocol sequence number.
pub fn next_protocol_sequence(conn: &mut PgConnection) -> QueryResult<i64> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('inquiry_protocol_seq')",
    ))
    .get_result(conn)
}

/// Stores an inquiry.
pub fn insert(conn: &mut PgConnection, row: &InquiryRow) -> QueryResult<()> {
    diesel::insert_into(inquiries::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The inquiry `id`.
pub fn find(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Option<InquiryRow>> {
    inquiries::table
        .find(id)
        .select(InquiryRow::as_select())
        .first(conn)
        .optional()
}

/// The inquiry `id`, locked.
pub fn find_for_update(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Option<InquiryRow>> {
    inquiries::table
        .find(id)
        .for_update()
        .select(InquiryRow::as_select())
        .first(conn)
        .optional()
}

/// Records the answer.
pub fn answer(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    outcome: &str,
    text: &str,
    by: &str,
    now: OffsetDateTime,
) -> QueryResult<InquiryRow> {
    diesel::update(inquiries::table.find(id))
        .set((
            inquiries::outcome.eq(Some(outcome)),
            inquiries::answer_text.eq(Some(text)),
            inquiries::answered_at.eq(Some(now)),
            inquiries::answered_by.eq(Some(by)),
        ))
        .returning(InquiryRow::as_returning())
        .get_result(conn)
}

/// A page of an employment's inquiries, newest first, after the keyset `cursor` (sent_at, id),
/// only those `selected` when a selection is given (filtered in the query, before paging).
pub fn of_employment(
    conn: &mut PgConnection,
    code: &str,
    selected: Option<EligibilitySelection>,
    cursor: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
) -> QueryResult<Vec<InquiryRow>> {
    let mut query = inquiries::table
        .filter(inquiries::employment_code.eq(code))
        .into_boxed();
    if let Some(selection) = selected {
        use crate::schema::appointment_inquiries as ai;
        let on_appointment = diesel::dsl::exists(
            ai::table
                .filter(ai::inquiry_id.eq(inquiries::id))
                .filter(ai::confirmed),
        );
        let answered = inquiries::outcome.eq(selection.answered.as_str());
        let unanswered = inquiries::outcome.is_null();
        let by_answer: Box<
            dyn BoxableExpression<inquiries::table, diesel::pg::Pg, SqlType = Nullable<Bool>>,
        > = match selection.unanswered_deadline {
            DeadlineBound::Before(day) => {
                Box::new(answered.or(unanswered.and(inquiries::answer_deadline.lt(day))))
            }
            DeadlineBound::OnOrAfter(day) => {
                Box::new(answered.or(unanswered.and(inquiries::answer_deadline.ge(day))))
            }
        };
        query = if selection.on_active_appointment {
            query.filter(on_appointment.or(by_answer))
        } else {
            query.filter(diesel::dsl::not(on_appointment).and(by_answer))
        };
    }
    if let Some((at, id)) = cursor {
        query = query.filter(
            inquiries::sent_at
                .lt(at)
                .or(inquiries::sent_at.eq(at).and(inquiries::id.lt(id))),
        );
    }
    query
        .order((inquiries::sent_at.desc(), inquiries::id.desc()))
        .limit(limit)
        .select(InquiryRow::as_select())
        .load(conn)
}

/// A stored file's metadata.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentMeta {
    /// Identifier.
    pub id: uuid::Uuid,
    /// File name as given (last path component).
    pub file_name: String,
    /// Media type recognised from the bytes.
    pub media_type: String,
    /// Size.
    pub size_bytes: i32,
    /// SHA-256 of the content.
    pub sha256: Vec<u8>,
    /// When it was stored.
    pub created_at: OffsetDateTime,
}

/// A file to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment<'a> {
    /// Identifier.
    pub id: uuid::Uuid,
    /// `inquiry`, `appointment`, `message`.
    pub owner_kind: &'a str,
    /// The owner's id.
    pub owner_id: uuid::Uuid,
    /// File name.
    pub file_name: &'a str,
    /// Media type.
    pub media_type: &'a str,
    /// Size.
    pub size_bytes: i32,
    /// SHA-256.
    pub sha256: &'a [u8],
    /// Content.
    pub content: &'a [u8],
    /// When.
    pub created_at: OffsetDateTime,
}

/// Stores a file after its owner's other files: its position is one past the highest the owner
/// has, so files keep the order they were stored in even when they share `created_at`. The
/// caller holds the owner (a row it locked or created in this transaction); two concurrent
/// inserts for one owner would meet the unique `(owner_kind, owner_id, position)` index.
pub fn insert_attachment(conn: &mut PgConnection, row: &NewAttachment<'_>) -> QueryResult<()> {
    let last: Option<i32> = attachments::table
        .filter(attachments::owner_kind.eq(row.owner_kind))
        .filter(attachments::owner_id.eq(row.owner_id))
        .select(diesel::dsl::max(attachments::position))
        .first(conn)?;
    diesel::insert_into(attachments::table)
        .values((row, attachments::position.eq(last.unwrap_or(0) + 1)))
        .execute(conn)
        .map(drop)
}

/// The files of an owner, in the order they were stored.
pub fn attachments_of(
    conn: &mut PgConnection,
    owner_kind: &str,
    owner_id: uuid::Uuid,
) -> QueryResult<Vec<AttachmentMeta>> {
    attachments::table
        .filter(attachments::owner_kind.eq(owner_kind))
        .filter(attachments::owner_id.eq(owner_id))
        .order(attachments::position)
        .select(AttachmentMeta::as_select())
        .load(conn)
}

/// The files of several owners of one kind in one query, by owner, each in the order stored.
pub fn attachments_of_owners(
    conn: &mut PgConnection,
    owner_kind: &str,
    owner_ids: &[uuid::Uuid],
) -> QueryResult<HashMap<uuid::Uuid, Vec<AttachmentMeta>>> {
    let rows: Vec<(uuid::Uuid, AttachmentMeta)> = attachments::table
        .filter(attachments::owner_kind.eq(owner_kind))
        .filter(attachments::owner_id.eq_any(owner_ids))
        .order((attachments::owner_id, attachments::position))
        .select((attachments::owner_id, AttachmentMeta::as_select()))
        .load(conn)?;
    let mut by_owner: HashMap<uuid::Uuid, Vec<AttachmentMeta>> = HashMap::new();
    for (owner, meta) in rows {
        by_owner.entry(owner).or_default().push(meta);
    }
    Ok(by_owner)
}

/// The content of one file of an owner.
pub fn attachment_content(
    conn: &mut PgConnection,
    owner_kind: &str,
    owner_id: uuid::Uuid,
    id: uuid::Uuid,
) -> QueryResult<Option<(AttachmentMeta, Vec<u8>)>> {
    attachments::table
        .filter(attachments::owner_kind.eq(owner_kind))
        .filter(attachments::owner_id.eq(owner_id))
        .filter(attachments::id.eq(id))
        .select((AttachmentMeta::as_select(), attachments::content))
        .first(conn)
        .optional()
}
