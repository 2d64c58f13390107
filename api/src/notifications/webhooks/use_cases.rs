//! The webhook use cases: subscribe, list, show, delete, the delivery log, retry a delivery,
//! replay events since a time. Domain values in, stored values or a typed [`Refusal`] out; no
//! HTTP. A person reaches only their own subscriptions (someone else's is 404).
//!
//! A subscription's URL is vetted ([`vet_url`], which resolves its host name) before the
//! transaction that creates it: a DNS lookup can take seconds, and no pooled connection or open
//! transaction waits on it.

use std::net::{IpAddr, ToSocketAddrs as _};
use std::sync::Arc;

use diesel::PgConnection;
use inps_domain::notification::EventType;
use inps_domain::tax_code::TaxCode;
use inps_domain::webhook::{
    MAX_REPLAY_EVENTS, MAX_URL_CHARS, UrlPolicy, UrlRefused, WebhookUrl, check_resolved, check_url,
};
use inps_persistence::webhooks::{
    self as repo, DeliveryCursor, DeliveryRow, NewSubscription, Subscription, SubscriptionRow,
};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::notifications::webhooks::delivery::new_secret;
use crate::notifications::webhooks::secrets::SecretBox;
use crate::problems::{Problem, Text};
use crate::refusal::Refusal;

type ResolveFn = dyn Fn(&str, u16) -> std::io::Result<Vec<IpAddr>> + Send + Sync;

/// Resolves a host name to its addresses: the system resolver, or one a test puts in the
/// application state. A blocking call: run it off the actix threads and outside any
/// transaction.
#[derive(Clone)]
pub struct HostResolver(Arc<ResolveFn>);

impl HostResolver {
    /// The system resolver.
    pub fn system() -> Self {
        Self::new(|host, port| Ok((host, port).to_socket_addrs()?.map(|a| a.ip()).collect()))
    }

    /// A resolver answering through `resolve`.
    pub fn new(
        resolve: impl Fn(&str, u16) -> std::io::Result<Vec<IpAddr>> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(resolve))
    }

    /// The addresses of `host` (port `port`).
    pub fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
        (self.0)(host, port)
    }
}

impl std::fmt::Debug for HostResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostResolver(..)")
    }
}

/// Whether a subscription may name a URL: the URL parsed and checked, or why not.
pub type UrlVerdict = Result<WebhookUrl, UrlRefused>;

/// Vets `text` as a subscription URL under `policy`: its syntax and, for a host name, every
/// address `resolver` gives for it (a name resolving to no address, or to one webhooks may not
/// reach, is refused). Blocking, and meant to run before the creating transaction.
pub fn vet_url(text: &str, policy: UrlPolicy, resolver: &HostResolver) -> UrlVerdict {
    let url = check_url(text, policy)?;
    if url.ip.is_none() {
        let ips = resolver.resolve(&url.host, url.port).unwrap_or_default();
        check_resolved(&url.host, &ips, policy)?;
    }
    Ok(url)
}

fn me(actor: &Actor) -> Result<&TaxCode, Refusal> {
    actor.person().ok_or_else(Refusal::not_found)
}

fn resource(id: uuid::Uuid) -> String {
    format!("/v1/webhook-subscriptions/{id}")
}

fn subscription(row: SubscriptionRow) -> Result<Subscription, Refusal> {
    Subscription::try_from(row).map_err(Refusal::internal)
}

/// The actor's subscription `id`, locked; 404 (recorded as a denied attempt of `action`) when
/// it is not the actor's.
fn own(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    action: &str,
) -> Result<Subscription, Refusal> {
    match repo::lock_subscription_of(conn, me(actor)?, id)? {
        Some(row) => subscription(row),
        None => Err(denied(actor, action, &resource(id), Refusal::not_found())),
    }
}

fn denied(actor: &Actor, action: &str, resource: &str, refusal: Refusal) -> Refusal {
    let mut event = actor.audit(action, resource, actor.tax_code.as_deref());
    event.outcome = "denied".to_owned();
    refusal.with_audit(event)
}

fn audit(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let event = actor.audit(action, &resource(id), actor.tax_code.as_deref());
    inps_persistence::audit::append(conn, event, now)?;
    Ok(())
}

/// A subscription to create.
#[derive(Debug, Clone)]
pub struct CreateSubscription {
    /// Where deliveries go, as [`vet_url`] judged it.
    pub url: UrlVerdict,
    /// The event types it receives (each once).
    pub event_types: Vec<EventType>,
}

/// A created subscription with its signing secret (shown this once).
#[derive(Debug, Clone)]
pub struct Created {
    /// The subscription.
    pub subscription: Subscription,
    /// The signing secret.
    pub secret: String,
}

/// Why `refused`, in Italian.
fn italian(refused: &UrlRefused) -> String {
    match refused {
        UrlRefused::Malformed => "non è un URL assoluto".to_owned(),
        UrlRefused::Scheme(scheme) => format!("lo schema {scheme} non è ammesso"),
        UrlRefused::Credentials => "credenziali nell'URL non ammesse".to_owned(),
        UrlRefused::Fragment => "frammento (#) non ammesso".to_owned(),
        UrlRefused::TooLong => format!("più lungo di {MAX_URL_CHARS} caratteri"),
        UrlRefused::Address { host, ip, class } => {
            format!("{host} è un indirizzo {class} ({ip})")
        }
        UrlRefused::Unresolved(host) => format!("{host} non corrisponde ad alcun indirizzo"),
    }
}

