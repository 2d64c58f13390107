//! Inquiries (quesiti, comunicazione bidirezionale): topics with their answer deadline, sending
//! an inquiry about an employment with up to 3 attachments, reading them, and the office's
//! answer. Eligibility for an appointment is `inps_domain::inquiry::eligibility`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use diesel::PgConnection;
use inps_domain::delegation::Scope as DScope;
use inps_domain::inquiry::{self as rules, Eligibility, InquiryFacts, InquiryOutcome as DOutcome};
use inps_domain::rome_time::rome_date;
use inps_persistence::employers::EmploymentRow;
use inps_persistence::inquiries::{
    self as repo, AttachmentMeta, InquiryRow, NewAttachment, TopicRow,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::{Actor, Caller, Operator};
use crate::cassetto::employments::visible_employment;
use crate::db;
use crate::error::{ApiError, Problem, Text};
use crate::etag::{IfMatch, etag};
use crate::extract::{IdempotencyKey, PageQuery, ValidatedJson, page_of};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::upload::{FormRules, UploadedFile, read_form};
use crate::wire::{InquiryOutcome, InquiryState};

/// Longest inquiry or answer text.
pub const MAX_TEXT_CHARS: usize = 4000;

/// An inquiry topic.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "contributions", "title_it": "Contributi versati ma non presenti nell'estratto conto", "title_en": "Contributions paid but missing from the statement", "answer_deadline_days": 30}))]
pub struct Topic {
    /// Code.
    #[schema(max_length = 32, example = "contributions")]
    pub code: String,
    /// Title, in Italian.
    #[schema(max_length = 200)]
    pub title_it: String,
    /// Title, in English.
    #[schema(max_length = 200)]
    pub title_en: String,
    /// Days INPS has to answer; after them an unanswered inquiry may go to an appointment.
    #[schema(format = Int32, minimum = 1, maximum = 365)]
    pub answer_deadline_days: i32,
}

/// The topics.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {"code": "mav", "title_it": "MAV: non ricevuto, errato o non stampabile", "title_en": "Payment notice (MAV) not received, wrong or not printable", "answer_deadline_days": 30},
        {"code": "registry_data", "title_it": "Anagrafiche: dati non aggiornati o variazioni", "title_en": "Personal data out of date or changes", "answer_deadline_days": 30},
        {"code": "contributions", "title_it": "Contributi versati ma non presenti nell'estratto conto", "title_en": "Contributions paid but missing from the statement", "answer_deadline_days": 30},
        {"code": "employment_status", "title_it": "Rapporti di lavoro: sospesi o in attesa di definizione", "title_en": "Employment suspended or awaiting definition", "answer_deadline_days": 30},
        {"code": "notices", "title_it": "Avviso bonario / accertamento: informazioni o variazioni", "title_en": "Demand notice or assessment: information or changes", "answer_deadline_days": 30}
    ],
    "next_cursor": null
}))]
pub struct TopicList {
    /// Every topic.
    pub items: Vec<Topic>,
    /// Always null: the topics are few and fit one page.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

fn topic_view(t: TopicRow) -> Topic {
    Topic {
        code: t.code,
        title_it: t.title_it,
        title_en: t.title_en,
        answer_deadline_days: t.answer_deadline_days,
    }
}

/// List inquiry topics
///
/// The topics an inquiry can be about, with their answer deadline in days.
#[utoipa::path(tag = "inquiries", operation_id = "list_inquiry_topics",
    responses((status = 200, description = "The topics.", body = TopicList)),
    security(("bearer" = [])))]
#[get("/inquiry-topics")]
pub async fn list_inquiry_topics(
    state: web::Data<AppState>,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let items = db::with_conn(&state, |conn| Ok(repo::topics(conn)?)).await?;
    Ok(HttpResponse::Ok().json(TopicList {
        items: items.into_iter().map(topic_view).collect(),
        next_cursor: None,
    }))
}

/// A topic's new answer deadline.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer_deadline_days": 45}))]
pub struct TopicDeadline {
    /// Days INPS has to answer.
    #[validate(range(min = 1, max = 365))]
    #[schema(format = Int32, minimum = 1, maximum = 365)]
    pub answer_deadline_days: i32,
}

