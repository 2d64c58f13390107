//! The HTTP operations of manuals.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::use_cases::{self, ManualFilter, PublishManual};
use super::wire::{Manual, ManualContent, ManualList, ManualPage, ManualQuery, NewManualForm};
use crate::assistance::{form_field, read_as_viewer, required_form_field};
use crate::auth::{Bearer, Operator};
use crate::error::{ApiError, Text};
use crate::extract::{IdempotencyKey, IdempotencyKeyFormHeader};
use crate::idempotency::{self, Created};
use crate::state::AppState;
use crate::upload::{FormRules, download, read_form};

/// List manuals
///
/// The newest version of each manual the caller may see: the public ones for anyone (no
/// session needed), plus those of each profile (role) the caller's session holds; operators see
/// every profile. A profile the caller does not hold lists nothing (msg. INPS 2651/2019:
/// manuals personalised by user profile).
#[utoipa::path(tag = "help", operation_id = "list_manuals",
    params(ManualQuery),
    responses((status = 200, description = "The manuals.", body = ManualList),
              (status = 401, description = "A bearer token was sent and is not a live session.")),
    security(()))]
#[get("/help/manuals")]
pub async fn list_manuals(
    state: web::Data<AppState>,
    bearer: Option<Bearer>,
    query: web::Query<ManualQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = ManualFilter {
        profile: query.profile.map(Into::into),
        service: query.service.map(Into::into),
    };
    let views = read_as_viewer(&state, bearer, move |conn, viewer| {
        use_cases::manuals(conn, viewer, filter)
    })
    .await?;
    let items = views
        .into_iter()
        .map(Manual::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(ManualList {
        items,
        next_cursor: None,
    }))
}

/// Download a manual
///
/// The document as published, byte for byte, with its media type and a `Content-Disposition`
/// naming the file. A manual of a profile the caller does not hold is 404.
#[utoipa::path(tag = "help", operation_id = "download_manual",
    params(("id" = uuid::Uuid, Path, description = "Manual version id.")),
    responses((status = 200, description = "The document.", content(
                  (ManualContent = "application/pdf"), (ManualContent = "text/markdown"))),
              (status = 401, description = "A bearer token was sent and is not a live session."),
              (status = 404, description = "Unknown, or of a profile the caller does not hold.")),
    security(()))]
#[get("/help/manuals/{id}/content")]
pub async fn download_manual(
    state: web::Data<AppState>,
    bearer: Option<Bearer>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (view, content) = read_as_viewer(&state, bearer, move |conn, viewer| {
        use_cases::manual_content(conn, viewer, id)
    })
    .await?;
    let media_type = match view.file.media_type.as_str() {
        "text/markdown" => "text/markdown; charset=utf-8",
        other => other,
    };
    Ok(download(&view.file.file_name, media_type, content))
}

/// Read a manual as HTML
///
/// A Markdown manual rendered as HTML (CommonMark) and sanitized: no script, event handler or
/// `javascript:` link survives. A PDF manual has no HTML version (404).
#[utoipa::path(tag = "help", operation_id = "show_manual_html",
    params(("id" = uuid::Uuid, Path, description = "Manual version id.")),
    responses((status = 200, description = "The page.", content((ManualPage = "text/html"))),
              (status = 401, description = "A bearer token was sent and is not a live session."),
              (status = 404, description = "Unknown, of a profile the caller does not hold, or a PDF.")),
    security(()))]
#[get("/help/manuals/{id}/html")]
pub async fn manual_html(
    state: web::Data<AppState>,
    bearer: Option<Bearer>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (_, page) = read_as_viewer(&state, bearer, move |conn, viewer| {
        use_cases::manual_html(conn, viewer, id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page))
}

/// Publish a manual version
///
/// Operators only. A multipart form with `profile`, `service` (omitted: both services),
/// `title` and one `document`, PDF or Markdown recognised from its bytes (415 otherwise), 3 MiB
/// at most: it becomes the next version of that profile's and service's manual. Accepts
/// `Idempotency-Key`.
#[utoipa::path(tag = "help", operation_id = "publish_manual",
    request_body(content = NewManualForm, content_type = "multipart/form-data"),
    params(IdempotencyKeyFormHeader),
    responses((status = 201, description = "Published.", body = Manual),
              (status = 403, description = "Not an operator."),
              (status = 413, description = "Over 3 MiB."),
              (status = 415, description = "Not multipart, or a document that is neither PDF nor Markdown.")),
    security(("bearer" = [])))]
#[post("/help/manuals")]
pub async fn publish_manual(
    req: HttpRequest,
    state: web::Data<AppState>,
    Operator(caller): Operator,
    key: IdempotencyKey,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let rules = FormRules {
        text_fields: &["profile", "service", "title"],
        file_field: "document",
        existing_files: 0,
        existing_bytes: 0,
    };
    let mut form = read_form(&req, payload, rules).await?;
    let fingerprint = form.fingerprint();
    let profile = required_form_field(&mut form.fields, "profile")?;
    let service: Option<inps_domain::delegation::Service> =
        form_field(&mut form.fields, "service")?;
    let document = match <[_; 1]>::try_from(std::mem::take(&mut form.files)) {
        Ok([document]) => document,
        Err(_) => {
            return Err(ApiError::invalid_field(
                "document",
                Text::new(
                    "serve un solo documento",
                    "exactly one document is required",
                ),
            ));
        }
    };
    let cmd = PublishManual {
        profile,
        service,
        title: form.fields.remove("title").unwrap_or_default(),
        file: document,
    };
    let now = state.clock.now();
    let who = caller.tax_code.as_str().to_owned();
    idempotency::create(&state, who, key.0, fingerprint, move |conn| {
        let view = use_cases::publish_manual(conn, &caller.actor(), cmd, now)?;
        Ok(Created {
            location: format!("/v1/help/manuals/{}/content", view.manual.id),
            body: Manual::try_from(view)?,
        })
    })
    .await
}