fn url_refused(refused: &UrlRefused) -> Refusal {
    let (it, en) = (italian(refused), refused.to_string());
    Refusal::new(Problem::WebhookUrlRefused)
        .with_detail(
            format!("Indirizzo non ammesso: {it}."),
            format!("URL refused: {en}."),
        )
        .with_field("url", Text::new(it, en))
}

/// Subscribes the actor to `cmd.event_types` at `cmd.url`, which [`vet_url`] must have found
/// allowed (422 `webhook-url-refused` otherwise, recorded as a denied attempt). The secret is
/// generated here, stored only sealed in `secrets`, and returned once.
pub fn create_subscription(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: CreateSubscription,
    secrets: &SecretBox,
    now: OffsetDateTime,
) -> Result<Created, Refusal> {
    let owner = me(actor)?.clone();
    let url = cmd.url.map_err(|refused| {
        denied(
            actor,
            "webhook_subscription.create",
            "/v1/webhook-subscriptions",
            url_refused(&refused),
        )
    })?;
    let mut event_types = cmd.event_types;
    event_types.sort();
    event_types.dedup();
    let secret = new_secret();
    let id = uuid::Uuid::new_v4();
    let row = repo::insert_subscription(
        conn,
        &NewSubscription {
            id,
            owner: &owner,
            url: &url.url,
            event_types: &event_types,
            secret_sealed: &secrets.seal(id, &secret),
            now,
        },
    )?;
    audit(conn, actor, "webhook_subscription.create", id, now)?;
    Ok(Created {
        subscription: subscription(row)?,
        secret,
    })
}

/// The actor's subscriptions, newest first.
pub fn list_subscriptions(
    conn: &mut PgConnection,
    actor: &Actor,
) -> Result<Vec<Subscription>, Refusal> {
    repo::subscriptions_of(conn, me(actor)?)?
        .into_iter()
        .map(subscription)
        .collect()
}

/// The actor's subscription `id` (404 when it is not the actor's).
pub fn show_subscription(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<Subscription, Refusal> {
    repo::subscription_of(conn, me(actor)?, id)?
        .ok_or_else(Refusal::not_found)
        .and_then(subscription)
}

/// Deletes the actor's subscription `id` and its delivery log (404 when it is not the actor's).
pub fn delete_subscription(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(), Refusal> {
    let action = "webhook_subscription.delete";
    if !repo::delete_subscription(conn, me(actor)?, id)? {
        return Err(denied(actor, action, &resource(id), Refusal::not_found()));
    }
    audit(conn, actor, action, id, now)
}

/// A page of the delivery log of the actor's subscription `id`, newest first.
pub fn deliveries(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    after: Option<DeliveryCursor>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, Refusal> {
    let s = show_subscription(conn, actor, id)?;
    Ok(repo::deliveries_of(conn, s.id, after, limit)?)
}

fn requires_active(s: &Subscription) -> Result<(), Refusal> {
    if s.active {
        return Ok(());
    }
    Err(Refusal::new(Problem::StateConflict).with_detail(
        "La sottoscrizione è disattivata: crearne una nuova.",
        "The subscription is disabled: create a new one.",
    ))
}

/// Queues delivery `delivery_id` of the actor's subscription `id` again, due now, with fresh
/// attempts and expiry: only a `failed` or `expired` one of an active subscription (409
/// otherwise).
pub fn retry_delivery(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    delivery_id: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<DeliveryRow, Refusal> {
    let action = "webhook_delivery.retry";
    let s = own(conn, actor, id, action)?;
    let Some(d) = repo::delivery_of(conn, s.id, delivery_id)? else {
        let path = format!("{}/deliveries/{delivery_id}", resource(id));
        return Err(denied(actor, action, &path, Refusal::not_found()));
    };
    requires_active(&s)?;
    if !matches!(d.status.as_str(), "failed" | "expired") {
        return Err(Refusal::new(Problem::StateConflict).with_detail(
            format!(
                "La consegna è «{}»: si ritenta solo se fallita o scaduta.",
                d.status
            ),
            format!(
                "The delivery is `{}`: only a failed or expired one is retried.",
                d.status
            ),
        ));
    }
    let event_type: EventType = repo::event_type_of(conn, d.event_id)?
        .parse()
        .map_err(Refusal::internal)?;
    let retried = repo::requeue(conn, d.id, now, now + event_type.delivery_ttl())?;
    audit(conn, actor, action, id, now)?;
    Ok(retried)
}

/// Queues a delivery to the actor's active subscription `id` of every event since `since`
/// that it would have received (the actor among the recipients, the type subscribed), oldest
/// first, at most [`MAX_REPLAY_EVENTS`]; returns how many. Visibility is checked when each is
/// sent.
pub fn replay(
    conn: &mut PgConnection,
    actor: &Actor,
    id: uuid::Uuid,
    since: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<usize, Refusal> {
    let action = "webhook_subscription.replay";
    let s = own(conn, actor, id, action)?;
    if since > now {
        return Err(Refusal::invalid_field(
            "since",
            Text::new("non può essere nel futuro", "cannot be in the future"),
        ));
    }
    requires_active(&s)?;
    let events = repo::events_since(conn, &s.owner, &s.event_types, since, MAX_REPLAY_EVENTS)?
        .into_iter()
        .map(|e| {
            let ttl = e
                .event_type
                .parse::<EventType>()
                .map_err(Refusal::internal)?;
            Ok((e.id, now + ttl.delivery_ttl()))
        })
        .collect::<Result<Vec<_>, Refusal>>()?;
    let queued = repo::queue_replay(conn, s.id, &events, now)?;
    audit(conn, actor, action, id, now)?;
    Ok(queued)
}
