//! The HTTP operations of inquiries.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};

use super::use_cases::{self, SendInquiry};
use super::wire::{
    AnswerInput, FileContent, Inquiry, InquiryList, InquiryQuery, NewInquiryForm, Topic,
    TopicDeadline, TopicList,
};
use crate::auth::{Bearer, Caller, Operator};
use crate::cassetto::employments::handlers::code_in_path;
use crate::db;
use crate::error::ApiError;
use crate::etag::{IfMatch, etag};
use crate::extract::{
    IdempotencyKey, IdempotencyKeyFormHeader, PageQuery, ValidatedJson, page_of, time_id_cursor,
};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::upload::{FormRules, download, read_form};

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
    let items = db::with_conn(&state, |conn| Ok(use_cases::topics(conn)?)).await?;
    Ok(HttpResponse::Ok().json(TopicList {
        items: items.into_iter().map(Topic::from).collect(),
        next_cursor: None,
    }))
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
    let precondition = move |version| match if_match {
        Some(m) => m.check(version).map_err(|e| e.refusal),
        None => Ok(()),
    };
    let code = path.into_inner();
    let now = state.clock.now();
    let days = body.value.answer_deadline_days;
    let topic = db::transaction(&state, move |conn| {
        let actor = caller.actor();
        Ok(use_cases::change_topic_deadline(
            conn,
            &actor,
            &code,
            days,
            precondition,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(topic.version)))
        .json(Topic::from(topic)))
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
           IdempotencyKeyFormHeader),
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
    let code = code_in_path(&path.into_inner())?;
    let rules = FormRules {
        text_fields: &["topic", "text"],
        file_field: "attachments",
        existing_files: 0,
        existing_bytes: 0,
    };
    let mut form = read_form(&req, payload, rules).await?;
    let fingerprint = form.fingerprint();
    let cmd = SendInquiry {
        topic: form.fields.remove("topic").unwrap_or_default(),
        text: form.fields.remove("text").unwrap_or_default(),
        files: std::mem::take(&mut form.files),
    };
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, fingerprint, move |conn| {
        let view = use_cases::send_inquiry(conn, &caller.actor(), &code, cmd, now)?;
        Ok(Created {
            location: format!("/v1/inquiries/{}", view.inquiry.id),
            body: Inquiry::from(view),
        })
    })
    .await
}

/// List an employment's inquiries
///
/// Newest first, with their answers and eligibility for an appointment
/// (`?eligible_for_appointment=true`: a negative answer, or none after the deadline). Keyset
/// pages of `limit` inquiries, the eligibility filter applied before paging.
#[utoipa::path(tag = "inquiries", operation_id = "list_inquiries",
    params(("employment_code" = String, Path, description = "Codice rapporto.", max_length = 10), InquiryQuery, PageQuery),
    responses((status = 200, description = "The inquiries.", body = InquiryList),
              (status = 404, description = "Unknown or not visible.")),
    security(("bearer" = [])))]
#[get("/employments/{employment_code}/inquiries")]
pub async fn list_inquiries(
    state: web::Data<AppState>,
    caller: Bearer,
    path: web::Path<String>,
    query: web::Query<InquiryQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = code_in_path(&path.into_inner())?;
    let limit = page.limit()?;
    let cursor = page.cursor()?.map(|c| time_id_cursor(&c)).transpose()?;
    let eligible = query.eligible_for_appointment;
    let now = state.clock.now();
    let views = db::read_as(&state, caller, move |conn, caller| {
        let actor = caller.actor();
        let page = use_cases::inquiries_of(conn, &actor, &code, eligible, cursor, limit + 1, now)?;
        Ok(page)
    })
    .await?;
    let (views, next_cursor) = page_of(views, limit, |v| {
        format!(
            "{}/{}",
            v.inquiry.sent_at.unix_timestamp_nanos(),
            v.inquiry.id
        )
    });
    let items = views.into_iter().map(Inquiry::from).collect();
    Ok(HttpResponse::Ok().json(InquiryList { items, next_cursor }))
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
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let view = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_inquiry(conn, &caller.actor(), id, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Inquiry::from(view)))
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
    caller: Bearer,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = path.into_inner();
    let now = state.clock.now();
    let (meta, content) = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::attachment(
            conn,
            &caller.actor(),
            id,
            attachment_id,
            now,
        )?)
    })
    .await?;
    Ok(download(&meta.file_name, &meta.media_type, content))
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
        let outcome = input.outcome.into();
        let actor = caller.actor();
        Ok(use_cases::answer_inquiry(
            conn,
            &actor,
            id,
            outcome,
            &input.text,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Inquiry::from(view)))
}
