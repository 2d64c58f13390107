//! The delivery worker (immediate frequency): sends the queued e-mail, PEC and SMS deliveries
//! the outbox wrote. Any number of workers (replicas) can run at once: each claims a batch of
//! due deliveries with `FOR UPDATE SKIP LOCKED` in one short transaction, sends them, records
//! every outcome there and commits, so a delivery is attempted by one worker at a time.
//!
//! Outcomes: `sent`; a failed attempt is retried after an exponential backoff with jitter
//! (`inps_domain::notification::retry_delay`) and after the last attempt (or a permanent SMTP
//! refusal, 5xx) it is `failed` for good; past the event type's time-to-live
//! (`EventType::delivery_ttl`, fixed in `expires_at` when queued) it is `expired` and not sent
//! late. A channel with no configuration is not claimed: its deliveries stay `queued` until one
//! is configured. A recipient whose contact for the channel is gone or no longer verified gets
//! nothing on it (`failed`, no retry). Time comes from the injected [`Clock`].
//!
//! Each run also sends the due webhook deliveries (`super::webhooks::delivery::deliver_due`).
//! A delivery with an explicit address (the security notice to an address no longer on file)
//! goes to that address; the others to the recipient's contact on file when sent.
//!
//! It runs inside `serve` (unless `NOTIFICATION_WORKER=off`) and as
//! `inps-api notification-worker [--once]`. The deliveries of `daily` and `weekly`
//! notifications are sent as digests, one message per recipient and channel
//! (`super::digests`), in the same run.

use std::sync::Arc;
use std::time::Duration;

use diesel::{Connection as _, PgConnection};
use inps_domain::notification::{Channel, EventType, Message, message, retry_delay};
use inps_domain::person::Contacts;
use inps_persistence::PgPool;
use inps_persistence::notifications::{self as repo, Attempt, ClaimedDelivery};
use lettre::Transport as _;
use time::OffsetDateTime;

use crate::background::Periodic;
use crate::clock::Clock;
use crate::settings::{Settings, SmtpSettings, SmtpTls};

/// How long one send may take (connect, talk, answer).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest `last_error` kept.
const MAX_ERROR_CHARS: usize = 500;

/// An SMTP relay, ready to send.
struct SmtpSender {
    transport: lettre::SmtpTransport,
    from: lettre::message::Mailbox,
}

impl SmtpSender {
    fn new(s: &SmtpSettings) -> anyhow::Result<Self> {
        let builder = match s.tls {
            SmtpTls::None => lettre::SmtpTransport::builder_dangerous(&s.host),
            SmtpTls::Starttls => lettre::SmtpTransport::starttls_relay(&s.host)?,
            SmtpTls::Tls => lettre::SmtpTransport::relay(&s.host)?,
        };
        let mut builder = builder.port(s.port).timeout(Some(SEND_TIMEOUT));
        if let Some(user) = &s.username {
            let password = s.password.clone().unwrap_or_default();
            builder = builder.credentials(
                lettre::transport::smtp::authentication::Credentials::new(user.clone(), password),
            );
        }
        Ok(Self {
            transport: builder.build(),
            from: s.from.parse()?,
        })
    }

    /// Sends `message` to `to`, dated `now`; `Err((error, permanent))`.
    fn send(&self, to: &str, message: &Message, now: OffsetDateTime) -> Result<(), (String, bool)> {
        let to = to
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| (format!("invalid address: {e}"), true))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .date(std::time::SystemTime::from(now))
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| (format!("message: {e}"), true))?;
        self.transport
            .send(&email)
            .map(drop)
            .map_err(|e| (format!("SMTP: {e}"), e.is_permanent()))
    }
}

/// TLS of the HTTP deliveries (SMS gateway, webhooks): the system's OpenSSL and trust store,
/// as the SMTP relays.
pub(crate) fn http_tls() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::NativeTls)
        .root_certs(ureq::tls::RootCerts::PlatformVerifier)
        .build()
}

/// The SMS gateway: `POST {to, text}` as JSON; any 2xx is sent.
struct SmsGateway {
    url: String,
    agent: ureq::Agent,
}

impl SmsGateway {
    fn new(url: &str) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(SEND_TIMEOUT))
            .tls_config(http_tls())
            .build();
        Self {
            url: url.to_owned(),
            agent: config.into(),
        }
    }

    fn send(&self, to: &str, message: &Message) -> Result<(), (String, bool)> {
        let body = serde_json::json!({"to": to, "text": message.short}).to_string();
        self.agent
            .post(&self.url)
            .header("content-type", "application/json")
            .send(body)
            .map(drop)
            .map_err(|e| (format!("SMS gateway: {e}"), false))
    }
}

