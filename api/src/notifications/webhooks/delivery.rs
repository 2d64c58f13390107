//! Webhook deliveries: queued by the outbox for each recipient's active subscriptions that take
//! the event type ([`queue`], in the transaction of the change), sent by the delivery worker
//! ([`deliver_due`]), signed as Standard Webhooks.
//!
//! Sending: each claimed delivery (`FOR UPDATE SKIP LOCKED`, so one worker at a time) is first
//! re-checked: the subscription must still be active and its owner must still see the event's
//! subject (the subject, a named party of the event, or, for an event type a delegation scope
//! covers, someone authorized now through `crate::access`); otherwise it is `failed`
//! ("withheld: ...") and nothing leaves. The body is `{type, timestamp, data}`, the
//! `webhook-id` the event id (stable across retries and replays, so receivers dedupe),
//! `webhook-signature` = `v1,` base64 HMAC-SHA256 of `id.timestamp.body` under the decoded
//! `whsec_` secret. The host is resolved again and every address checked
//! (`inps_domain::webhook::check_resolved`) by the resolver of the HTTP client itself, so the
//! connection goes to the address that was checked; redirects are not followed, proxies from
//! the environment are ignored, a send times out after [`SEND_TIMEOUT`].
//!
//! Outcomes as the e-mail deliveries: a 2xx is `sent`; anything else is retried after
//! `inps_domain::notification::retry_delay` and `failed` for good after the last attempt (a
//! refused address at once); past the time-to-live it is `expired`. A delivery that failed for
//! good grows the subscription's failure streak, a sent one ends it; after
//! `inps_domain::webhook::DISABLE_AFTER_FAILURES` the subscription is disabled and its owner is
//! notified (`webhook_subscription_disabled`).

use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use diesel::PgConnection;
use hmac::{Hmac, Mac as _};
use inps_domain::authorization::Access;
use inps_domain::notification::EventType;
use inps_domain::tax_code::TaxCode;
use inps_domain::webhook::{UrlPolicy, check_resolved, should_disable, signature_base};
use inps_persistence::notifications::Attempt;
use inps_persistence::webhooks::{self as repo, ClaimedDelivery, StoredSecret};
use time::OffsetDateTime;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};

use crate::access::{AccessRequest, Audited};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::notifications::outbox::{Event, notify};
use crate::notifications::webhooks::secrets::SecretBox;
use crate::notifications::worker::{DeliveryRun, failed_attempt, http_tls, in_batches};
use crate::settings::{AppEnv, Settings};

/// How long one send may take (resolve, connect, send, answer).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The prefix of a signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// What webhooks may reach under `settings`: HTTPS only in production; loopback only when
/// `WEBHOOK_ALLOW_LOOPBACK` is on (never in production).
pub fn url_policy(settings: &Settings) -> UrlPolicy {
    UrlPolicy {
        https_only: settings.app_env == AppEnv::Production,
        allow_loopback: settings.webhook_allow_loopback,
    }
}

/// Queues a delivery of event `event_id` to every active subscription of `recipients` that
/// takes `event_type`; called by the outbox in the transaction of the change.
pub fn queue(
    conn: &mut PgConnection,
    event_id: uuid::Uuid,
    event_type: EventType,
    recipients: &[TaxCode],
    now: OffsetDateTime,
) -> diesel::QueryResult<usize> {
    let expires_at = now + event_type.delivery_ttl();
    repo::queue_for_recipients(conn, recipients, event_type, event_id, now, expires_at)
}

/// A resolver that refuses a host any of whose addresses webhooks may not reach: the client
/// connects only to addresses it returned, so what is checked is what is reached.
#[derive(Debug)]
struct CheckedResolver {
    policy: UrlPolicy,
    inner: DefaultResolver,
}

impl Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let ips: Vec<IpAddr> = addrs.iter().map(|a| a.ip()).collect();
        let host = uri.host().unwrap_or_default();
        check_resolved(host, &ips, self.policy).map_err(|refused| {
            ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("refused address: {refused}"),
            ))
        })?;
        Ok(addrs)
    }
}

/// The HTTP client of webhook deliveries, with the key that opens the signing secrets.
#[derive(Debug)]
pub struct WebhookSender {
    agent: ureq::Agent,
    secrets: SecretBox,
}

impl WebhookSender {
    /// A client for the policy of `settings` (TLS through the system's OpenSSL and roots).
    pub fn from_settings(settings: &Settings) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(SEND_TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .https_only(settings.app_env == AppEnv::Production)
            .tls_config(http_tls())
            .user_agent("INPS-Webhooks/1")
            .build();
        let resolver = CheckedResolver {
            policy: url_policy(settings),
            inner: DefaultResolver::default(),
        };
        Self {
            agent: ureq::Agent::with_parts(
                config,
                ureq::unversioned::transport::DefaultConnector::new(),
                resolver,
            ),
            secrets: SecretBox::from_settings(settings),
        }
    }