/// Change a topic's answer deadline
///
/// Operators only. Optional `If-Match` with the topic's ETag.
#[utoipa::path(tag = "inquiries", operation_id = "change_inquiry_topic",
    request_body = TopicDeadline,
    params(("code" = String, Path, description = "Topic code.", max_length = 32),
           ("If-Match" = Option<String>, Header, description = "ETag read before.", max_length = 256)),
    responses((status = 200, description = "The topic.", body = Topic),
              (status = 412, description = "Stale `If-Match`."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[put("/inquiry-topics/{code}")]
pub async fn change_inquiry_topic(
    req: HttpRequest,
    state: web::Data<AppState>,
    Operator(caller): Operator,
    path: web::Path<String>,
    body: ValidatedJson<TopicDeadline>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req)?;
    let code = path.into_inner();
    let now = state.clock.now();
    let days = body.value.answer_deadline_days;
    let topic = db::transaction(&state, move |conn| {
        let current = repo::topic(conn, &code)?.ok_or_else(ApiError::not_found)?;
        if let Some(m) = if_match {
            m.check(current.version)?;
        }
        let updated =
            repo::set_topic_deadline(conn, &code, days, now)?.ok_or_else(ApiError::not_found)?;
        inps_persistence::audit::append(
            conn,
            caller.audit(
                "inquiry_topic.change",
                &format!("/v1/inquiry-topics/{code}"),
                None,
            ),
            now,
        )?;
        Ok(updated)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(topic.version)))
        .json(topic_view(topic)))
}

/// An attachment's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attachment {
    /// Identifier.
    pub id: uuid::Uuid,
    /// File name.
    #[schema(max_length = 255)]
    pub file_name: String,
    /// Media type, recognised from the content.
    #[schema(max_length = 32, example = "application/pdf")]
    pub media_type: String,
    /// Size in bytes.
    #[schema(format = Int32, minimum = 1)]
    pub size_bytes: i32,
    /// SHA-256 of the content (hex).
    #[schema(max_length = 64)]
    pub sha256: String,
}

fn attachment_view(a: AttachmentMeta) -> Attachment {
    Attachment {
        id: a.id,
        file_name: a.file_name,
        media_type: a.media_type,
        size_bytes: a.size_bytes,
        sha256: hex::encode(a.sha256),
    }
}

/// An inquiry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35", "protocol_number": "INPS.DL.2026.0000001",
    "employment_code": "1000000016", "topic": "contributions",
    "text": "Ho pagato il 4° trimestre 2025 (396,50 euro) in due versamenti, ma nell'estratto conto risulta solo il primo da 200,00 euro. Allego la ricevuta del secondo.",
    "sent_at": "2026-03-02T09:00:00Z", "sent_by": "RSSMRA85T10A562S", "answer_deadline": "2026-04-01",
    "state": "answered_negative", "outcome": "negative",
    "answer_text": "Il versamento non risulta: presentare la ricevuta allo sportello.",
    "answered_at": "2026-03-16T11:20:00Z", "eligible_for_appointment": true, "eligibility_reason": "negative_answer",
    "attachments": [{
        "id": "c41d8e2a-7f3b-4a96-b5e0-2d9c6f1a8b73", "file_name": "ricevuta-pagopa-2025-Q4.pdf",
        "media_type": "application/pdf", "size_bytes": 184320,
        "sha256": "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"
    }]
}))]
pub struct Inquiry {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Protocol number (unique).
    #[schema(max_length = 32, example = "INPS.DL.2026.0000001")]
    pub protocol_number: String,
    /// Codice rapporto.
    #[schema(max_length = 10)]
    pub employment_code: String,
    /// Topic code.
    #[schema(max_length = 32)]
    pub topic: String,
    /// The question.
    #[schema(max_length = 4000)]
    pub text: String,
    /// When it was sent.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    /// Who sent it (the employer or a delegate).
    #[schema(max_length = 16)]
    pub sent_by: String,
    /// The day by which INPS should answer.
    #[serde(with = "crate::wire::iso_date")]
    pub answer_deadline: Date,
    /// Where it stands.
    pub state: InquiryState,
    /// The answer's outcome.
    pub outcome: Option<InquiryOutcome>,
    /// The answer.
    #[schema(max_length = 4000)]
    pub answer_text: Option<String>,
    /// When it was answered.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// Whether it may be brought to an appointment now (negative answer, or none in time).
    pub eligible_for_appointment: bool,
    /// Why (or why not): `negative_answer`, `no_answer_in_time`, `positive_answer`,
    /// `awaiting_answer`, `already_on_appointment`.
    #[schema(max_length = 32)]
    pub eligibility_reason: String,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

fn facts(row: &InquiryRow) -> Result<InquiryFacts, ApiError> {
    let answer = match (&row.outcome, row.answered_at) {
        (Some(outcome), Some(at)) => {
            Some((outcome.parse::<DOutcome>().map_err(ApiError::internal)?, at))
        }
        _ => None,
    };
    Ok(InquiryFacts {
        sent_at: row.sent_at,
        answer,
        // Appointments (the agenda) do not exist yet: no inquiry is on one.
        on_active_appointment: false,
    })
}

fn reason(e: &Eligibility) -> &'static str {
    use rules::{EligibleBecause as E, NotEligibleBecause as N};
    match e {
        Eligibility::Eligible(E::NegativeAnswer) => "negative_answer",
        Eligibility::Eligible(E::NoAnswerInTime) => "no_answer_in_time",
        Eligibility::NotEligible(N::PositiveAnswer) => "positive_answer",
        Eligibility::NotEligible(N::AwaitingAnswer { .. }) => "awaiting_answer",
        Eligibility::NotEligible(N::AlreadyOnAppointment) => "already_on_appointment",
    }
}