/// The configured channels, built from the settings once.
pub struct Senders {
    email: Option<SmtpSender>,
    pec: Option<SmtpSender>,
    sms: Option<SmsGateway>,
    link_base: String,
    webhooks: super::webhooks::delivery::WebhookSender,
}

impl std::fmt::Debug for Senders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Senders")
            .field("email", &self.email.is_some())
            .field("pec", &self.pec.is_some())
            .field("sms", &self.sms.is_some())
            .finish_non_exhaustive()
    }
}

impl Senders {
    /// The channels `settings` configures (`SMTP_*`, `PEC_SMTP_*`, `SMS_GATEWAY_URL`).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        Ok(Self {
            email: settings.smtp.as_ref().map(SmtpSender::new).transpose()?,
            pec: settings
                .pec_smtp
                .as_ref()
                .map(SmtpSender::new)
                .transpose()?,
            sms: settings.sms_gateway_url.as_deref().map(SmsGateway::new),
            link_base: settings.notification_link_base.clone(),
            webhooks: super::webhooks::delivery::WebhookSender::from_settings(settings),
        })
    }

    /// The HTTP client of webhook deliveries.
    pub fn webhooks(&self) -> &super::webhooks::delivery::WebhookSender {
        &self.webhooks
    }

    /// The channels the worker can send on (the others stay queued).
    pub fn configured(&self) -> Vec<&'static str> {
        let mut channels = Vec::new();
        if self.email.is_some() {
            channels.push(Channel::Email.as_str());
        }
        if self.pec.is_some() {
            channels.push(Channel::Pec.as_str());
        }
        if self.sms.is_some() {
            channels.push(Channel::Sms.as_str());
        }
        channels
    }

    /// Sends `message` on `channel` to `address` when given, otherwise to `recipient`'s
    /// contact on file for the channel, which must be verified; `Err((error, permanent))`.
    pub(super) fn send(
        &self,
        conn: &mut PgConnection,
        channel: Channel,
        (recipient, address): (&str, Option<&str>),
        message: &Message,
        now: OffsetDateTime,
    ) -> diesel::QueryResult<Result<(), (String, bool)>> {
        let to = match destination(conn, channel, recipient, address)? {
            Ok(to) => to,
            Err(error) => return Ok(Err((error, true))),
        };
        Ok(self.send_to(channel, &to, message, now))
    }

    /// Sends `message` on `channel` to the address `to`, now; `Err((error, permanent))`.
    pub fn send_to(
        &self,
        channel: Channel,
        to: &str,
        message: &Message,
        now: OffsetDateTime,
    ) -> Result<(), (String, bool)> {
        let unconfigured = || (format!("{channel} is not configured"), false);
        match channel {
            Channel::Email => self
                .email
                .as_ref()
                .ok_or_else(unconfigured)
                .and_then(|s| s.send(to, message, now)),
            Channel::Pec => self
                .pec
                .as_ref()
                .ok_or_else(unconfigured)
                .and_then(|s| s.send(to, message, now)),
            Channel::Sms => self
                .sms
                .as_ref()
                .ok_or_else(unconfigured)
                .and_then(|s| s.send(to, message)),
            Channel::Inbox => Ok(()),
        }
    }

    /// The base the links in messages are joined to.
    pub(super) fn link_base(&self) -> &str {
        &self.link_base
    }
}

/// `recipient`'s contact on file for `channel`, when it is verified.
/// Where a delivery on `channel` goes: its explicit `address` when it has one, otherwise
/// `recipient`'s contact on file for the channel, which must be verified (`Err` naming why not:
/// a permanent failure).
fn destination(
    conn: &mut PgConnection,
    channel: Channel,
    recipient: &str,
    address: Option<&str>,
) -> diesel::QueryResult<Result<String, String>> {
    if let Some(address) = address {
        return Ok(Ok(address.to_owned()));
    }
    Ok(verified_address(conn, channel, recipient)?
        .ok_or_else(|| format!("no verified {channel} contact on file")))
}

fn verified_address(
    conn: &mut PgConnection,
    channel: Channel,
    recipient: &str,
) -> diesel::QueryResult<Option<String>> {
    let contacts = Contacts::from(inps_persistence::profile::contacts_of(conn, recipient)?);
    Ok(channel
        .reachable(&contacts)
        .then(|| channel.address(&contacts).map(str::to_owned))
        .flatten())
}

/// What one run of [`deliver_due`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRun {
    /// Sent.
    pub sent: usize,
    /// Failed, to be retried.
    pub retrying: usize,
    /// Failed for good.
    pub failed: usize,
    /// Past their time-to-live, not sent.
    pub expired: usize,
}

