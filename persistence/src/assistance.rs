//! Assistance: manual versions (their bytes are attachments of owner `manual`), FAQ entries and
//! their full-text search, support tickets and their threads.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, Float4, Nullable, Text, Uuid as SqlUuid};
use time::OffsetDateTime;

use crate::schema::{faq_entries, manuals, support_ticket_messages, support_tickets};

/// A published manual version.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName, Insertable)]
#[diesel(table_name = manuals)]
pub struct ManualRow {
    /// Identifier of this version.
    pub id: uuid::Uuid,
    /// `public` or a role.
    pub profile: String,
    /// The service, or none for both.
    pub service: Option<String>,
    /// Version number, from 1.
    pub version: i32,
    /// Title.
    pub title: String,
    /// `pdf` or `markdown`.
    pub format: String,
    /// When it was published.
    pub published_at: OffsetDateTime,
    /// Who published it (none: seeded).
    pub published_by: Option<String>,
}

/// The current (newest) version of each manual of `profiles`, narrowed to `service` (its own
/// manuals and those covering both services) when given, by profile and service.
pub fn current_manuals(
    conn: &mut PgConnection,
    profiles: &[&str],
    service: Option<&str>,
) -> QueryResult<Vec<ManualRow>> {
    diesel::sql_query(
        "SELECT m.* FROM manuals m
         WHERE m.profile = ANY($1)
           AND ($2::text IS NULL OR m.service IS NULL OR m.service = $2)
           AND NOT EXISTS (SELECT 1 FROM manuals n
                           WHERE n.profile = m.profile
                             AND n.service IS NOT DISTINCT FROM m.service
                             AND n.version > m.version)
         ORDER BY m.profile, m.service NULLS FIRST",
    )
    .bind::<Array<Text>, _>(profiles)
    .bind::<Nullable<Text>, _>(service)
    .load(conn)
}

/// Manual version `id`.
pub fn manual(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Option<ManualRow>> {
    manuals::table
        .find(id)
        .select(ManualRow::as_select())
        .first(conn)
        .optional()
}

/// The number the next version of the manual of `profile` and `service` gets.
pub fn next_manual_version(
    conn: &mut PgConnection,
    profile: &str,
    service: Option<&str>,
) -> QueryResult<i32> {
    let newest: Option<i32> = manuals::table
        .filter(manuals::profile.eq(profile))
        .filter(manuals::service.is_not_distinct_from(service))
        .select(diesel::dsl::max(manuals::version))
        .first(conn)?;
    Ok(newest.unwrap_or(0) + 1)
}

/// Stores a manual version (its content is stored as an attachment by the caller).
pub fn insert_manual(conn: &mut PgConnection, row: &ManualRow) -> QueryResult<()> {
    diesel::insert_into(manuals::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A FAQ entry.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = faq_entries, treat_none_as_null = true)]
pub struct FaqRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The service, or none for both.
    pub service: Option<String>,
    /// Topic.
    pub topic: String,
    /// Question, Italian.
    pub question_it: String,
    /// Answer, Italian.
    pub answer_it: String,
    /// Question, English.
    pub question_en: String,
    /// Answer, English.
    pub answer_en: String,
    /// Version, from 1.
    pub version: i32,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Who changed it last (none: seeded).
    pub updated_by: Option<String>,
}

/// A FAQ entry found by a search, with its rank and highlighted snippets.
#[derive(Debug, Clone, QueryableByName)]
pub struct FaqHit {
    /// The entry.
    #[diesel(embed)]
    pub entry: FaqRow,
    /// `ts_rank` of the entry for the query (0 without a query).
    #[diesel(sql_type = Float4)]
    pub rank: f32,
    /// The Italian answer's best fragments, matches between `**` (none without a query).
    #[diesel(sql_type = Nullable<Text>)]
    pub snippet_it: Option<String>,
    /// The English answer's best fragments, matches between `**`.
    #[diesel(sql_type = Nullable<Text>)]
    pub snippet_en: Option<String>,
}

/// What a FAQ search asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaqSearch<'a> {
    /// Words to search (web-search syntax), in Italian or English; none lists every entry.
    pub q: Option<&'a str>,
    /// Only this service's entries (and those covering both).
    pub service: Option<&'a str>,
    /// Only this topic.
    pub topic: Option<&'a str>,
    /// After this (rank, id) of the previous page.
    pub after: Option<(f32, uuid::Uuid)>,
    /// At most this many.
    pub limit: i64,
}