/// The view of an inquiry at `now`.
pub fn inquiry_view(
    conn: &mut PgConnection,
    row: InquiryRow,
    now: OffsetDateTime,
) -> Result<Inquiry, ApiError> {
    let facts = facts(&row)?;
    let eligibility = rules::eligibility_by(&facts, row.answer_deadline, now);
    let attachments = repo::attachments_of(conn, "inquiry", row.id)?;
    Ok(Inquiry {
        answer_deadline: row.answer_deadline,
        state: rules::state(&facts).into(),
        outcome: facts.answer.map(|(o, _)| o.into()),
        eligible_for_appointment: eligibility.is_eligible(),
        eligibility_reason: reason(&eligibility).to_owned(),
        attachments: attachments.into_iter().map(attachment_view).collect(),
        id: row.id,
        protocol_number: row.protocol_number,
        employment_code: row.employment_code,
        topic: row.topic,
        text: row.text,
        sent_at: row.sent_at,
        sent_by: row.sent_by,
        answer_text: row.answer_text,
        answered_at: row.answered_at,
    })
}

fn clean_text(field: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS || text.contains('\0') {
        return Err(ApiError::invalid_field(
            field,
            Text::new(
                "testo obbligatorio, al massimo 4000 caratteri",
                "required text, at most 4000 characters",
            ),
        ));
    }
    Ok(text.to_owned())
}

/// Sends an inquiry about `employment` (the use case behind the endpoint and the demo data):
/// allocates the protocol number, stores the attachments, audits the write.
#[expect(
    clippy::too_many_arguments,
    reason = "the facts of one inquiry, named at the call site"
)]
pub fn send_inquiry(
    conn: &mut PgConnection,
    actor: &Actor,
    delegation_id: Option<uuid::Uuid>,
    employment: &EmploymentRow,
    topic: &str,
    text: &str,
    files: &[UploadedFile],
    now: OffsetDateTime,
) -> Result<InquiryRow, ApiError> {
    let Some(topic_row) = repo::topic(conn, topic)? else {
        return Err(ApiError::invalid_field(
            "topic",
            Text::new("argomento sconosciuto", "unknown topic"),
        ));
    };
    let days = u32::try_from(topic_row.answer_deadline_days).map_err(ApiError::internal)?;
    let text = clean_text("text", text)?;
    let sequence =
        u64::try_from(repo::next_protocol_sequence(conn)?).map_err(ApiError::internal)?;
    let row = InquiryRow {
        id: uuid::Uuid::new_v4(),
        protocol_number: rules::protocol_number(rome_date(now).year(), sequence),
        employment_code: employment.code.clone(),
        employer_tax_code: employment.employer_tax_code.clone(),
        topic: topic.to_owned(),
        text,
        sent_at: now,
        sent_by: actor.tax_code.clone().unwrap_or_else(|| "cli".to_owned()),
        delegation_id,
        outcome: None,
        answer_text: None,
        answered_at: None,
        answered_by: None,
        answer_deadline: rules::answer_deadline(now, days),
    };
    repo::insert(conn, &row)?;
    for file in files {
        repo::insert_attachment(
            conn,
            &NewAttachment {
                id: uuid::Uuid::new_v4(),
                owner_kind: "inquiry",
                owner_id: row.id,
                file_name: &file.file_name,
                media_type: file.kind.media_type(),
                size_bytes: i32::try_from(file.bytes.len()).map_err(ApiError::internal)?,
                sha256: &file.sha256,
                content: &file.bytes,
                created_at: now,
            },
        )?;
    }
    let mut event = actor.audit(
        "inquiry.create",
        &format!("/v1/inquiries/{}", row.id),
        Some(&employment.employer_tax_code),
    );
    event.delegation_id = delegation_id;
    inps_persistence::audit::append(conn, event, now)?;
    Ok(row)
}