impl DeliveryRun {
    /// Deliveries this run dealt with.
    pub fn total(&self) -> usize {
        self.sent + self.retrying + self.failed + self.expired
    }

    /// Counts one delivery's `attempt`.
    pub fn count(&mut self, attempt: &Attempt) {
        match attempt {
            Attempt::Sent => self.sent += 1,
            Attempt::Expired => self.expired += 1,
            Attempt::Failed { retry_at: None, .. } => self.failed += 1,
            Attempt::Failed { .. } => self.retrying += 1,
        }
    }

    /// Logs what the run did, if anything (`kind`: `notification` or `webhook`).
    pub fn log(&self, kind: &'static str) {
        if self.total() > 0 {
            tracing::info!(
                kind,
                sent = self.sent,
                retrying = self.retrying,
                failed = self.failed,
                expired = self.expired,
                "deliveries"
            );
        }
    }

    /// Adds `other`'s counts.
    pub fn add(&mut self, other: Self) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
        self.expired += other.expired;
    }
}

fn jitter_seed(id: uuid::Uuid, attempts: i32) -> u64 {
    let (high, low) = id.as_u64_pair();
    high ^ low ^ u64::from(attempts.unsigned_abs())
}

/// The outcome of the failed attempt number `attempts + 1` of delivery `id` at `now` with
/// `error`: retried after the backoff (`retry_delay`, its jitter seeded by the delivery), or
/// failed for good when `permanent` or no attempt is left; the error is logged and kept
/// truncated.
pub(crate) fn failed_attempt(
    id: uuid::Uuid,
    attempts: i32,
    error: &str,
    permanent: bool,
    now: OffsetDateTime,
) -> Attempt {
    let failed = u32::try_from(attempts).unwrap_or(0) + 1;
    let retry_at = if permanent {
        None
    } else {
        retry_delay(failed, jitter_seed(id, attempts)).map(|w| now + w)
    };
    tracing::warn!(
        delivery = %id, attempt = failed, retry = retry_at.is_some(), error = %error,
        "delivery failed"
    );
    Attempt::Failed {
        error: error.chars().take(MAX_ERROR_CHARS).collect(),
        retry_at,
    }
}

/// Runs `one_batch` in one transaction after another (each given the clock's now and the run
/// to count its attempts in) until a batch deals with fewer than `batch` deliveries.
pub(crate) fn in_batches<E: From<diesel::result::Error>>(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    batch: i64,
    mut one_batch: impl FnMut(&mut PgConnection, OffsetDateTime, &mut DeliveryRun) -> Result<(), E>,
) -> Result<DeliveryRun, E> {
    let mut run = DeliveryRun::default();
    loop {
        let now = clock.now();
        let this = conn.transaction(|conn| {
            let mut this = DeliveryRun::default();
            one_batch(conn, now, &mut this)?;
            Ok::<_, E>(this)
        })?;
        run.add(this);
        if i64::try_from(this.total()).unwrap_or(i64::MAX) < batch {
            return Ok(run);
        }
    }
}

/// A row the worker cannot read: failed for good.
pub(super) fn corrupt() -> Attempt {
    Attempt::Failed {
        error: "corrupt delivery row".into(),
        retry_at: None,
    }
}

/// What to do with one claimed delivery: its outcome is already known (expired, corrupt, no
/// address), or a message to send.
enum Planned {
    Decided(Attempt),
    Send {
        channel: Channel,
        to: String,
        text: Message,
    },
}

/// Decides what to do with `claimed` at `now`, reading the address on file when the delivery
/// carries none (it must be verified).
fn plan_one(
    conn: &mut PgConnection,
    senders: &Senders,
    claimed: &ClaimedDelivery,
    now: OffsetDateTime,
) -> diesel::QueryResult<Planned> {
    let d = &claimed.delivery;
    if d.expires_at.is_some_and(|at| now >= at) {
        return Ok(Planned::Decided(Attempt::Expired));
    }
    let (Ok(channel), Ok(event_type)) = (
        d.channel.parse::<Channel>(),
        claimed.event_type.parse::<EventType>(),
    ) else {
        return Ok(Planned::Decided(corrupt()));
    };
    let to = match destination(
        conn,
        channel,
        &claimed.recipient_tax_code,
        d.address.as_deref(),
    )? {
        Ok(to) => to,
        Err(error) => {
            return Ok(Planned::Decided(failed_attempt(
                d.id, d.attempts, &error, true, now,
            )));
        }
    };
    let text = message(event_type, &senders.link_base, &claimed.link);
    Ok(Planned::Send { channel, to, text })
}