    /// POSTs `body` to `url` with the Standard Webhooks headers; the receiver's status, or why
    /// nothing was answered and whether trying again is pointless.
    fn post(&self, url: &str, headers: &Signed, body: &[u8]) -> Result<u16, (String, bool)> {
        let res = self
            .agent
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &headers.id)
            .header("webhook-timestamp", headers.timestamp.to_string())
            .header("webhook-signature", &headers.signature)
            .send(body)
            .map_err(|e| {
                let refused = e.to_string().contains("refused address");
                (e.to_string(), refused)
            })?;
        Ok(res.status().as_u16())
    }
}

/// The Standard Webhooks headers of one attempt.
#[derive(Debug)]
struct Signed {
    id: String,
    timestamp: i64,
    signature: String,
}

/// Signs `body` as message `id` at `timestamp` with `secret` (`whsec_` + base64 key):
/// `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = BASE64.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(&signature_base(id, timestamp, body));
    Some(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// A new signing secret: `whsec_` + base64 of 32 random bytes.
pub fn new_secret() -> String {
    let mut key = [0_u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut key);
    format!("{SECRET_PREFIX}{}", BASE64.encode(key))
}

/// The body of a delivery: `{type, timestamp, data: {event_id, subject, link, payload}}`.
fn body_of(claimed: &ClaimedDelivery) -> Result<Vec<u8>, serde_json::Error> {
    let e = &claimed.event;
    let timestamp = e
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    serde_json::to_vec(&serde_json::json!({
        "type": e.event_type,
        "timestamp": timestamp,
        "data": {
            "event_id": e.id,
            "subject_tax_code": e.subject_tax_code,
            "link": e.link,
            "payload": e.payload,
        },
    }))
}

/// Whether the owner of `claimed`'s subscription may still see the event's subject, now: the
/// subject; a named party (a recipient) of an event no delegation scope covers; or, for one a
/// scope covers, a person [`Actor::authorize`] lets act on the subject within that scope
/// (a delegation in force, the intermediary role, the register entry), the delegated access
/// audited. `Ok(None)`: visible; `Ok(Some(why))`: withheld.
fn withheld(
    conn: &mut PgConnection,
    claimed: &ClaimedDelivery,
    now: OffsetDateTime,
) -> anyhow::Result<Option<&'static str>> {
    let e = &claimed.event;
    let owner = &claimed.subscription.owner_tax_code;
    if !repo::is_active(conn, claimed.subscription.id)? {
        return Ok(Some("withheld: subscription disabled"));
    }
    let event_type: EventType = e.event_type.parse()?;
    if !e.recipients.contains(owner) {
        return Ok(Some("withheld: not a recipient of the event"));
    }
    if *owner == e.subject_tax_code {
        return Ok(None);
    }
    let Some((service, scope)) = event_type.delegated_scope() else {
        return Ok(None);
    };
    let person = TaxCode::parse(owner)?;
    let subject = TaxCode::parse(&e.subject_tax_code)?;
    let names = inps_persistence::persons::roles_of(conn, owner)?;
    let roles = inps_persistence::persons::parse_roles(owner, &names)?;
    let actor = Actor::person_with(person, roles, "webhook-worker");
    let audit = Audited {
        action: "webhook.deliver",
        resource: &e.link,
    };
    match actor.authorize(
        conn,
        &AccessRequest::act(&subject, service, scope, audit),
        now,
    ) {
        Ok(Access::Delegation { id }) => {
            let mut event = actor.audit("webhook.deliver", &e.link, Some(subject.as_str()));
            event.delegation_id = uuid::Uuid::parse_str(&id).ok();
            inps_persistence::audit::append(conn, event, now)?;
            Ok(None)
        }
        Ok(_) => Ok(None),
        Err(mut refusal) => {
            if let Some(event) = refusal.take_audit() {
                inps_persistence::audit::append(conn, event, now)?;
            }
            match refusal.problem() {
                crate::problems::Problem::NotFound | crate::problems::Problem::ScopeNotGranted => {
                    Ok(Some("withheld: subject no longer visible"))
                }
                _ => Err(anyhow::anyhow!("authorizing a webhook delivery: {refusal}")),
            }
        }
    }
}