/// FAQ entries matching `search`, best first (`ts_rank` over the Italian and English vectors,
/// then id), with `ts_headline` snippets; filtered and ranked in the query, before paging.
pub fn search_faq(conn: &mut PgConnection, search: &FaqSearch<'_>) -> QueryResult<Vec<FaqHit>> {
    diesel::sql_query(
        "WITH q AS (SELECT websearch_to_tsquery('italian', coalesce($1, '')) AS it,
                           websearch_to_tsquery('english', coalesce($1, '')) AS en),
         hits AS (
           SELECT f.id, f.service, f.topic, f.question_it, f.answer_it, f.question_en,
                  f.answer_en, f.version, f.updated_at, f.updated_by,
                  CASE WHEN $1 IS NULL THEN 0::real ELSE ts_rank(f.search, q.it || q.en) END AS rank,
                  CASE WHEN $1 IS NULL THEN NULL ELSE ts_headline('italian', f.answer_it, q.it,
                       'StartSel=**, StopSel=**, MaxFragments=2, MaxWords=30, MinWords=10') END AS snippet_it,
                  CASE WHEN $1 IS NULL THEN NULL ELSE ts_headline('english', f.answer_en, q.en,
                       'StartSel=**, StopSel=**, MaxFragments=2, MaxWords=30, MinWords=10') END AS snippet_en
           FROM faq_entries f, q
           WHERE ($1 IS NULL OR f.search @@ (q.it || q.en))
             AND ($2::text IS NULL OR f.service IS NULL OR f.service = $2)
             AND ($3::text IS NULL OR f.topic = $3))
         SELECT * FROM hits
         WHERE $4::real IS NULL OR rank < $4 OR (rank = $4 AND id > $5)
         ORDER BY rank DESC, id
         LIMIT $6",
    )
    .bind::<Nullable<Text>, _>(search.q)
    .bind::<Nullable<Text>, _>(search.service)
    .bind::<Nullable<Text>, _>(search.topic)
    .bind::<Nullable<Float4>, _>(search.after.map(|(rank, _)| rank))
    .bind::<Nullable<SqlUuid>, _>(search.after.map(|(_, id)| id))
    .bind::<diesel::sql_types::BigInt, _>(search.limit)
    .load(conn)
}

