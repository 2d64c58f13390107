//! Fixed-window rate limiting per caller, with the `X-RateLimit-*` headers of the Italian
//! guidelines (RAC_ROBUSTEZZA_001) on every response and `429` + `Retry-After` past the limit.
//!
//! The caller is the person behind the bearer token once a request of that session has been
//! authenticated (so several sessions of one person share one budget), the token itself before
//! that, and the client IP without a token. With `REDIS_URL` the counters are shared by every
//! replica ([`super::shared_limit`]); without it, or while Redis does not answer, they live in
//! this process (the single-node default), and a Redis outage is logged, not answered.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// `X-RateLimit-Limit`.
pub const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
/// `X-RateLimit-Remaining`.
pub const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// `X-RateLimit-Reset`: seconds until the window resets.
pub const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Counters per caller key.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// Token key → person, learnt when a session is authenticated.
    identities: Mutex<HashMap<String, String>>,
    /// Counters shared through Redis, when configured.
    shared: Option<super::shared_limit::SharedCounter>,
    /// When a Redis failure was last logged (to log an outage, not every request of it).
    last_outage_log: Mutex<Option<Instant>>,
}

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// The configured limit.
    pub limit: u32,
    /// Requests left in this window.
    pub remaining: u32,
    /// Seconds until the window resets (at least 1).
    pub reset_secs: u64,
}

/// Above this many tracked callers, expired windows are purged on the next request.
const PURGE_THRESHOLD: usize = 10_000;

impl RateLimiter {
    /// A limiter allowing `limit` requests per `window` to each caller.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
            identities: Mutex::new(HashMap::new()),
            shared: None,
            last_outage_log: Mutex::new(None),
        }
    }

    /// Shares the counters through `shared` (Redis).
    #[must_use]
    pub fn with_shared(mut self, shared: super::shared_limit::SharedCounter) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Counts one request of `key`: in Redis when configured and answering, else here.
    pub async fn decide(&self, key: &str) -> Decision {
        if let Some(shared) = &self.shared {
            let unix_secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            match shared.count(key, self.limit, self.window, unix_secs).await {
                Ok(decision) => return decision,
                Err(error) => self.log_outage(&error),
            }
        }
        self.check(key, Instant::now())
    }

    fn log_outage(&self, error: &str) {
        let mut last = match self.last_outage_log.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        if last.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(60)) {
            *last = Some(now);
            tracing::warn!(%error, "shared rate limits unavailable: counting on this replica");
        }
    }

    /// Records that `token` belongs to `person`, so its requests count against the person.
    pub fn remember_identity(&self, token: &str, person: &str) {
        let mut identities = match self.identities.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if identities.len() > PURGE_THRESHOLD {
            identities.clear();
        }
        identities.insert(token_key(token), format!("person:{person}"));
    }

    fn key_for_token(&self, token: &str) -> String {
        let key = token_key(token);
        let identities = match self.identities.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        identities.get(&key).cloned().unwrap_or(key)
    }

    /// Counts one request of `key` at `now`.
    pub fn check(&self, key: &str, now: Instant) -> Decision {
        let mut windows = match self.windows.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > PURGE_THRESHOLD {
            let window = self.window;
            windows.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        let allowed = entry.1 < self.limit;
        if allowed {
            entry.1 += 1;
        }
        let elapsed = now.duration_since(entry.0);
        let reset = self.window.saturating_sub(elapsed);
        Decision {
            allowed,
            limit: self.limit,
            remaining: self.limit - entry.1,
            reset_secs: reset.as_secs().max(1),
        }
    }
}

fn token_key(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    format!("token:{}", hex::encode(&digest[..16]))
}

fn caller_key(limiter: &RateLimiter, req: &ServiceRequest) -> String {
    if let Some(token) = crate::auth::bearer(req.request()) {
        return limiter.key_for_token(&token);
    }
    let ip = req
        .peer_addr()
        .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    format!("ip:{ip}")
}

fn set_headers(headers: &mut header::HeaderMap, d: Decision) {
    headers.insert(LIMIT, HeaderValue::from(d.limit));
    headers.insert(REMAINING, HeaderValue::from(d.remaining));
    headers.insert(RESET, HeaderValue::from(d.reset_secs));
}

/// The middleware function.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let decision = state
        .rate_limiter
        .decide(&caller_key(&state.rate_limiter, &req))
        .await;
    if !decision.allowed {
        let error = ApiError::new(Problem::RateLimited)
            .with_detail(
                format!(
                    "Limite di richieste raggiunto: riprovare tra {} secondi.",
                    decision.reset_secs
                ),
                format!(
                    "Request limit reached: retry in {} seconds.",
                    decision.reset_secs
                ),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from(decision.reset_secs));
        let mut res = HttpResponse::from_error(error);
        set_headers(res.headers_mut(), decision);
        return Ok(req.into_response(res).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    set_headers(res.headers_mut(), decision);
    Ok(res.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_resets_after_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(limiter.check("a", t0).allowed);
        let second = limiter.check("a", t0);
        assert!(second.allowed);
        assert_eq!(second.remaining, 0);
        let third = limiter.check("a", t0 + Duration::from_secs(1));
        assert!(!third.allowed);
        assert_eq!(third.reset_secs, 59);
        assert!(limiter.check("b", t0).allowed, "keys are independent");
        assert!(limiter.check("a", t0 + Duration::from_secs(60)).allowed);
    }

    #[actix_web::test]
    async fn an_unreachable_redis_leaves_the_decision_to_this_replica() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let shared = crate::middleware::shared_limit::SharedCounter::new(
            &format!("redis://127.0.0.1:{port}"),
            "test:",
            Duration::from_millis(250),
        )
        .unwrap();
        let limiter = RateLimiter::new(1, Duration::from_secs(60)).with_shared(shared);
        assert!(limiter.decide("k").await.allowed, "answered, not failed");
        assert!(!limiter.decide("k").await.allowed, "the local budget holds");
    }
}
