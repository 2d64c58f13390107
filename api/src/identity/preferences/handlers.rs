//! The HTTP operations of `/v1/me/notification-preferences`.

use actix_web::{HttpResponse, get, put, web};

use super::use_cases;
use super::wire::Preferences;
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidatedJson;
use crate::state::AppState;

/// My notification preferences
///
/// Per event type, the channels and frequency chosen.
#[utoipa::path(tag = "me", operation_id = "show_my_notification_preferences",
    responses((status = 200, description = "The preferences.", body = Preferences),
              (status = 401, description = "No valid session.")),
    security(("bearer" = [])))]
#[get("/me/notification-preferences")]
pub async fn show_my_notification_preferences(
    state: web::Data<AppState>,
    caller: Bearer,
) -> Result<HttpResponse, ApiError> {
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_preferences(conn, &caller.actor())?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Preferences::from(found)))
}

/// Replace my notification preferences
///
/// Per event type, the channels (the inbox is always kept; `email`, `pec` and `sms` need the
/// matching contact on file and verified, 422 naming the channel otherwise) and the frequency
/// (`immediate`, `daily`, `weekly`); an event type may appear once. The choice applies to the
/// notifications written from then on.
#[utoipa::path(tag = "me", operation_id = "replace_my_notification_preferences",
    request_body = Preferences,
    responses((status = 200, description = "The preferences.", body = Preferences),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "A channel without a verified contact, or a repeated event type.")),
    security(("bearer" = [])))]
#[put("/me/notification-preferences")]
pub async fn replace_my_notification_preferences(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<Preferences>,
) -> Result<HttpResponse, ApiError> {
    let (wanted, now) = (body.value.into(), state.clock.now());
    let kept = db::transaction(&state, move |conn| {
        Ok(use_cases::replace_preferences(
            conn,
            &caller.actor(),
            wanted,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Preferences::from(kept)))
}