/// FAQ entry `id`, locked for a change.
pub fn faq_for_update(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Option<FaqRow>> {
    faq_entries::table
        .find(id)
        .for_update()
        .select(FaqRow::as_select())
        .first(conn)
        .optional()
}

/// Stores a new FAQ entry.
pub fn insert_faq(conn: &mut PgConnection, row: &FaqRow) -> QueryResult<()> {
    diesel::insert_into(faq_entries::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Replaces FAQ entry `row.id`.
pub fn update_faq(conn: &mut PgConnection, row: &FaqRow) -> QueryResult<()> {
    diesel::update(faq_entries::table.find(row.id))
        .set(row)
        .execute(conn)
        .map(drop)
}

/// A support ticket as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = support_tickets)]
pub struct TicketRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Who asked.
    pub requester: String,
    /// `domestic_work` or `occasional_work`.
    pub service: String,
    /// Category (sets the service level).
    pub category: String,
    /// Subject line.
    pub subject: String,
    /// The request.
    pub text: String,
    /// A path under `/v1` the request is about.
    pub related_resource: Option<String>,
    /// `open`, `taken`, `closed`.
    pub state: String,
    /// When it was opened.
    pub created_at: OffsetDateTime,
    /// The operator who took it.
    pub taken_by: Option<String>,
    /// When it was taken.
    pub taken_at: Option<OffsetDateTime>,
    /// The operator who closed it.
    pub closed_by: Option<String>,
    /// When it was closed.
    pub closed_at: Option<OffsetDateTime>,
}

/// Stores a new ticket.
pub fn insert_ticket(conn: &mut PgConnection, row: &TicketRow) -> QueryResult<()> {
    diesel::insert_into(support_tickets::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Ticket `id`; with `lock`, locked for a change.
pub fn ticket(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> QueryResult<Option<TicketRow>> {
    let query = support_tickets::table
        .find(id)
        .select(TicketRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// What a ticket listing asks.
#[derive(Debug, Clone, Copy)]
pub struct TicketQuery<'a> {
    /// Only this requester's tickets (none: every ticket, for operators).
    pub requester: Option<&'a str>,
    /// Only tickets in this state.
    pub state: Option<&'a str>,
    /// Only tickets of these services (none: of every service).
    pub services: Option<&'a [&'a str]>,
    /// After this (created_at, id) of the previous page.
    pub after: Option<(OffsetDateTime, uuid::Uuid)>,
    /// At most this many.
    pub limit: i64,
}

/// Tickets, newest first, filtered in the query before paging.
pub fn tickets(conn: &mut PgConnection, q: &TicketQuery<'_>) -> QueryResult<Vec<TicketRow>> {
    use support_tickets::dsl as t;
    let mut query = t::support_tickets.into_boxed();
    if let Some(requester) = q.requester {
        query = query.filter(t::requester.eq(requester));
    }
    if let Some(state) = q.state {
        query = query.filter(t::state.eq(state));
    }
    if let Some(services) = q.services {
        query = query.filter(t::service.eq_any(services));
    }
    if let Some((at, id)) = q.after {
        query = query.filter(
            t::created_at
                .lt(at)
                .or(t::created_at.eq(at).and(t::id.lt(id))),
        );
    }
    query
        .order((t::created_at.desc(), t::id.desc()))
        .limit(q.limit)
        .select(TicketRow::as_select())
        .load(conn)
}

/// How many open tickets of its category are ahead of one (older, or as old with a smaller id).
#[derive(Debug, QueryableByName)]
struct Ahead {
    #[diesel(sql_type = SqlUuid)]
    id: uuid::Uuid,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    ahead: i64,
}

/// For each open ticket among `ids`, the open tickets of its category ahead of it: the queue
/// its estimate counts (one query for a whole page).
pub fn open_ahead(
    conn: &mut PgConnection,
    ids: &[uuid::Uuid],
) -> QueryResult<HashMap<uuid::Uuid, i64>> {
    let rows: Vec<Ahead> = diesel::sql_query(
        "SELECT t.id, (SELECT count(*) FROM support_tickets o
                       WHERE o.state = 'open' AND o.category = t.category
                         AND (o.created_at, o.id) < (t.created_at, t.id)) AS ahead
         FROM support_tickets t
         WHERE t.id = ANY($1) AND t.state = 'open'",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.ahead)).collect())
}

/// An office change of a ticket (fields left `None` are not touched).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = support_tickets)]
struct OfficeChange<'a> {
    state: &'a str,
    taken_by: Option<&'a str>,
    taken_at: Option<OffsetDateTime>,
    closed_by: Option<&'a str>,
    closed_at: Option<OffsetDateTime>,
}

/// Records that `operator` took (`closing` false) or closed ticket `id` at `now`.
pub fn record_office_change(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    closing: bool,
    operator: &str,
    now: OffsetDateTime,
) -> QueryResult<TicketRow> {
    let (by, at) = (Some(operator), Some(now));
    let change = if closing {
        OfficeChange {
            state: "closed",
            taken_by: None,
            taken_at: None,
            closed_by: by,
            closed_at: at,
        }
    } else {
        OfficeChange {
            state: "taken",
            taken_by: by,
            taken_at: at,
            closed_by: None,
            closed_at: None,
        }
    };
    diesel::update(support_tickets::table.find(id))
        .set(&change)
        .returning(TicketRow::as_returning())
        .get_result(conn)
}

/// A message of a ticket's thread.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = support_ticket_messages)]
pub struct TicketMessageRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The ticket.
    pub ticket_id: uuid::Uuid,
    /// Who wrote it.
    pub author: String,
    /// Whether an operator wrote it (the office's answer).
    pub by_office: bool,
    /// The text.
    pub text: String,
    /// When.
    pub sent_at: OffsetDateTime,
}

/// Stores a message.
pub fn insert_message(conn: &mut PgConnection, row: &TicketMessageRow) -> QueryResult<()> {
    diesel::insert_into(support_ticket_messages::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The thread of ticket `id`, oldest first.
pub fn messages(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<TicketMessageRow>> {
    support_ticket_messages::table
        .filter(support_ticket_messages::ticket_id.eq(id))
        .order((
            support_ticket_messages::sent_at,
            support_ticket_messages::id,
        ))
        .select(TicketMessageRow::as_select())
        .load(conn)
}