/// The multipart form of a new inquiry (no other fields are accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[expect(
    dead_code,
    reason = "documents the multipart form; the body is read by upload::read_form"
)]
#[schema(example = json!({
    "topic": "contributions",
    "text": "Ho pagato il 4° trimestre 2025 (396,50 euro) in due versamenti, ma nell'estratto conto risulta solo il primo da 200,00 euro. Allego la ricevuta del secondo."
}))]
pub struct NewInquiryForm {
    /// Topic code (see `GET /v1/inquiry-topics`).
    #[schema(max_length = 32, example = "contributions")]
    topic: String,
    /// The question (1 to 4000 characters).
    #[schema(min_length = 1, max_length = 4000)]
    text: String,
    /// Up to 3 files, PDF, JPEG, PNG or TIFF (recognised from their content), 3 MiB in total.
    #[serde(default)]
    #[schema(value_type = Vec<String>, format = Binary, max_items = 3)]
    attachments: Vec<Vec<u8>>,
}

/// Send an inquiry
///
/// A quesito about one employment, with up to 3 attachments (PDF, JPEG, PNG or TIFF recognised
/// from their bytes, 3 MiB in total: 415 for another type, 413 beyond the total, refused before
/// the whole body is read). Sent by the employer or by a delegate with the `inquiries` scope;
/// it gets a unique protocol number. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "inquiries", operation_id = "send_inquiry",
    request_body(content = NewInquiryForm, content_type = "multipart/form-data"),
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and form replay the first answer.", max_length = 128)),
    responses((status = 201, description = "Sent.", body = Inquiry),
              (status = 413, description = "Attachments over 3 MiB in total."),
              (status = 415, description = "Not multipart, or an attachment that is not PDF, JPEG, PNG or TIFF.")),
    security(("bearer" = [])))]
#[post("/employments/{employment_code}/inquiries")]
pub async fn send_inquiry_endpoint(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if caller.has(inps_domain::identity::Role::Operator) {
        return Err(ApiError::new(Problem::Forbidden).with_detail(
            "Gli operatori rispondono ai quesiti, non li inviano.",
            "Operators answer inquiries; they do not send them.",
        ));
    }
    let code = path.into_inner();
    let form = read_form(
        &req,
        payload,
        FormRules {
            text_fields: &["topic", "text"],
            file_field: "attachments",
            existing_files: 0,
            existing_bytes: 0,
        },
    )
    .await?;
    let fingerprint = form.fingerprint();
    let now = state.clock.now();
    idempotency::create(
        &state,
        caller.tax_code.as_str().to_owned(),
        key.0,
        fingerprint,
        move |conn| {
            let resource = format!("/v1/employments/{code}/inquiries");
            let (employment, access) = visible_employment(
                conn,
                &caller,
                &code,
                DScope::Inquiries,
                now,
                "inquiry.create",
                &resource,
            )?;
            let topic = form.fields.get("topic").map(String::as_str).unwrap_or("");
            let text = form.fields.get("text").map(String::as_str).unwrap_or("");
            let delegation = access
                .delegation_id()
                .and_then(|id| uuid::Uuid::parse_str(id).ok());
            let row = send_inquiry(
                conn,
                &caller.actor(),
                delegation,
                &employment,
                topic,
                text,
                &form.files,
                now,
            )?;
            let location = format!("/v1/inquiries/{}", row.id);
            Ok(Created {
                body: inquiry_view(conn, row, now)?,
                location,
            })
        },
    )
    .await
}

