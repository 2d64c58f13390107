//! The HTTP operations of the FAQ.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use inps_persistence::assistance::FaqSearch;

use super::use_cases;
use super::wire::{FaqEntry, FaqInput, FaqList, FaqQuery};
use crate::auth::Operator;
use crate::db;
use crate::error::{ApiError, Text};
use crate::etag::{IfMatch, etag};
use crate::extract::{IdempotencyKey, IdempotencyKeyHeader, PageQuery, ValidatedJson, page_of};
use crate::idempotency::{self, Created};
use crate::state::AppState;

/// The keyset cursor of a search page: the last entry's rank (its bits) and id.
fn faq_cursor(text: &str) -> Result<(f32, uuid::Uuid), ApiError> {
    let bad =
        || ApiError::invalid_field("cursor", Text::new("cursore non valido", "invalid cursor"));
    let (bits, id) = text.split_once('/').ok_or_else(bad)?;
    let rank = bits.parse::<u32>().map(f32::from_bits).map_err(|_| bad())?;
    Ok((rank, uuid::Uuid::parse_str(id).map_err(|_| bad())?))
}

/// Search the FAQ
///
/// Open to anyone. With `q`, the entries matching the words in Italian or English (PostgreSQL
/// full-text search with the `italian` and `english` configurations: inflected forms match),
/// best first by `ts_rank`, each with its answer's best fragments (`ts_headline`, matches
/// between `**`); without `q`, every entry. `service` and `topic` narrow the list, before
/// paging (keyset pages of `limit`).
#[utoipa::path(tag = "help", operation_id = "search_faq",
    params(FaqQuery, PageQuery),
    responses((status = 200, description = "The entries.", body = FaqList)),
    security(()))]
#[get("/help/faq")]
pub async fn search_faq(
    state: web::Data<AppState>,
    query: web::Query<FaqQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    let after = page.cursor()?.map(|c| faq_cursor(&c)).transpose()?;
    let FaqQuery { q, service, topic } = query.into_inner();
    let q = q.map(|q| q.trim().to_owned());
    if q.as_deref()
        .is_some_and(|q| q.is_empty() || q.chars().count() > 200 || q.contains('\0'))
    {
        return Err(ApiError::invalid_field(
            "q",
            Text::new("da 1 a 200 caratteri", "1 to 200 characters"),
        ));
    }
    if topic
        .as_deref()
        .is_some_and(|t| !inps_domain::assistance::is_faq_topic(t))
    {
        return Err(ApiError::invalid_field(
            "topic",
            Text::new("argomento non valido", "invalid topic"),
        ));
    }
    let service = service.map(inps_domain::delegation::Service::from);
    let searched = q.is_some();
    let hits = db::read(&state, move |conn| {
        let search = FaqSearch {
            q: q.as_deref(),
            service: service.map(|s| s.as_str()),
            topic: topic.as_deref(),
            after,
            limit: limit + 1,
        };
        Ok(use_cases::search_faq(conn, &search)?)
    })
    .await?;
    let (hits, next_cursor) = page_of(hits, limit, |h| {
        format!("{}/{}", h.rank.to_bits(), h.entry.id)
    });
    let items = hits
        .into_iter()
        .map(|h| FaqEntry::found(h, searched))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(FaqList { items, next_cursor }))
}

/// Add a FAQ entry
///
/// Operators only. An entry in Italian and English for a service (or both) and a topic; its
/// text is searchable at once. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "help", operation_id = "create_faq_entry",
    request_body = FaqInput,
    params(IdempotencyKeyHeader),
    responses((status = 201, description = "Added.", body = FaqEntry),
              (status = 403, description = "Not an operator."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[post("/help/faq")]
pub async fn create_faq_entry(
    state: web::Data<AppState>,
    Operator(caller): Operator,
    key: IdempotencyKey,
    body: ValidatedJson<FaqInput>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    let cmd = body.value.into();
    idempotency::create(&state, who, key.0, body.fingerprint, move |conn| {
        let row = use_cases::create_faq_entry(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/help/faq?topic={}", row.topic),
            body: FaqEntry::of(row)?,
        })
    })
    .await
}

/// Replace a FAQ entry
///
/// Operators only. The whole entry; optional `If-Match` with the version read (the `ETag`).
#[utoipa::path(tag = "help", operation_id = "replace_faq_entry",
    request_body = FaqInput,
    params(("id" = uuid::Uuid, Path, description = "FAQ entry id."),
           ("If-Match" = Option<String>, Header, description = "ETag read before.", max_length = 256)),
    responses((status = 200, description = "The entry.", body = FaqEntry),
              (status = 403, description = "Not an operator."),
              (status = 412, description = "Stale `If-Match`."),
              (status = 415, description = "The body is not `application/json`.")),
    security(("bearer" = [])))]
#[put("/help/faq/{id}")]
pub async fn replace_faq_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    Operator(caller): Operator,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<FaqInput>,
) -> Result<HttpResponse, ApiError> {
    let if_match = IfMatch::from_request(&req)?;
    let precondition = move |version| match if_match {
        Some(m) => m.check(version).map_err(|e| e.refusal),
        None => Ok(()),
    };
    let id = id.into_inner();
    let now = state.clock.now();
    let cmd = body.value.into();
    let row = db::transaction(&state, move |conn| {
        let actor = caller.actor();
        Ok(use_cases::replace_faq_entry(
            conn,
            &actor,
            id,
            cmd,
            precondition,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(FaqEntry::of(row)?))
}
