//! The HTTP operations of `/v1/webhook-subscriptions`: extract, run one use case, map to the
//! wire type.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};

use super::delivery::url_policy;
use super::secrets::SecretBox;
use super::use_cases::{self, CreateSubscription, vet_url};
use super::wire::{
    CreatedSubscription, DeliveryPage, NewSubscription, Replay, Replayed, Subscription,
    SubscriptionList, WebhookDelivery,
};
use crate::auth::{Bearer, Caller};
use crate::db;
use crate::error::ApiError;
use crate::extract::{PageQuery, ValidatedJson, page_of, parse_time_cursor, time_cursor};
use crate::state::AppState;

/// Subscribe to webhooks
///
/// Creates a subscription of the caller: deliveries of the listed event types that concern
/// the caller (those in their inbox) are POSTed to `url`, signed as Standard Webhooks
/// (`Webhook-Id` = the event id, `Webhook-Timestamp`, `Webhook-Signature` = `v1,` + base64
/// HMAC-SHA256 of `id.timestamp.body` under the secret's decoded key). The answer carries the
/// `secret`, shown only here (the server keeps it only encrypted). The URL must be `https://` in production and reach a public
/// address: loopback, private, link-local and reserved addresses are refused (422
/// `webhook-url-refused`), also when a name resolves to them; the host is resolved and checked
/// again at each delivery. No `Idempotency-Key`: a replayed answer would show the secret twice.
#[utoipa::path(tag = "webhooks", operation_id = "create_webhook_subscription",
    request_body = NewSubscription,
    responses((status = 201, description = "Created; the secret is shown this once.", body = CreatedSubscription),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "Invalid fields, or a URL webhooks may not reach.")),
    security(("bearer" = [])))]
#[post("/webhook-subscriptions")]
pub async fn create_webhook_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewSubscription>,
) -> Result<HttpResponse, ApiError> {
    let input = body.value;
    let (policy, resolver) = (url_policy(&state.settings), state.resolver.clone());
    // The host is resolved before the transaction, holding no connection: the session lookup's
    // goes back to the pool first.
    db::release_connection();
    let url = web::block(move || vet_url(&input.url, policy, &resolver))
        .await
        .map_err(ApiError::internal)?;
    let cmd = CreateSubscription {
        url,
        event_types: input.event_types.into_iter().map(Into::into).collect(),
    };
    let (now, secrets) = (state.clock.now(), SecretBox::from_settings(&state.settings));
    let created = db::transaction(&state, move |conn| {
        Ok(use_cases::create_subscription(
            conn,
            &caller.actor(),
            cmd,
            &secrets,
            now,
        )?)
    })
    .await?;
    let location = format!("/v1/webhook-subscriptions/{}", created.subscription.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(CreatedSubscription {
            subscription: created.subscription.into(),
            secret: created.secret,
        }))
}

/// My webhook subscriptions
///
/// The caller's subscriptions, newest first (without their secrets).
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_subscriptions",
    responses((status = 200, description = "The subscriptions.", body = SubscriptionList),
              (status = 401, description = "No valid session.")),
    security(("bearer" = [])))]
#[get("/webhook-subscriptions")]
pub async fn list_webhook_subscriptions(
    state: web::Data<AppState>,
    caller: Bearer,
) -> Result<HttpResponse, ApiError> {
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::list_subscriptions(conn, &caller.actor())?)
    })
    .await?;
    let items = found.into_iter().map(Subscription::from).collect();
    Ok(HttpResponse::Ok().json(SubscriptionList { items }))
}

/// A webhook subscription
///
/// One of the caller's subscriptions (someone else's is 404).
#[utoipa::path(tag = "webhooks", operation_id = "show_webhook_subscription",
    params(("id" = uuid::Uuid, Path, description = "Subscription id.")),
    responses((status = 200, description = "The subscription.", body = Subscription),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's.")),
    security(("bearer" = [])))]
#[get("/webhook-subscriptions/{id}")]
pub async fn show_webhook_subscription(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::show_subscription(conn, &caller.actor(), id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Subscription::from(found)))
}

/// Delete a webhook subscription
///
/// Ends one of the caller's subscriptions with its delivery log: nothing more is sent
/// (someone else's is 404).
#[utoipa::path(tag = "webhooks", operation_id = "delete_webhook_subscription",
    params(("id" = uuid::Uuid, Path, description = "Subscription id.")),
    responses((status = 204, description = "Deleted."),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's.")),
    security(("bearer" = [])))]