/// Filters of the inquiry list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InquiryQuery {
    /// Only inquiries that may (true) or may not (false) be brought to an appointment now.
    pub eligible_for_appointment: Option<bool>,
}

/// A list of inquiries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
    "id": "9b2e4f71-5c3a-4d8e-a1f6-7e0c2b9d4a35", "protocol_number": "INPS.DL.2026.0000001",
    "employment_code": "1000000016", "topic": "contributions",
    "text": "Ho pagato il 4° trimestre 2025 (396,50 euro) in due versamenti, ma nell'estratto conto risulta solo il primo da 200,00 euro. Allego la ricevuta del secondo.",
    "sent_at": "2026-03-02T09:00:00Z", "sent_by": "RSSMRA85T10A562S", "answer_deadline": "2026-04-01",
    "state": "answered_negative", "outcome": "negative",
    "answer_text": "Il versamento non risulta: presentare la ricevuta allo sportello.",
    "answered_at": "2026-03-16T11:20:00Z", "eligible_for_appointment": true, "eligibility_reason": "negative_answer",
    "attachments": [{
        "id": "c41d8e2a-7f3b-4a96-b5e0-2d9c6f1a8b73", "file_name": "ricevuta-pagopa-2025-Q4.pdf",
        "media_type": "application/pdf", "size_bytes": 184320,
        "sha256": "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"
    }]
}],
    "next_cursor": null
}))]
pub struct InquiryList {
    /// Inquiries, newest first.
    pub items: Vec<Inquiry>,
    /// Cursor of the next page, or null on the last.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

/// List an employment's inquiries
///
/// Newest first, with their answers and eligibility for an appointment
/// (`?eligible_for_appointment=true`: a negative answer, or none after the deadline). Keyset
/// pages of `limit` inquiries; with the eligibility filter a page may hold fewer, and
/// `next_cursor` still leads to the rest.
#[utoipa::path(tag = "inquiries", operation_id = "list_inquiries",
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10), InquiryQuery, PageQuery),
    responses((status = 200, description = "The inquiries.", body = InquiryList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employments/{employment_code}/inquiries")]
pub async fn list_inquiries(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<InquiryQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = path.into_inner();
    let limit = page.limit()?;
    let cursor = page.cursor()?.map(|c| parse_cursor(&c)).transpose()?;
    let now = state.clock.now();
    let filter = query.eligible_for_appointment;
    let (items, next_cursor) = db::transaction(&state, move |conn| {
        let resource = format!("/v1/employments/{code}/inquiries");
        let (employment, _) = visible_employment(
            conn,
            &caller,
            &code,
            DScope::Read,
            now,
            "inquiries.read",
            &resource,
        )?;
        let rows = repo::of_employment(conn, &employment.code, cursor, limit + 1)?;
        let (rows, next_cursor) = page_of(rows, limit, |r| {
            format!("{}/{}", r.sent_at.unix_timestamp_nanos(), r.id)
        });
        let mut items = Vec::new();
        for row in rows {
            let view = inquiry_view(conn, row, now)?;
            if filter.is_none_or(|wanted| view.eligible_for_appointment == wanted) {
                items.push(view);
            }
        }
        Ok((items, next_cursor))
    })
    .await?;
    Ok(HttpResponse::Ok().json(InquiryList { items, next_cursor }))
}

fn parse_cursor(text: &str) -> Result<(OffsetDateTime, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (nanos, id) = text.split_once('/').ok_or_else(bad)?;
    let at = nanos
        .parse::<i128>()
        .ok()
        .and_then(|n| OffsetDateTime::from_unix_timestamp_nanos(n).ok())
        .ok_or_else(bad)?;
    Ok((at, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Loads an inquiry the caller may act on with `scope` (404 otherwise).
fn visible_inquiry(
    conn: &mut PgConnection,
    caller: &Caller,
    id: uuid::Uuid,
    scope: DScope,
    now: OffsetDateTime,
    action: &str,
) -> Result<InquiryRow, ApiError> {
    let row = repo::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    visible_employment(
        conn,
        caller,
        &row.employment_code,
        scope,
        now,
        action,
        &format!("/v1/inquiries/{id}"),
    )?;
    Ok(row)
}

/// Show an inquiry
///
/// The question, its attachments, the answer and the eligibility for an appointment.
#[utoipa::path(tag = "inquiries", operation_id = "show_inquiry",
    params(("id" = uuid::Uuid, Path, description = "Inquiry id.")),
    responses((status = 200, description = "The inquiry.", body = Inquiry),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/inquiries/{id}")]
pub async fn show_inquiry(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let view = db::transaction(&state, move |conn| {
        let row = visible_inquiry(conn, &caller, id, DScope::Read, now, "inquiry.read")?;
        inquiry_view(conn, row, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Download an attachment
///
/// The file as stored, byte for byte, with its media type.
#[utoipa::path(tag = "inquiries", operation_id = "download_inquiry_attachment",
    params(("id" = uuid::Uuid, Path, description = "Inquiry id."),
           ("attachment_id" = uuid::Uuid, Path, description = "Attachment id.")),
    responses((status = 200, description = "The file.", content(
                  (FileContent = "application/pdf"), (FileContent = "image/jpeg"), (FileContent = "image/png"), (FileContent = "image/tiff"))),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/inquiries/{id}/attachments/{attachment_id}")]
pub async fn download_inquiry_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let now = state.clock.now();
    let (meta, content) = db::transaction(&state, move |conn| {
        visible_inquiry(
            conn,
            &caller,
            id,
            DScope::Read,
            now,
            "inquiry_attachment.read",
        )?;
        repo::attachment_content(conn, "inquiry", id, attachment_id)?
            .ok_or_else(ApiError::not_found)
    })
    .await?;
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![header::DispositionParam::Filename(meta.file_name)],
    };
    Ok(HttpResponse::Ok()
        .content_type(meta.media_type)
        .insert_header(disposition)
        .body(content))
}

/// A file's bytes, as stored.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileContent(pub Vec<u8>);

/// The office's answer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "negative", "text": "Il versamento non risulta: presentare la ricevuta allo sportello."}))]
pub struct AnswerInput {
    /// Outcome.
    pub outcome: InquiryOutcome,
    /// The answer (1 to 4000 characters).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}

/// Records the office's answer (the use case behind the endpoint and the demo data).
pub fn answer_inquiry(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    outcome: DOutcome,
    text: &str,
    now: OffsetDateTime,
) -> Result<InquiryRow, ApiError> {
    let current = repo::find_for_update(conn, id)?.ok_or_else(ApiError::not_found)?;
    if current.outcome.is_some() {
        return Err(ApiError::new(Problem::StateConflict).with_detail(
            "Il quesito ha già una risposta.",
            "The inquiry was already answered.",
        ));
    }
    let text = clean_text("text", text)?;
    let row = repo::answer(
        conn,
        id,
        outcome.as_str(),
        &text,
        actor.tax_code.as_deref().unwrap_or("cli"),
        now,
    )?;
    inps_persistence::audit::append(
        conn,
        actor.audit(
            "inquiry.answer",
            &format!("/v1/inquiries/{id}"),
            Some(&row.employer_tax_code),
        ),
        now,
    )?;
    Ok(row)
}

/// Answer an inquiry
///
/// Operators only: the outcome (positive or negative) and the text. An inquiry is answered once
/// (409 afterwards).
#[utoipa::path(tag = "inquiries", operation_id = "answer_inquiry",
    request_body = AnswerInput,
    params(("id" = uuid::Uuid, Path, description = "Inquiry id.")),
    responses((status = 200, description = "The answered inquiry.", body = Inquiry),
              (status = 409, description = "Already answered."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/inquiries/{id}/answer")]
pub async fn answer_inquiry_endpoint(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let input = body.value;
    let view = db::transaction(&state, move |conn| {
        let row = answer_inquiry(
            conn,
            &caller.actor(),
            id,
            input.outcome.into(),
            &input.text,
            now,
        )?;
        inquiry_view(conn, row, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