/// The clear signing secret of `claimed`'s subscription: opened, or, if it is still stored in
/// clear (written before secrets were sealed, since the last start), sealed now.
fn signing_secret(
    conn: &mut PgConnection,
    secrets: &SecretBox,
    claimed: &ClaimedDelivery,
) -> anyhow::Result<String> {
    let id = claimed.subscription.id;
    match &claimed.secret {
        StoredSecret::Sealed(sealed) => Ok(secrets
            .open(id, sealed)
            .map_err(|e| anyhow::anyhow!("webhook_subscriptions {id}: {e}"))?),
        StoredSecret::Clear(clear) => {
            repo::seal_secret(conn, id, &secrets.seal(id, clear))?;
            Ok(clear.clone())
        }
    }
}

/// One attempt at `claimed` at `now`, and the receiver's status if it answered.
fn attempt_one(
    conn: &mut PgConnection,
    sender: &WebhookSender,
    claimed: &ClaimedDelivery,
    now: OffsetDateTime,
) -> anyhow::Result<(Attempt, Option<i32>)> {
    let d = &claimed.delivery;
    if now >= d.expires_at {
        return Ok((Attempt::Expired, None));
    }
    if let Some(why) = withheld(conn, claimed, now)? {
        let failed = Attempt::Failed {
            error: why.to_owned(),
            retry_at: None,
        };
        return Ok((failed, None));
    }
    let body = body_of(claimed)?;
    let id = claimed.event.id.to_string();
    let timestamp = now.unix_timestamp();
    let secret = signing_secret(conn, &sender.secrets, claimed)?;
    let signature = sign(&secret, &id, timestamp, &body).ok_or_else(|| {
        anyhow::anyhow!("webhook_subscriptions {}: bad secret", d.subscription_id)
    })?;
    let signed = Signed {
        id,
        timestamp,
        signature,
    };
    let (error, permanent, status) = match sender.post(&claimed.subscription.url, &signed, &body) {
        Ok(status) if (200..300).contains(&status) => {
            return Ok((Attempt::Sent, Some(i32::from(status))));
        }
        Ok(status) => (format!("HTTP {status}"), false, Some(i32::from(status))),
        Err((error, permanent)) => (error, permanent, None),
    };
    Ok((
        failed_attempt(d.id, d.attempts, &error, permanent, now),
        status,
    ))
}

/// Counts a delivery that was sent or failed for good on its subscription; disables the
/// subscription at the end of a failure streak and notifies its owner.
fn count_outcome(
    conn: &mut PgConnection,
    claimed: &ClaimedDelivery,
    attempt: &Attempt,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let s = &claimed.subscription;
    let sent = match attempt {
        Attempt::Sent => true,
        Attempt::Failed {
            retry_at: None,
            error,
        } if !error.starts_with("withheld") => false,
        _ => return Ok(()),
    };
    let streak = repo::count_outcome(conn, s.id, sent, now)?;
    if sent || !should_disable(streak) || !repo::disable(conn, s.id, now)? {
        return Ok(());
    }
    let owner = TaxCode::parse(&s.owner_tax_code)?;
    let link = format!("/v1/webhook-subscriptions/{}", s.id);
    let mut event = Actor::cli().audit("webhook_subscription.disable", &link, Some(owner.as_str()));
    event.request_id = Some("webhook-worker".to_owned());
    inps_persistence::audit::append(conn, event, now)?;
    notify(
        conn,
        Event {
            event_type: EventType::WebhookSubscriptionDisabled,
            subject: owner.clone(),
            recipients: vec![owner],
            payload: serde_json::json!({
                "subscription_id": s.id, "url": s.url, "consecutive_failures": streak,
            }),
            link,
        },
        now,
    )
    .map_err(|refusal| anyhow::anyhow!("notifying a disabled subscription: {refusal}"))?;
    tracing::warn!(subscription = %s.id, streak, "webhook subscription disabled");
    Ok(())
}

/// Delivers every webhook due now, `batch` at a time: per batch, one transaction claims the due
/// deliveries (skipping those another worker holds), sends each and records its outcome, then
/// commits.
pub fn deliver_due(
    conn: &mut PgConnection,
    sender: &WebhookSender,
    clock: &dyn Clock,
    batch: i64,
) -> anyhow::Result<DeliveryRun> {
    in_batches(conn, clock, batch, |conn, now, run| {
        for claimed in repo::claim_due(conn, now, batch)? {
            let (attempt, status) = attempt_one(conn, sender, &claimed, now)?;
            run.count(&attempt);
            repo::record_attempt(conn, claimed.delivery.id, &attempt, status, now)?;
            count_outcome(conn, &claimed, &attempt, now)?;
        }
        anyhow::Ok(())
    })
}