/// Messages a worker sends at once. A send waits on the network far more than it computes
/// (an SMTP exchange is several round trips), so one worker keeps several in flight.
pub const SEND_CONCURRENCY: usize = 16;

/// The outcomes of `planned` (in order, for the deliveries `claimed`): the messages are sent
/// by up to [`SEND_CONCURRENCY`] threads at once, each taking every n-th one.
fn send_planned(
    senders: &Senders,
    claimed: &[ClaimedDelivery],
    planned: Vec<Planned>,
    now: OffsetDateTime,
) -> Vec<Attempt> {
    let threads = SEND_CONCURRENCY.min(planned.len()).max(1);
    let send = |i: usize, plan: &Planned| match plan {
        Planned::Decided(attempt) => attempt.clone(),
        Planned::Send { channel, to, text } => match senders.send_to(*channel, to, text, now) {
            Ok(()) => Attempt::Sent,
            Err((error, permanent)) => {
                let d = &claimed[i].delivery;
                failed_attempt(d.id, d.attempts, &error, permanent, now)
            }
        },
    };
    let mut outcomes: Vec<Option<Attempt>> = vec![None; planned.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let planned = &planned;
                scope.spawn(move || {
                    (t..planned.len())
                        .step_by(threads)
                        .map(|i| (i, send(i, &planned[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            // A send that panicked leaves its deliveries without an outcome: retried below.
            for (i, attempt) in worker.join().unwrap_or_default() {
                outcomes[i] = Some(attempt);
            }
        }
    });
    outcomes
        .into_iter()
        .enumerate()
        .map(|(i, outcome)| {
            outcome.unwrap_or_else(|| {
                let d = &claimed[i].delivery;
                failed_attempt(d.id, d.attempts, "the send did not finish", false, now)
            })
        })
        .collect()
}

/// Delivers everything due now on the configured channels, `batch` at a time: the immediate
/// deliveries, then the digests due (`super::digests::deliver_digests`).
pub fn deliver_due(
    conn: &mut PgConnection,
    senders: &Senders,
    clock: &dyn Clock,
    batch: i64,
) -> diesel::QueryResult<DeliveryRun> {
    let mut run = deliver_immediate(conn, senders, clock, batch)?;
    run.add(super::digests::deliver_digests(
        conn, senders, clock, batch,
    )?);
    Ok(run)
}

/// Delivers the immediate deliveries due now: per batch, one transaction claims the due
/// deliveries (skipping those another worker holds), sends them, several at once
/// ([`SEND_CONCURRENCY`]), records each outcome, then commits.
fn deliver_immediate(
    conn: &mut PgConnection,
    senders: &Senders,
    clock: &dyn Clock,
    batch: i64,
) -> diesel::QueryResult<DeliveryRun> {
    let channels = senders.configured();
    if channels.is_empty() {
        return Ok(DeliveryRun::default());
    }
    in_batches(conn, clock, batch, |conn, now, run| {
        let claimed = repo::claim_due(conn, &channels, now, batch)?;
        let planned = claimed
            .iter()
            .map(|c| plan_one(conn, senders, c, now))
            .collect::<diesel::QueryResult<Vec<_>>>()?;
        for (c, attempt) in claimed
            .iter()
            .zip(send_planned(senders, &claimed, planned, now))
        {
            run.count(&attempt);
            repo::record_attempt(conn, c.delivery.id, &attempt, now)?;
        }
        Ok(())
    })
}

/// Deliveries claimed per transaction.
pub const BATCH: i64 = 32;

/// Starts a worker over `pool`: it writes the due reminders and delivers what is due, then waits
/// `interval`. Errors are logged and retried after `interval`.
pub fn spawn(
    pool: PgPool,
    senders: Senders,
    clock: Arc<dyn Clock>,
    interval: Duration,
) -> std::io::Result<Periodic> {
    Periodic::spawn(
        "notification-worker",
        "notification delivery run",
        pool,
        interval,
        move |conn| {
            // Reminders first: what they write is delivered in the same pass.
            let reminded = super::reminders::run_due(conn, clock.as_ref(), BATCH)
                .map_err(|e| e.to_string())?;
            if reminded > 0 {
                tracing::info!(reminded, "scheduled reminders written");
            }
            let run =
                deliver_due(conn, &senders, clock.as_ref(), BATCH).map_err(|e| e.to_string())?;
            run.log("notification");
            let run = super::webhooks::delivery::deliver_due(
                conn,
                senders.webhooks(),
                clock.as_ref(),
                BATCH,
            )
            .map_err(|e| e.to_string())?;
            run.log("webhook");
            Ok(())
        },
    )
}