#[delete("/webhook-subscriptions/{id}")]
pub async fn delete_webhook_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (id.into_inner(), state.clock.now());
    db::transaction(&state, move |conn| {
        Ok(use_cases::delete_subscription(
            conn,
            &caller.actor(),
            id,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A subscription's delivery log
///
/// The deliveries of one of the caller's subscriptions, newest first: status
/// (`queued|sent|failed|expired`), attempts, the receiver's last HTTP status and error.
#[utoipa::path(tag = "webhooks", operation_id = "list_webhook_deliveries",
    params(("id" = uuid::Uuid, Path, description = "Subscription id."), PageQuery),
    responses((status = 200, description = "A page of deliveries.", body = DeliveryPage),
              (status = 400, description = "Malformed query."),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's."),
              (status = 422, description = "Invalid limit or cursor.")),
    security(("bearer" = [])))]
#[get("/webhook-subscriptions/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    caller: Bearer,
    id: web::Path<uuid::Uuid>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, limit) = (id.into_inner(), page.limit()?);
    let after = page.cursor()?.map(|c| parse_time_cursor(&c)).transpose()?;
    let found = db::read_as(&state, caller, move |conn, caller| {
        Ok(use_cases::deliveries(
            conn,
            &caller.actor(),
            id,
            after,
            limit + 1,
        )?)
    })
    .await?;
    let (found, next_cursor) = page_of(found, limit, |d| time_cursor(d.created_at, d.id));
    let items = found
        .into_iter()
        .map(WebhookDelivery::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(DeliveryPage { items, next_cursor }))
}

/// Retry a webhook delivery
///
/// Queues a `failed` or `expired` delivery of one of the caller's active subscriptions again,
/// due now, with fresh attempts (409 when it is queued or sent, or the subscription is
/// disabled). The receiver gets the same `Webhook-Id`.
#[utoipa::path(tag = "webhooks", operation_id = "retry_webhook_delivery",
    params(("id" = uuid::Uuid, Path, description = "Subscription id."),
           ("delivery_id" = uuid::Uuid, Path, description = "Delivery id.")),
    responses((status = 200, description = "The delivery, queued.", body = WebhookDelivery),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's."),
              (status = 409, description = "Queued or sent already, or the subscription is disabled.")),
    security(("bearer" = [])))]
#[post("/webhook-subscriptions/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_webhook_delivery(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, delivery_id), now) = (path.into_inner(), state.clock.now());
    let retried = db::transaction(&state, move |conn| {
        let actor = caller.actor();
        Ok(use_cases::retry_delivery(
            conn,
            &actor,
            id,
            delivery_id,
            now,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(WebhookDelivery::try_from(retried)?))
}

/// Replay webhook events
///
/// Queues a new delivery to one of the caller's active subscriptions of every event `since` a
/// time that it would have received (addressed to the caller, of a subscribed type), oldest
/// first, at most 1000; answers how many. Whether the caller may still see each event's
/// subject is checked when it is sent. 409 when the subscription is disabled.
#[utoipa::path(tag = "webhooks", operation_id = "replay_webhook_events",
    params(("id" = uuid::Uuid, Path, description = "Subscription id.")),
    request_body = Replay,
    responses((status = 200, description = "How many deliveries were queued.", body = Replayed),
              (status = 400, description = "The body is not JSON."),
              (status = 401, description = "No valid session."),
              (status = 404, description = "Unknown, or not the caller's."),
              (status = 409, description = "The subscription is disabled."),
              (status = 415, description = "The body is not `application/json`."),
              (status = 422, description = "`since` is missing or in the future.")),
    security(("bearer" = [])))]
#[post("/webhook-subscriptions/{id}/replay")]
pub async fn replay_webhook_events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: ValidatedJson<Replay>,
) -> Result<HttpResponse, ApiError> {
    let (id, since, now) = (id.into_inner(), body.value.since, state.clock.now());
    let queued = db::transaction(&state, move |conn| {
        Ok(use_cases::replay(conn, &caller.actor(), id, since, now)?)
    })
    .await?;
    let queued = i64::try_from(queued).unwrap_or(i64::MAX);
    Ok(HttpResponse::Ok().json(Replayed { queued }))
}
