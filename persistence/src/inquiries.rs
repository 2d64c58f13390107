//! Inquiry topics, inquiries (quesiti) and the files attached to them.

use diesel::prelude::*;
use time::OffsetDateTime;

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

/// A page of an employment's inquiries, newest first, after the keyset `cursor` (sent_at, id).
pub fn of_employment(
    conn: &mut PgConnection,
    code: &str,
    cursor: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
) -> QueryResult<Vec<InquiryRow>> {
    let mut query = inquiries::table
        .filter(inquiries::employment_code.eq(code))
        .into_boxed();
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

/// Stores a file.
pub fn insert_attachment(conn: &mut PgConnection, row: &NewAttachment<'_>) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The files of an owner, oldest first.
pub fn attachments_of(
    conn: &mut PgConnection,
    owner_kind: &str,
    owner_id: uuid::Uuid,
) -> QueryResult<Vec<AttachmentMeta>> {
    attachments::table
        .filter(attachments::owner_kind.eq(owner_kind))
        .filter(attachments::owner_id.eq(owner_id))
        .order((attachments::created_at, attachments::id))
        .select(AttachmentMeta::as_select())
        .load(conn)
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
